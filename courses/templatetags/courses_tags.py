"""Times shown right, and pinyin over Chinese text.

`{% when moment group %}` is the one way a lesson time reaches a page: the viewer's own zone first,
then Beijing time for teachers and organizers (they work in Beijing), or the group's local time for
coordinators (they talk to the group in its own hours).
"""

import datetime
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from courses.services.scheduling import BEIJING
from courses.services.text import html_sanitize, pinyin_html, pinyin_plain

register = template.Library()

FORMATS = {"datetime": "D Y-m-d H:i", "time": "H:i", "date": "D Y-m-d"}


def _zone_label(zone) -> str:
    return str(zone).split("/")[-1].replace("_", " ")


@register.simple_tag(takes_context=True)
def when(context, moment: datetime.datetime | None, group=None, fmt: str = "datetime", end=None):
    """A time (optionally a range up to `end`) in the viewer's zone, with the second zone beside it."""
    if moment is None:
        return ""
    viewer_zone = timezone.get_current_timezone()
    local = timezone.localtime(moment, viewer_zone)
    text = date_format(local, FORMATS.get(fmt, FORMATS["datetime"]))
    if end is not None:
        text += "–" + date_format(timezone.localtime(end, viewer_zone), "H:i")
    main = format_html('<time datetime="{}">{}</time>', moment.astimezone(datetime.UTC).isoformat(), text)
    user = context.get("user")
    other_zone, label = None, ""
    if user is not None and getattr(user, "is_authenticated", False):
        if user.is_teacher or user.is_organizer:
            other_zone, label = BEIJING, _("Beijing")
        elif user.is_coordinator and group is not None:
            other_zone, label = group.zone, _zone_label(group.zone)
    if other_zone is None or _same_offset(moment, viewer_zone, other_zone):
        return main
    other = timezone.localtime(moment, other_zone)
    other_text = date_format(other, "H:i" if other.date() == local.date() else "D H:i")
    if end is not None:
        other_text += "–" + date_format(timezone.localtime(end, other_zone), "H:i")
    css = "time-beijing" if other_zone is BEIJING else "time-other"
    return format_html('{} <span class="{}">({} {})</span>', main, css, label, other_text)


def _same_offset(moment, first, second) -> bool:
    return moment.astimezone(first).utcoffset() == moment.astimezone(second).utcoffset()


@register.filter
def with_pinyin(value: str, enabled=True):
    """Plain text with pinyin over the Chinese characters (when enabled)."""
    if not enabled:
        return value
    return mark_safe(pinyin_plain(str(value or "")))  # noqa: S308 — pinyin_plain escapes its input


@register.filter
def html_with_pinyin(value: str, enabled=True):
    """Lesson HTML, sanitized again on the way out, with pinyin when enabled."""
    # Bodies are sanitized on save too, but rows saved under older, looser rules (remote images) or
    # through the admin must not reach a youth's browser as they are; nh3 is cheap next to pinyin.
    html = html_sanitize(str(value or ""))
    return mark_safe(pinyin_html(html) if enabled else html)  # noqa: S308 — html_sanitize just ran


@register.filter
def zone_name(value) -> str:
    try:
        return _zone_label(zoneinfo.ZoneInfo(str(value)))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return str(value)


@register.inclusion_tag("courses/_classes_days.html", takes_context=True)
def my_camp_classes(context, group):
    """Today's and tomorrow's classes of a youth's group, in the youth's own time zone."""
    from courses.selectors import classes_today_and_tomorrow

    return {
        "days": classes_today_and_tomorrow(group) if group is not None else [],
        "user": context.get("user"),
        "group": group,
        "pinyin": context.get("pinyin", False),
    }
