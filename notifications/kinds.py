"""The registry of notification kinds: each kind is one translated sentence with %(name)s params.

A notification stores its kind and params, not its text: the text is rendered when somebody reads it,
in the reader's language (the bell, the list, the digest mail), so a youth in Vientiane reads Lao and
her teacher in Kunming reads Chinese. Params are plain values (names of groups, phases, a status code
the kind translates), or a {language: text} dict for what has a text per language (a lesson's title);
never another youth's name or work, since a youth may be the reader.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from camp.models import Enrollment


@dataclass(frozen=True)
class Kind:
    message: Promise
    # A digest may arrive up to an hour late: a "class starts in 10 minutes" would be stale by then
    # (the calendar feed's VALARM reminds instead), so such kinds stay in the bell only.
    mailed: bool = True
    # Params stored as a code and shown as a translated label: {"status": {"approved": _("Approved")}}.
    labels: dict = field(default_factory=dict)


KINDS: dict[str, Kind] = {
    "enrollment_decided": Kind(
        _("%(group)s, phase %(number)s: %(status)s."), labels={"status": dict(Enrollment.Status.choices)}
    ),
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
    values = _Params()
    for name, value in (params or {}).items():
        if name in entry.labels:
            value = entry.labels[name].get(value, value)
        elif isinstance(value, dict):
            value = translated(value)
        values[name] = "" if value is None else str(value)
    try:
        return message % values
    except (TypeError, ValueError):
        return message


def translated(texts: dict) -> str:
    """A param given in several languages ({"th": …, "zh-hans": …}, e.g. a lesson's title): the
    reader's, else the site's default, else any."""
    return (
        texts.get(get_language() or "")
        or texts.get(settings.LANGUAGE_CODE)
        or next((text for text in texts.values() if text), "")
    )


class _Params(dict):
    """A %-mapping that shows a missing param as empty text (an older row, a renamed param)."""

    def __missing__(self, key):
        return ""
