"""The attendance rule: one youth's connections to one class in, minutes present and
present / late / absent out.

Pure: plain datetimes in, a verdict out — no database, no clock, no Django. The live room's
attendance page (`live.services.attendance`) and the reports (`reports.attendance`, which adds
teachers' corrections and reads whole camps) both call `attendance_verdict`, so the teacher's
room page and the certificates cannot disagree. docs/reports.md explains the thresholds:

- the class window runs from the real start (else the planned one) to the real end (else, while
  the class runs, now; else the planned end) — `class_window`;
- a connection counts from when it opened to when it closed; one left open counts to its last
  ping once that is older than STALE_AFTER (its process died), else up to now — `span_end`;
- the connections are clipped to the window and merged (two tabs count once): the seconds present;
- late: first inside the class more than LATE_AFTER after it began (the later of the planned and
  the real start, so nobody is late because the teacher started late) — `late_reference`;
- absent: never inside the class, or — once it is over — inside for less than PRESENT_SHARE of it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

# A connection that has not pinged for this long is gone (its server process probably died).
STALE_AFTER = datetime.timedelta(seconds=90)
# Joining within this many minutes of the start still counts as on time.
LATE_AFTER = datetime.timedelta(minutes=10)
# Once the class is over, less than this share of it counts as absent.
PRESENT_SHARE = 0.5

PRESENT, LATE, ABSENT = "present", "late", "absent"

Span = tuple[datetime.datetime, datetime.datetime]


def class_window(*, planned_start: datetime.datetime, planned_end: datetime.datetime,
                 started_at: datetime.datetime | None = None, ended_at: datetime.datetime | None = None,
                 running_until: datetime.datetime | None = None) -> Span:
    """The stretch of time attendance is counted in. `running_until` is now for a class that is
    running (it counts up to now); leave it None for one that is not. Never ends before it starts."""
    start = started_at or planned_start
    if ended_at is not None:
        end = ended_at
    elif running_until is not None:
        end = running_until
    else:
        end = planned_end
    return start, max(start, end)


def late_reference(*, planned_start: datetime.datetime, started_at: datetime.datetime | None = None):
    """When the class began for lateness: the later of the planned and the real start."""
    return max(planned_start, started_at or planned_start)


def span_end(*, left_at: datetime.datetime | None, last_seen_at: datetime.datetime | None,
             now: datetime.datetime) -> datetime.datetime:
    """Where a connection stops counting: when it closed; if still open, at its last ping once
    that is older than STALE_AFTER (nobody closed it: its process died), else now."""
    if left_at is not None:
        return left_at
    if last_seen_at is not None and last_seen_at < now - STALE_AFTER:
        return last_seen_at
    return now


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching intervals become one, sorted by start; empty ones are dropped."""
    merged: list[list] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def seconds_inside(spans: Iterable[Span], window_start: datetime.datetime, window_end: datetime.datetime) -> float:
    """Seconds of the merged spans that fall inside the window."""
    clipped = [(max(s, window_start), min(e, window_end)) for s, e in spans]
    total = sum((e - s for s, e in merge_spans(clipped)), datetime.timedelta())
    return total.total_seconds()


def attendance_status(*, seconds: float, arrived: datetime.datetime | None, length_seconds: float,
                      late_reference: datetime.datetime, over: bool = True) -> str:
    """present / late / absent from the seconds inside the class and the first moment inside it.
    While the class is not over nobody is absent for having been there too short a time so far."""
    if arrived is None or length_seconds <= 0:
        return ABSENT
    if over and seconds < length_seconds * PRESENT_SHARE:
        return ABSENT
    return LATE if arrived > late_reference + LATE_AFTER else PRESENT


@dataclass(frozen=True)
class Verdict:
    """One youth in one class."""

    status: str  # PRESENT | LATE | ABSENT
    seconds: float  # inside the class, overlapping connections counted once
    first_join: datetime.datetime | None  # when the first connection that counts opened (maybe before the class)
    arrived: datetime.datetime | None  # the first moment inside the class

    @property
    def minutes(self) -> int:
        """Minutes present, rounded to the nearest minute (as every page shows them)."""
        return round(self.seconds / 60)


def attendance_verdict(spans: Iterable[Span], *, start: datetime.datetime, end: datetime.datetime,
                       late_reference: datetime.datetime, over: bool) -> Verdict:
    """THE rule. `spans` are one youth's connections as (opened, closed) pairs, closed as
    `span_end` says; `start`/`end` the `class_window`; `over` whether the class has ended."""
    inside = [(opened, max(opened, start), min(closed, end)) for opened, closed in spans
              if min(closed, end) > max(opened, start)]
    if not inside:
        return Verdict(ABSENT, 0.0, None, None)
    seconds = seconds_inside([(lo, hi) for _opened, lo, hi in inside], start, end)
    arrived = min(lo for _opened, lo, _hi in inside)
    first_join = min(opened for opened, _lo, _hi in inside)
    status = attendance_status(seconds=seconds, arrived=arrived, length_seconds=(end - start).total_seconds(),
                               late_reference=late_reference, over=over)
    return Verdict(status, seconds, first_join, arrived)
