"""Placing lessons into a group's local hours, a teacher's Beijing working hours, and nobody's busy time.

Every computation is on aware datetimes: a group's window is built in its own zone for each local
date (so a Toronto Saturday morning moves by an hour in UTC when DST ends, and Yangon's 16:00 is
09:30 UTC), then compared in UTC with the teacher's window built in Beijing time.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from camp.models import Group, Phase

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
# Start times fall on a 5-minute grid; every UTC offset in use is a multiple of 15 minutes,
# so the grid is the same in UTC and in local time (Yangon included).
GRID_MINUTES = 5
# A group and a teacher get a short break between two lessons.
BREAK_MINUTES = 15
DEFAULT_WORK_HOURS = (datetime.time(8, 0), datetime.time(22, 0))


class SchedulingError(Exception):
    """The constraints cannot all be met; the message says which and why."""


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime.datetime
    end: datetime.datetime

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Interval") -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass
class Request:
    """One lesson to place: template day (1-based), with its teacher and length."""

    lesson: object
    teacher: object
    day: int
    duration_minutes: int


@dataclass
class Placement:
    lesson: object
    teacher: object
    starts_at: datetime.datetime
    duration_minutes: int

    @property
    def interval(self) -> Interval:
        return Interval(self.starts_at, self.starts_at + datetime.timedelta(minutes=self.duration_minutes))


@dataclass
class Busy:
    """Time already taken, for the group and for each teacher (across all groups)."""

    group: list[Interval] = field(default_factory=list)
    teachers: dict[int, list[Interval]] = field(default_factory=dict)

    def add(self, teacher_id: int | None, interval: Interval) -> None:
        self.group.append(interval)
        if teacher_id is not None:
            self.teachers.setdefault(teacher_id, []).append(interval)


def _parse_time(value) -> datetime.time:
    hours, minutes = str(value).split(":")
    if hours == "24" and minutes == "00":
        return datetime.time.max
    return datetime.time(int(hours), int(minutes))


def available_hours_parse(entries) -> list[tuple[set[int], datetime.time, datetime.time]]:
    """Group.available_hours → [(weekdays, start, end)], or SchedulingError if malformed."""
    parsed = []
    try:
        for entry in entries or []:
            weekdays = {int(day) for day in entry["weekdays"]}
            start, end = _parse_time(entry["start"]), _parse_time(entry["end"])
            if not weekdays <= set(range(7)) or end <= start:
                raise ValueError
            parsed.append((weekdays, start, end))
    except (KeyError, TypeError, ValueError) as error:
        raise SchedulingError(_("The group's available hours are not valid; ask its coordinator to fix them.")) from error
    return parsed


def group_windows(group: Group, day: datetime.date, hours=None) -> list[Interval]:
    """The group's available hours on one of its local dates, as UTC intervals."""
    zone = group.zone
    hours = available_hours_parse(group.available_hours) if hours is None else hours
    windows = []
    for weekdays, start, end in hours:
        if day.weekday() in weekdays:
            local_start = datetime.datetime.combine(day, start, tzinfo=zone)
            local_end = (
                datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone)
                if end == datetime.time.max
                else datetime.datetime.combine(day, end, tzinfo=zone)
            )
            windows.append(Interval(local_start.astimezone(UTC), local_end.astimezone(UTC)))
    return _merge(windows)


def teacher_work_hours(teacher) -> tuple[datetime.time, datetime.time]:
    profile = getattr(teacher, "teacher_profile", None) if teacher is not None else None
    if profile is None:
        return DEFAULT_WORK_HOURS
    return profile.work_start, profile.work_end


def teacher_windows(hours: tuple[datetime.time, datetime.time], around: Interval) -> list[Interval]:
    """A teacher's Beijing working hours on every Beijing date that touches `around`, in UTC."""
    start, end = hours
    first = around.start.astimezone(BEIJING).date() - datetime.timedelta(days=1)
    last = around.end.astimezone(BEIJING).date() + datetime.timedelta(days=1)
    windows, day = [], first
    while day <= last:
        begins = datetime.datetime.combine(day, start, tzinfo=BEIJING)
        ends = datetime.datetime.combine(day, end, tzinfo=BEIJING)
        if end <= start:  # a working day that runs past midnight
            ends += datetime.timedelta(days=1)
        windows.append(Interval(begins.astimezone(UTC), ends.astimezone(UTC)))
        day += datetime.timedelta(days=1)
    return _merge(windows)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if merged and interval.start <= merged[-1].end:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, interval.end))
        else:
            merged.append(interval)
    return merged


def _intersect(first: list[Interval], second: list[Interval]) -> list[Interval]:
    result = []
    for a in first:
        for b in second:
            start, end = max(a.start, b.start), min(a.end, b.end)
            if start < end:
                result.append(Interval(start, end))
    return _merge(result)


def _subtract(free: list[Interval], taken: list[Interval], pad: datetime.timedelta) -> list[Interval]:
    result = free
    for busy in taken:
        busy = Interval(busy.start - pad, busy.end + pad)
        next_result = []
        for interval in result:
            if not interval.overlaps(busy):
                next_result.append(interval)
                continue
            if interval.start < busy.start:
                next_result.append(Interval(interval.start, busy.start))
            if busy.end < interval.end:
                next_result.append(Interval(busy.end, interval.end))
        result = next_result
    return result


def _ceil_grid(moment: datetime.datetime) -> datetime.datetime:
    moment = moment.astimezone(UTC)
    base = moment.replace(second=0, microsecond=0)
    if base < moment:
        base += datetime.timedelta(minutes=1)
    remainder = base.minute % GRID_MINUTES
    if remainder:
        base += datetime.timedelta(minutes=GRID_MINUTES - remainder)
    return base


def phase_dates(phase: Phase, start_on: datetime.date | None = None) -> list[datetime.date]:
    first = max(phase.starts_on, start_on) if start_on else phase.starts_on
    count = (phase.ends_on - first).days + 1
    return [first + datetime.timedelta(days=offset) for offset in range(max(count, 0))]


def busy_load(*, group: Group, teachers: Iterable, start: datetime.datetime, end: datetime.datetime,
              exclude_plan_id: int | None = None) -> Busy:
    """Items already in the calendar between start and end: the group's, and each teacher's in any group."""
    from courses.models import PlanItem

    teacher_ids = {teacher.pk for teacher in teachers if teacher is not None}
    items = PlanItem.objects.filter(
        Q(plan__group=group) | Q(teacher_id__in=teacher_ids),
        starts_at__lt=end,
        starts_at__gte=start - datetime.timedelta(days=1),
    ).values_list("plan_id", "plan__group_id", "teacher_id", "starts_at", "duration_minutes")
    busy = Busy()
    for plan_id, group_id, teacher_id, starts_at, duration in items:
        if plan_id == exclude_plan_id:
            continue
        interval = Interval(starts_at, starts_at + datetime.timedelta(minutes=duration))
        if group_id == group.pk:
            busy.group.append(interval)
        if teacher_id in teacher_ids:
            busy.teachers.setdefault(teacher_id, []).append(interval)
    return busy


def describe_hours(group: Group) -> str:
    weekday_names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    parts = []
    for entry in group.available_hours or []:
        days = ",".join(weekday_names[int(day)] for day in sorted(entry.get("weekdays", [])))
        parts.append(f"{days} {entry.get('start')}–{entry.get('end')}")
    return "; ".join(parts) or _("none")


@dataclass
class Unplaced:
    """A request that found no free slot, with the scheduler's reason (in the active language)."""

    request: Request
    reason: str


def schedule(*, group: Group, phase: Phase, requests: list[Request], busy: Busy,
             start_on: datetime.date | None = None) -> list[Placement]:
    """Place the requests, template day by template day, at the first free slot; all or nothing."""
    placements, _unplaced = _schedule(group=group, phase=phase, requests=requests, busy=busy, start_on=start_on,
                                      keep_going=False)
    return placements


def schedule_what_fits(*, group: Group, phase: Phase, requests: list[Request], busy: Busy,
                       start_on: datetime.date | None = None) -> tuple[list[Placement], list[Unplaced]]:
    """Place what fits and say what does not: a request without a free slot is skipped, and the later
    ones are placed as if it were not there. Malformed hours, or no hours at all in the phase, still
    raise SchedulingError: then nothing could be placed and the group's hours are what must change."""
    return _schedule(group=group, phase=phase, requests=requests, busy=busy, start_on=start_on, keep_going=True)


def _schedule(*, group: Group, phase: Phase, requests: list[Request], busy: Busy, start_on: datetime.date | None,
              keep_going: bool) -> tuple[list[Placement], list[Unplaced]]:
    hours = available_hours_parse(group.available_hours)
    dates = [day for day in phase_dates(phase, start_on) if group_windows(group, day, hours)]
    if not requests:
        return [], []
    if not dates:
        raise SchedulingError(
            _("%(group)s has no available hours between %(first)s and %(last)s (its hours: %(hours)s). "
              "Ask its coordinator to add some.")
            % {"group": group.name, "first": start_on or phase.starts_on, "last": phase.ends_on,
               "hours": describe_hours(group)}
        )
    pad = datetime.timedelta(minutes=BREAK_MINUTES)
    group_busy = list(busy.group)
    teacher_busy = {key: list(value) for key, value in busy.teachers.items()}
    placements: list[Placement] = []
    unplaced: list[Unplaced] = []
    ordered = sorted(enumerate(requests), key=lambda pair: (pair[1].day, pair[0]))
    last_index, current_day, day_floor = -1, None, 0
    not_before: datetime.datetime | None = None
    for _position, request in ordered:
        if request.day != current_day:
            # A new template day starts on its own date, never before the previous day's last date.
            current_day = request.day
            day_floor = max(request.day - 1, last_index + 1)
            not_before = None
        duration = datetime.timedelta(minutes=request.duration_minutes)
        teacher_id = request.teacher.pk if request.teacher is not None else None
        work = teacher_work_hours(request.teacher)
        placed = None
        day_start_after = not_before
        for index in range(day_floor, len(dates)):
            windows = group_windows(group, dates[index], hours)
            free = _intersect(windows, teacher_windows(work, Interval(windows[0].start, windows[-1].end)))
            free = _subtract(free, group_busy, pad)
            free = _subtract(free, teacher_busy.get(teacher_id, []), pad)
            for interval in free:
                start = _ceil_grid(max(interval.start, not_before) if not_before else interval.start)
                if start + duration <= interval.end:
                    placed = (index, start)
                    break
            if placed:
                break
            not_before = None
        if placed is None:
            teacher_name = str(request.teacher) if request.teacher is not None else _("the teacher")
            facts = {
                "lesson": request.lesson, "day": request.day, "minutes": request.duration_minutes,
                "first": dates[min(day_floor, len(dates) - 1)], "last": dates[-1], "group": group.name,
                "hours": describe_hours(group), "zone": group.time_zone, "teacher": teacher_name,
                "work_start": work[0].strftime("%H:%M"), "work_end": work[1].strftime("%H:%M"),
            }
            if not keep_going:
                raise SchedulingError(
                    _("“%(lesson)s” (day %(day)s, %(minutes)s minutes) does not fit: between %(first)s and %(last)s "
                      "there is no free slot in %(group)s's hours (%(hours)s, %(zone)s) that is also within "
                      "%(teacher)s's working hours (%(work_start)s–%(work_end)s Beijing time). Nothing was saved.")
                    % facts
                )
            unplaced.append(Unplaced(request, _(
                "“%(lesson)s” (day %(day)s, %(minutes)s minutes): no free slot between %(first)s and %(last)s in "
                "%(group)s's hours (%(hours)s, %(zone)s) within %(teacher)s's working hours "
                "(%(work_start)s–%(work_end)s Beijing time).") % facts))
            # The next lesson of the same day still comes after the last one placed.
            not_before = day_start_after
            continue
        index, start = placed
        placement = Placement(request.lesson, request.teacher, start, request.duration_minutes)
        placements.append(placement)
        group_busy.append(placement.interval)
        if teacher_id is not None:
            teacher_busy.setdefault(teacher_id, []).append(placement.interval)
        day_floor = index
        last_index = max(last_index, index)
        not_before = placement.interval.end + pad
    return placements, unplaced
