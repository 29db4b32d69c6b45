"""The registry of notification kinds: each kind is one translated sentence with %(name)s params.

A notification stores its kind and params, not its text: the text is rendered when somebody reads it,
in the reader's language (the bell, the list, the digest mail), so a youth in Vientiane reads Lao and
her teacher in Kunming reads Chinese. Params are plain values (names of groups, lessons, phases): never
another youth's name or work, since a youth may be the reader.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    message: Promise
    # A digest may arrive up to an hour late: a "class starts in 10 minutes" would be stale by then
    # (the calendar feed's VALARM reminds instead), so such kinds stay in the bell only.
    mailed: bool = True


KINDS: dict[str, Kind] = {
    "enrollment_decided": Kind(_("The enrollment of %(group)s in %(phase)s was decided: %(status)s.")),
    "plan_changed": Kind(_("The plan of %(group)s changed.")),
    "class_starting": Kind(_("%(lesson)s starts in 10 minutes."), mailed=False),
    "homework_returned": Kind(_("Your teacher returned your homework “%(title)s” with comments.")),
    "work_approved": Kind(_("Your work “%(title)s” was approved for the showcase.")),
    "checkin_prompt": Kind(_("Today's check-in: %(prompt)s")),
}


def render(kind: str, params: dict) -> str:
    """The notification's sentence in the active language; a missing param never breaks a page."""
    entry = KINDS.get(kind)
    if entry is None:
        return ""
    message = str(entry.message)
    try:
        return message % _Params(params or {})
    except (TypeError, ValueError):
        return message


class _Params(dict):
    """A %-mapping that shows a missing param as empty text (an older row, a renamed param)."""

    def __missing__(self, key):
        return ""
