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
    windows_by_day: dict[datetime.date, list[Interval]] = {}
    result: dict[int, list[Conflict]] = {}
    for item in items:
        found: list[Conflict] = []
        span = _interval(item)
        for other in others:
            if other.pk == item.pk or not span.overlaps(_interval(other)):
                continue
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
        if day not in windows_by_day:
            windows_by_day[day] = group_windows(group, day, hours)
        if not any(window.contains(span) for window in windows_by_day[day]):
            found.append(Conflict(
                OUTSIDE_HOURS, _("Outside the group's available hours (%(zone)s).") % {"zone": group.time_zone}
            ))
        if day < phase.starts_on or local_last.date() > phase.ends_on:
            found.append(Conflict(
                OUTSIDE_PHASE,
                _("Outside the phase's dates (%(first)s – %(last)s).") % {"first": phase.starts_on, "last": phase.ends_on},
            ))
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
