"""Attendance: every connection to a room is an AttendanceSpan (join → leave). Presence (who is
online now) is the room's online set in the cache (live.services.online, Redis in production: every
server process agrees), kept beside the spans and rebuilt from them when it is lost.

Per youth and session: minutes present, the first join, and present / late / absent against the
group's roster. The rule itself (window, thresholds, merging) is `live.attendance_rule`, the one
the reports call too, so the teacher's page and the certificates agree (docs/reports.md).
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from camp.models import Participant
from live import events
from live.attendance_rule import (
    ABSENT,
    LATE,
    LATE_AFTER,
    PRESENT,
    PRESENT_SHARE,
    STALE_AFTER,
    attendance_verdict,
    class_window,
    late_reference,
    span_end,
)
from live.models import AttendanceSpan, LiveSession
from live.services.online import online_add, online_now, online_reconcile, online_remove

__all__ = [  # the rule's names are re-exported: callers of the live services need not know where it lives
    "ABSENT", "LATE", "LATE_AFTER", "PRESENT", "PRESENT_SHARE", "STALE_AFTER", "AttendanceRow",
    "attendance_by_group", "attendance_for_session", "attendance_mark_present_at_end", "attendance_join", "attendance_leave", "attendance_reap", "attendance_reap_due", "attendance_summary",
    "attendance_touch", "online_users", "session_window",
]


def _alive(now) -> Q:
    return Q(left_at__isnull=True) & (Q(last_seen_at__gte=now - STALE_AFTER))


def attendance_reap(*, session_id: int, now=None) -> int:
    """Close spans whose connection stopped pinging, at their last sign of life (one query to find
    them, one update). The online set loses them; attendance_reap_due tells the room."""
    now = now or timezone.now()
    stale = AttendanceSpan.objects.filter(session_id=session_id, left_at__isnull=True,
                                          last_seen_at__lt=now - STALE_AFTER)
    span_ids = list(stale.values_list("pk", flat=True))
    if not span_ids:
        return 0
    closed = AttendanceSpan.objects.filter(pk__in=span_ids, left_at__isnull=True).update(left_at=F("last_seen_at"))
    online_remove(session_id=session_id, span_ids=span_ids)
    return closed


# A room's stale spans are looked for at most this often (seconds), from the ping path: reaping on
# every join scanned the room's spans N times while N youth came in (docs/performance.md, Finding 2).
REAP_EVERY = 30


def attendance_reap_due(*, session_id: int, now=None) -> int:
    """Unless the room was looked at less than REAP_EVERY seconds ago (by any server process: the
    guard is a cache key): reap its stale spans, put its online set right against the open spans
    (online_reconcile) and tell the room who is gone (a phone that died without closing, a server
    process that stopped) or back, as presence. Returns the number of spans closed."""
    if not cache.add(f"live:reaped:{session_id}", 1, timeout=REAP_EVERY):
        return 0
    before = {shape["id"]: shape for shape in online_now(session_id)}
    closed = attendance_reap(session_id=session_id, now=now)
    online_reconcile(session_id)
    after = {shape["id"]: shape for shape in online_now(session_id)}
    for user_id in before.keys() - after.keys():
        events.broadcast_presence(session_id, "leave", before[user_id])
    for user_id in after.keys() - before.keys():
        events.broadcast_presence(session_id, "join", after[user_id])
    return closed


@transaction.atomic
def attendance_join(*, session_id: int, user, channel_name: str = "", now=None,
                    shape: dict | None = None) -> tuple[AttendanceSpan, bool]:
    """Record a connection. Returns (span, first): first is True when the user was not online in
    this room before (then the room hears a presence join). `shape`: the user as the room shows
    them (the RoomMember's; by default their plain name)."""
    now = now or timezone.now()
    already = AttendanceSpan.objects.filter(_alive(now), session_id=session_id, user=user).exists()
    span = AttendanceSpan(session_id=session_id, user=user, joined_at=now, last_seen_at=now,
                          channel_name=channel_name[:200])
    # The session and the user are rows the caller already holds (the consumer fetched both in this
    # hop): validating the foreign keys would be two more queries per join of a class coming in.
    span.full_clean(exclude=["session", "user"])
    span.save()
    shape = shape or events.user_payload(user)
    online_add(session_id=session_id, span_id=span.pk, shape=shape, at=now.timestamp())
    if not already:
        events.broadcast_presence(session_id, "join", shape)
    return span, not already


@transaction.atomic
def attendance_leave(*, span_id: int, now=None) -> bool:
    """Close a connection's span. Returns True when that was the user's last connection (then the
    room hears a presence leave)."""
    now = now or timezone.now()
    span = AttendanceSpan.objects.select_related("user__participant").filter(pk=span_id).first()
    if span is None or span.left_at is not None:
        return False
    span.left_at = now
    span.save(update_fields=["left_at"])
    shape = online_remove(session_id=span.session_id, span_ids=[span.pk]).get(span.pk)
    still_here = AttendanceSpan.objects.filter(_alive(now), session_id=span.session_id, user_id=span.user_id).exists()
    if not still_here:
        # The shape the room was shown on joining (a ceremony's names carry the group).
        events.broadcast_presence(span.session_id, "leave", shape or events.user_payload(span.user))
    return not still_here


def attendance_touch(*, span_id: int, session_id: int | None = None, now=None) -> None:
    """A ping: the connection is alive. With session_id, the room's stale spans are reaped too
    (at most every REAP_EVERY seconds)."""
    AttendanceSpan.objects.filter(pk=span_id, left_at__isnull=True).update(last_seen_at=now or timezone.now())
    if session_id is not None:
        attendance_reap_due(session_id=session_id, now=now)


def online_users(session_id: int, now=None) -> list:
    """The users with a live connection to the room, in the order they came."""
    now = now or timezone.now()
    spans = (AttendanceSpan.objects.filter(_alive(now), session_id=session_id)
             .select_related("user__participant").order_by("joined_at", "pk"))
    seen, users = set(), []
    for span in spans:
        if span.user_id not in seen:
            seen.add(span.user_id)
            users.append(span.user)
    return users


@dataclass(frozen=True)
class AttendanceRow:
    """One roster youth in one session."""

    participant: Participant
    status: str  # "present" | "late" | "absent"
    first_join: datetime.datetime | None
    minutes_present: int
    connections: int

    @property
    def user_id(self) -> int | None:
        return self.participant.user_id


def attendance_mark_present_at_end(*, session_id: int, now) -> int:
    """The class ends: every connection alive at that moment was there to the end. Its last sign of
    life becomes the end, so a phone that then dies without closing its socket (or a server that
    stops) does not lose the minutes since its last ping once the span goes stale."""
    return AttendanceSpan.objects.filter(_alive(now), session_id=session_id).update(last_seen_at=now)


def session_window(session: LiveSession, now=None) -> tuple[datetime.datetime, datetime.datetime]:
    """The stretch of time attendance is counted in: from the real start (or the scheduled one)
    to the real end (or the scheduled one; a class still running counts up to now)."""
    now = now or timezone.now()
    running = session.ended_at is None and session.state == LiveSession.State.LIVE
    return class_window(planned_start=session.starts_at, planned_end=session.ends_at, started_at=session.started_at,
                        ended_at=session.ended_at, running_until=now if running else None)


def _is_over(session: LiveSession, now) -> bool:
    if session.state == LiveSession.State.ENDED or session.ended_at is not None:
        return True
    return session.state != LiveSession.State.LIVE and session.ends_at <= now


def _row(participant, spans, *, start, end, now, late_from, over: bool) -> AttendanceRow:
    verdict = attendance_verdict(
        [(span.joined_at, span_end(left_at=span.left_at, last_seen_at=span.last_seen_at, now=now)) for span in spans],
        start=start, end=end, late_reference=late_from, over=over,
    )
    return AttendanceRow(participant, verdict.status, verdict.first_join, verdict.minutes, len(spans))


def attendance_for_session(session: LiveSession, *, now=None, groups=None) -> list[AttendanceRow]:
    """Per roster youth of the session's group (a ceremony: of every group approved for its phase,
    or of `groups` only -- a coordinator's): status, first join, minutes present. Every
    participant is listed (those without an account or consent are absent).
    Two queries whatever the roster size."""
    now = now or timezone.now()
    start, end = session_window(session, now)
    if session.is_ceremony:
        from live.access import ceremony_groups

        roster = Participant.objects.filter(group__in=ceremony_groups(session))
        if groups is not None:
            roster = roster.filter(group__in=groups)
        participants = list(roster.select_related("group").order_by("group__name", "family_name", "given_name", "pk"))
    else:
        participants = list(Participant.objects.filter(group_id=session.group_id)
                            .order_by("family_name", "given_name", "pk"))
    user_ids = [p.user_id for p in participants if p.user_id]
    spans_by_user: dict[int, list] = {}
    for span in AttendanceSpan.objects.filter(session=session, user_id__in=user_ids).order_by("joined_at"):
        spans_by_user.setdefault(span.user_id, []).append(span)
    late_from = late_reference(planned_start=session.starts_at, started_at=session.started_at)
    over = _is_over(session, now)
    return [_row(p, spans_by_user.get(p.user_id, []), start=start, end=end, now=now, late_from=late_from, over=over)
            for p in participants]


def attendance_by_group(rows: list[AttendanceRow]) -> list[tuple]:
    """A ceremony's attendance counted per group: [(group, summary)], in the rows' order."""
    per_group: dict = {}
    for row in rows:
        per_group.setdefault(row.participant.group, []).append(row)
    return [(group, attendance_summary(group_rows)) for group, group_rows in per_group.items()]


def attendance_summary(rows: list[AttendanceRow]) -> dict[str, int]:
    summary = {PRESENT: 0, LATE: 0, ABSENT: 0, "roster": len(rows)}
    for row in rows:
        summary[row.status] += 1
    return summary
