"""What is wrong with a plan's items: the five conflict kinds the builder flags and "propose" checks."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.services.scheduling import Interval, SchedulingError, available_hours_parse, group_windows

TEACHER_BUSY = "teacher_busy"
GROUP_BUSY = "group_busy"
OUTSIDE_HOURS = "outside_hours"
OUTSIDE_PHASE = "outside_phase"
UNSUITABLE = "unsuitable"
KINDS = (TEACHER_BUSY, GROUP_BUSY, OUTSIDE_HOURS, OUTSIDE_PHASE, UNSUITABLE)


@dataclass(frozen=True)
class Conflict:
    kind: str
    message: str


def _interval(item) -> Interval:
    return Interval(item.starts_at, item.starts_at + datetime.timedelta(minutes=item.duration_minutes))


def _overlaps_by_item(items: list, others: list) -> dict[int, list]:
    """{item id: the rows of `others` that overlap it, in the order of `others`}, by a sweep.

    Both lists sorted by start; `others` is walked once while the items come in start order, and a
    row leaves the active list once it ends before the current item starts (it ends before every
    later item starts too). Each item is compared only with the rows still active: O(n log n + k)
    instead of every pair.
    """
    ordered = sorted(
        ((o.starts_at, o.starts_at + datetime.timedelta(minutes=o.duration_minutes), index, o)
         for index, o in enumerate(others)),
        key=lambda row: row[0],
    )
    found: dict[int, list] = {}
    active: list[tuple] = []
    next_row = 0
    for item in sorted(items, key=lambda item: item.starts_at):
        span = _interval(item)
        while next_row < len(ordered) and ordered[next_row][0] < span.end:
            active.append(ordered[next_row])
            next_row += 1
        active = [row for row in active if row[1] > span.start]
        # An active row started before this item's end when it was added for a longer item; check it.
        hits = sorted(
            (row for row in active if row[0] < span.end and row[3].pk != item.pk), key=lambda row: row[2]
        )
        found[item.pk] = [row[3] for row in hits]
    return found


def _windows_by_day(group, hours, items) -> dict[datetime.date, list[Interval]]:
    """The group's available windows on every local date an item starts, computed once per call."""
    zone = group.zone
    days = {timezone.localtime(item.starts_at, zone).date() for item in items}
    return {day: group_windows(group, day, hours) for day in days}


def plan_conflicts(plan, items: list | None = None) -> dict[int, list[Conflict]]:
    """{item id: [conflicts]} for every item of the plan that has any. Two queries at most."""
    from courses.models import PlanItem

    if items is None:
        items = list(plan.items.select_related("lesson", "teacher"))
    if not items:
        return {}
    group, phase = plan.group, plan.phase
    zone = group.zone
    start = min(item.starts_at for item in items)
    end = max(_interval(item).end for item in items)
    teacher_ids = {item.teacher_id for item in items if item.teacher_id}
    # Everything that could overlap: this group's items in any plan, and these teachers' items in any group.
    others = list(
        PlanItem.objects.filter(
            Q(plan__group_id=group.pk) | Q(teacher_id__in=teacher_ids),
            starts_at__lt=end,
            starts_at__gte=start - datetime.timedelta(days=1),
        ).select_related("plan__group").only(
            "pk", "starts_at", "duration_minutes", "teacher_id", "plan_id", "plan__group__name", "plan__group_id",
        )
    )
    try:
        hours = available_hours_parse(group.available_hours)
    except SchedulingError:
        hours = []
    windows_by_day = _windows_by_day(group, hours, items)
    overlapping = _overlaps_by_item(items, others)
    outside_hours = _("Outside the group's available hours (%(zone)s).") % {"zone": group.time_zone}
    outside_phase = _("Outside the phase's dates (%(first)s – %(last)s).") % {
        "first": phase.starts_on, "last": phase.ends_on,
    }
    result: dict[int, list[Conflict]] = {}
    for item in items:
        found: list[Conflict] = []
        span = _interval(item)
        for other in overlapping[item.pk]:
            if other.plan.group_id == group.pk:
                found.append(Conflict(GROUP_BUSY, _("The group has another lesson at the same time.")))
            elif item.teacher_id and other.teacher_id == item.teacher_id:
                found.append(Conflict(
                    TEACHER_BUSY,
                    _("%(teacher)s teaches %(group)s at the same time.")
                    % {"teacher": item.teacher, "group": other.plan.group.name},
                ))
        local_start = timezone.localtime(item.starts_at, zone)
        local_last = timezone.localtime(span.end - datetime.timedelta(seconds=1), zone)
        day = local_start.date()
        if not any(window.contains(span) for window in windows_by_day[day]):
            found.append(Conflict(OUTSIDE_HOURS, outside_hours))
        if day < phase.starts_on or local_last.date() > phase.ends_on:
            found.append(Conflict(OUTSIDE_PHASE, outside_phase))
        lesson = item.lesson
        if not lesson.suits_age(group):
            found.append(Conflict(
                UNSUITABLE,
                _("The lesson is for ages %(lesson_min)s–%(lesson_max)s; the group is %(group_min)s–%(group_max)s.")
                % {"lesson_min": lesson.age_min, "lesson_max": lesson.age_max,
                   "group_min": group.age_min, "group_max": group.age_max},
            ))
        if not lesson.suits_level(group):
            found.append(Conflict(
                UNSUITABLE,
                _("The lesson needs %(needed)s Chinese; the group's level is %(level)s.")
                % {"needed": lesson.get_chinese_level_display(), "level": group.get_chinese_level_display()},
            ))
        if found:
            # One line per kind and message: three overlaps with one group read as one problem.
            result[item.pk] = list(dict.fromkeys(found))
    return result


def conflict_count(conflicts: dict[int, list[Conflict]]) -> int:
    return sum(len(found) for found in conflicts.values())
