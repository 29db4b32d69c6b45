"""Attendance from the live room's connection log, plus teachers' corrections.

The live room writes one AttendanceSpan per connection: a youth on a phone whose network drops
three times has four spans for one class. The rule that turns them into minutes present and
present / late / absent is the live app's pure `live.attendance_rule.attendance_verdict` — the
same call the teacher's room page makes, so both agree (docs/reports.md). What the reports add:
teachers' corrections override the derived status, and whole camps are read in a fixed number
of queries. A session is "held" once it has ended (state "ended" or an end time).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from live.attendance_rule import (
    LATE_AFTER,
    PRESENT_SHARE,
    attendance_status,
    attendance_verdict,
    class_window,
    late_reference,
    merge_spans,
    seconds_inside,
    span_end,
)
from live.models import AttendanceSpan, LiveSession
from reports.models import AttendanceCorrection, AttendanceStatus

__all__ = [  # LATE_AFTER, PRESENT_SHARE, merge_spans, seconds_inside: the live rule's, re-exported
    "ATTENDED", "HELD", "LATE_AFTER", "PRESENT_SHARE", "AttendanceBook", "Mark", "SessionInfo", "attendance_book",
    "derive_status", "merge_spans", "minutes_inside", "percent", "seconds_inside", "session_infos",
]

ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


def minutes_inside(spans, window_start, window_end) -> int:
    """Minutes present, rounded as the live room's attendance page shows them."""
    return round(seconds_inside(spans, window_start, window_end) / 60)


def derive_status(*, seconds: float, first_join, length_seconds: float, late_reference) -> str:
    """The status of a held session (over) by the live rule; `first_join`: the first moment inside it."""
    return AttendanceStatus(attendance_status(seconds=seconds, arrived=first_join, length_seconds=length_seconds,
                                              late_reference=late_reference, over=True))


@dataclass(frozen=True)
class SessionInfo:
    id: int
    group_id: int
    phase_id: int
    plan_item_id: int
    planned_start: datetime.datetime
    planned_minutes: int
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    state: str

    @property
    def held(self) -> bool:
        return self.state == LiveSession.State.ENDED or self.ended_at is not None

    @property
    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The live rule's class window (a held session is not running: no `now` in it)."""
        return class_window(planned_start=self.planned_start,
                            planned_end=self.planned_start + datetime.timedelta(minutes=self.planned_minutes),
                            started_at=self.started_at, ended_at=self.ended_at)

    @property
    def class_start(self) -> datetime.datetime:
        return self.window[0]

    @property
    def class_end(self) -> datetime.datetime:
        return self.window[1]

    @property
    def length_seconds(self) -> float:
        start, end = self.window
        return (end - start).total_seconds()

    @property
    def late_reference(self) -> datetime.datetime:
        return late_reference(planned_start=self.planned_start, started_at=self.started_at)


@dataclass
class Mark:
    """One youth in one held session."""

    minutes: int
    first_join: datetime.datetime | None
    derived: str
    correction: dict | None = None

    @property
    def status(self) -> str:
        return self.correction["status"] if self.correction else self.derived

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


@dataclass
class AttendanceBook:
    """Marks for every (held session, youth of the session's group)."""

    sessions: dict[int, SessionInfo]
    marks: dict[tuple[int, int], Mark] = field(default_factory=dict)  # (session id, participant id)

    def held_sessions_of(self, group_id: int, phase_id: int | None = None) -> list[SessionInfo]:
        return [
            s for s in self.sessions.values()
            if s.held and s.group_id == group_id and (phase_id is None or s.phase_id == phase_id)
        ]


SESSION_VALUES = (
    "id", "plan_item_id", "plan_item__plan__group_id", "plan_item__plan__phase_id", "plan_item__starts_at",
    "plan_item__duration_minutes", "started_at", "ended_at", "state",
)


def session_infos(queryset) -> dict[int, SessionInfo]:
    """One query: the sessions as plain rows."""
    infos = {}
    for row in queryset.values_list(*SESSION_VALUES):
        sid, item_id, group_id, phase_id, starts_at, minutes, started_at, ended_at, state = row
        infos[sid] = SessionInfo(sid, group_id, phase_id, item_id, starts_at, minutes, started_at, ended_at, state)
    return infos


HELD = Q(state=LiveSession.State.ENDED) | Q(ended_at__isnull=False)


def attendance_book(sessions: dict[int, SessionInfo], participants: Iterable, scope: Q, *, now=None) -> AttendanceBook:
    """Marks for the held sessions and the given youth: two queries whatever their number.

    `sessions` were read with `scope` (a filter on LiveSession); spans and corrections are read
    through the same filter as a subquery, so no list of ids grows with the camp.
    `participants` are rows with .id (or ["id"]), group_id and user_id.
    """
    now = now or timezone.now()
    book = AttendanceBook(sessions=sessions)
    held_ids = [s.id for s in sessions.values() if s.held]
    if not held_ids:
        return book
    held_subquery = LiveSession.objects.filter(scope).filter(HELD).values("pk")
    by_group: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for p in participants:
        pid, group_id, user_id = (p["id"], p["group_id"], p["user_id"]) if isinstance(p, dict) else (
            p.id, p.group_id, p.user_id)
        by_group[group_id].append((pid, user_id))

    spans: dict[tuple[int, int], list] = defaultdict(list)
    rows = AttendanceSpan.objects.filter(session_id__in=held_subquery).values_list(
        "session_id", "user_id", "joined_at", "left_at", "last_seen_at").order_by()
    for session_id, user_id, joined_at, left_at, last_seen_at in rows:
        if session_id in sessions:
            spans[(session_id, user_id)].append((joined_at, span_end(left_at=left_at, last_seen_at=last_seen_at,
                                                                     now=now)))

    corrections: dict[tuple[int, int], dict] = {}
    rows = (
        AttendanceCorrection.objects.filter(session_id__in=held_subquery)
        .order_by("corrected_at", "pk")
        .values("session_id", "participant_id", "status", "reason", "corrected_at", "corrected_by__display_name",
                "corrected_by__email")
    )
    for row in rows:  # ascending: the latest correction wins
        corrections[(row["session_id"], row["participant_id"])] = row

    for sid in held_ids:
        session = sessions[sid]
        start, end = session.window
        for pid, user_id in by_group.get(session.group_id, []):
            verdict = attendance_verdict(spans.get((sid, user_id), []) if user_id else [], start=start, end=end,
                                         late_reference=session.late_reference, over=True)
            book.marks[(sid, pid)] = Mark(verdict.minutes, verdict.arrived, AttendanceStatus(verdict.status),
                                          corrections.get((sid, pid)))
    return book


def percent(part: int, whole: int) -> float | None:
    """Share in percent with one decimal, or None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)
