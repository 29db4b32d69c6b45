"""Attendance from the live room's connection log, plus teachers' corrections.

The live room writes one AttendanceSpan per connection: a youth on a phone whose network drops
three times has four spans for one class. We merge the overlapping spans, count the minutes
inside the class, and derive a status; a teacher's correction overrides the derived status.

Thresholds (docs/reports.md):
- the class runs from its actual start (LiveSession.started_at, else the planned start) to its
  actual end (ended_at, else the planned end); only minutes inside that window count;
- present: at least half of the class (PRESENT_SHARE) and first joined no later than
  LATE_AFTER (10 minutes) after the class began (the later of the planned and the actual start,
  so nobody is late because the teacher started late);
- late: at least half of the class, but first joined after that;
- absent: less than half of the class, or never joined.
A session is "held" once it has ended (state "ended" or an end time).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from live.models import AttendanceSpan, LiveSession

# One rule for the live room's attendance page and the reports: the thresholds live in the live
# app, which records the spans. The reports add corrections and read whole camps in fixed queries.
from live.services.attendance import LATE_AFTER, PRESENT_SHARE
from reports.models import AttendanceCorrection, AttendanceStatus

ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})

# A span left open by a crashed process ends at its last sign of life when the live app records
# one (AttendanceSpan.last_seen_at); otherwise at the end of the class.
_SPAN_FIELDS = [f.name for f in AttendanceSpan._meta.concrete_fields]
_HAS_LAST_SEEN = "last_seen_at" in _SPAN_FIELDS


def merge_spans(spans: Iterable[tuple[datetime.datetime, datetime.datetime]]) -> list[tuple]:
    """Overlapping or touching intervals become one, sorted by start."""
    merged: list[list] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(pair) for pair in merged]


def seconds_inside(spans, window_start, window_end) -> float:
    """Seconds of the merged spans that fall inside the class window."""
    clipped = [(max(s, window_start), min(e, window_end)) for s, e in spans]
    return sum((e - s).total_seconds() for s, e in merge_spans(clipped))


def minutes_inside(spans, window_start, window_end) -> int:
    """Minutes present, rounded as the live room's attendance page shows them."""
    return round(seconds_inside(spans, window_start, window_end) / 60)


def derive_status(*, seconds: float, first_join, length_seconds: float, late_reference) -> str:
    if first_join is None or length_seconds <= 0 or seconds < length_seconds * PRESENT_SHARE:
        return AttendanceStatus.ABSENT
    if first_join > late_reference + LATE_AFTER:
        return AttendanceStatus.LATE
    return AttendanceStatus.PRESENT


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
    def class_start(self) -> datetime.datetime:
        return self.started_at or self.planned_start

    @property
    def class_end(self) -> datetime.datetime:
        return self.ended_at or self.planned_start + datetime.timedelta(minutes=self.planned_minutes)

    @property
    def length_seconds(self) -> float:
        return max(0.0, (self.class_end - self.class_start).total_seconds())

    @property
    def late_reference(self) -> datetime.datetime:
        return max(self.planned_start, self.class_start)


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


def attendance_book(sessions: dict[int, SessionInfo], participants: Iterable, scope: Q) -> AttendanceBook:
    """Marks for the held sessions and the given youth: two queries whatever their number.

    `sessions` were read with `scope` (a filter on LiveSession); spans and corrections are read
    through the same filter as a subquery, so no list of ids grows with the camp.
    `participants` are rows with .id (or ["id"]), group_id and user_id.
    """
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
    fields = ["session_id", "user_id", "joined_at", "left_at"] + (["last_seen_at"] if _HAS_LAST_SEEN else [])
    for row in AttendanceSpan.objects.filter(session_id__in=held_subquery).values_list(*fields).order_by():
        session = sessions.get(row[0])
        if session is None:
            continue
        end = row[3] or (row[4] if _HAS_LAST_SEEN and row[4] else None) or session.class_end
        spans[(row[0], row[1])].append((row[2], end))

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
        for pid, user_id in by_group.get(session.group_id, []):
            own = spans.get((sid, user_id), []) if user_id else []
            inside = [(s, e) for s, e in own if e > session.class_start and s < session.class_end]
            seconds = seconds_inside(inside, session.class_start, session.class_end)
            first = min((max(s, session.class_start) for s, _e in inside), default=None)
            derived = derive_status(seconds=seconds, first_join=first, length_seconds=session.length_seconds,
                                    late_reference=session.late_reference)
            book.marks[(sid, pid)] = Mark(round(seconds / 60), first, derived, corrections.get((sid, pid)))
    return book


def percent(part: int, whole: int) -> float | None:
    """Share in percent with one decimal, or None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)
