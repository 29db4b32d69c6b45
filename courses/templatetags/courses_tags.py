"""Times shown right, and pinyin over Chinese text.

`{% when moment group %}` is the one way a lesson time reaches a page: the viewer's own zone first,
then Beijing time for teachers and organizers (they work in Beijing), or the group's local time for
coordinators (they talk to the group in its own hours).
"""

import datetime
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from camp.dateformat import date_format
from camp.zones import zone_city
from courses.services.scheduling import BEIJING
from courses.services.text import html_sanitize, pinyin_html, pinyin_plain

register = template.Library()

# Per language (qiaocamp/formats/): "7月20日 周一 14:00", "ຈັນ 20 ກ.ລ., 14:00", never US month/day.
FORMATS = {"datetime": "WEEKDAY_DATETIME_FORMAT", "time": "TIME_FORMAT", "date": "WEEKDAY_DATE_FORMAT"}


def _zone_label(zone) -> str:
    """The zone's city in the page's language (camp.zones), never the raw "Asia/Vientiane"."""
    return zone_city(zone)


@register.simple_tag(takes_context=True)
def when(context, moment: datetime.datetime | None, group=None, fmt: str = "datetime", end=None):
    """A time (optionally a range up to `end`) in the viewer's zone, with the other zones beside it.

    Teachers and organizers plan in Beijing time for groups in other zones: they see their own time
    (labelled), Beijing time when theirs differs, and the group's local time, e.g.
    "Fri 18:00 Beijing · Fri 17:00 Bangkok". Coordinators see the group's time beside their own.
    A zone with the same offset as one already shown is left out.
    """
    if moment is None:
        return ""
    viewer_zone = timezone.get_current_timezone()
    local = timezone.localtime(moment, viewer_zone)
    main_format = FORMATS.get(fmt, FORMATS["datetime"])
    if fmt == "time" and group is not None and timezone.localtime(moment, group.zone).date() != local.date():
        # Pages list times under the group's local date: a time on another date here says which day.
        main_format = "D H:i"
    text = date_format(local, main_format)
    if end is not None and fmt != "date":
        text += "–" + date_format(timezone.localtime(end, viewer_zone), "H:i")
    main = format_html('<time datetime="{}">{}</time>', moment.astimezone(datetime.UTC).isoformat(), text)
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return main
    if user.is_teacher or user.is_organizer:
        return _planner_times(main, moment, end, fmt, local, viewer_zone, group)
    if user.is_coordinator and group is not None and not _same_offset(moment, viewer_zone, group.zone):
        other = timezone.localtime(moment, group.zone)
        other_text = _other_text(other, end, group.zone, local, fmt)
        if other_text:
            return format_html('{} <span class="time-other">({} {})</span>', main, _zone_label(group.zone),
                               other_text)
    return main


def _planner_times(main, moment, end, fmt, local, viewer_zone, group):
    shown = [viewer_zone]
    parts = []
    for zone, css in ((BEIJING, "time-beijing"), (group.zone if group is not None else None, "time-group")):
        if zone is None or any(_same_offset(moment, zone, other) for other in shown):
            continue
        other_text = _other_text(timezone.localtime(moment, zone), end, zone, local, fmt)
        shown.append(zone)
        if other_text:
            parts.append(format_html('<span class="{}"> · {} {}</span>', css, other_text, _zone_name(zone)))
    if not parts:
        return main
    return format_html('{} <span class="zone-label">{}</span>{}', main, _zone_name(viewer_zone),
                       mark_safe("".join(parts)))  # noqa: S308 — each part went through format_html


def _other_text(other: datetime.datetime, end, zone, local: datetime.datetime, fmt: str) -> str:
    """The same moment in another zone: its weekday when the page shows dates or the date differs."""
    if fmt == "date":
        return date_format(other, "D") if other.date() != local.date() else ""
    text = date_format(other, "D H:i" if fmt != "time" or other.date() != local.date() else "H:i")
    if end is not None:
        text += "–" + date_format(timezone.localtime(end, zone), "H:i")
    return text


def _zone_name(zone) -> str:
    """Beijing for China's zone, else the city of the zone (Bangkok, Yangon, Toronto)."""
    return _zone_label(zone)


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
    """A youth's day view: today first, the next days, the past days dimmed, in the youth's own time zone."""
    from courses.selectors import my_camp_days

    return {
        **(my_camp_days(group) if group is not None else {}),
        "user": context.get("user"),
        "group": group,
        "pinyin": context.get("pinyin", False),
    }
