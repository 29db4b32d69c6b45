"""Attendance totals in SQL: how many youth attended each held session, without one cell in Python.

The organizer's dashboard needs, per held session, the number of its group's youth who attended
(present or late, a teacher's latest correction overriding). `reports.attendance.attendance_book`
builds every youth × session cell in Python (docs/performance.md, Finding 5); this computes the
same counts in one query, by the same rule (`live.attendance_rule`), in integer microseconds so
no float rounding can tip a youth over the half-of-the-class threshold:

- the class window: the real start, else the planned one; the real end, else the planned end;
  never ending before it starts (`class_window` of a held session);
- a connection ends when it closed; left open, at its last ping once that is older than
  STALE_AFTER, else now (`span_end`);
- connections are clipped to the window, the empty ones dropped, and merged: a span adds only
  what lies beyond the latest end of the spans that began before it (a window MAX over the
  preceding rows), so two tabs count once;
- attended: inside for at least PRESENT_SHARE of a window longer than zero (late or not: both
  count); a teacher's latest correction of the youth (by `corrected_at`, then id) replaces it.

Only the youth of the session's group count, as in the book. tests/reports/test_attendance_sql.py
compares the counts with the book on tricky spans, on SQLite and PostgreSQL.
"""

import datetime

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from live.attendance_rule import PRESENT_SHARE, STALE_AFTER
from live.models import LiveSession
from reports.attendance import HELD
from reports.models import AttendanceStatus

__all__ = ["attended_counts"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# PRESENT_SHARE as a fraction of integers: attended when seconds * DEN >= length * NUM.
_SHARE_NUM, _SHARE_DEN = PRESENT_SHARE.as_integer_ratio()


def _micros(value: datetime.datetime) -> int:
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _us(column: str) -> str:
    """A timestamp column as integer microseconds since 1970 (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    # SQLite keeps 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: the whole seconds (strftime alone would round
    # the fraction to milliseconds), then the six digits.
    return (
        f"(CAST(strftime('%%s', substr({column}, 1, 19)) AS INTEGER) * 1000000"
        f" + CASE WHEN length({column}) > 19 THEN CAST(substr({column}, 21, 6) AS INTEGER) ELSE 0 END)"
    )


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"MAX({a}, {b})"


def _least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if connection.vendor == "postgresql" else f"MIN({a}, {b})"


def attended_counts(scope: Q, *, now: datetime.datetime | None = None) -> dict[int, int]:
    """{held session id: youth of its group who attended}, for the sessions matching `scope` (a
    filter on LiveSession); one query, whatever the number of youth, sessions or connections.
    A held session nobody attended is absent from the result."""
    now = now or timezone.now()
    held = LiveSession.objects.filter(scope).filter(HELD)
    scope_sql, scope_params = held.order_by().values("pk").query.sql_with_params()
    start = f"COALESCE({_us('ls.started_at')}, {_us('pi.starts_at')})"
    end = (f"CASE WHEN ls.ended_at IS NOT NULL THEN {_us('ls.ended_at')}"
           f" ELSE {_us('pi.starts_at')} + CAST(pi.duration_minutes AS BIGINT) * 60000000 END")
    span_end = (f"CASE WHEN a.left_at IS NOT NULL THEN {_us('a.left_at')}"
                f" WHEN a.last_seen_at IS NOT NULL AND {_us('a.last_seen_at')} < %s THEN {_us('a.last_seen_at')}"
                f" ELSE %s END")
    attended = [AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value]
    sql = f"""
WITH sess AS (
    SELECT ls.id AS sid, pl.group_id AS gid, {start} AS ws, {end} AS we_raw
    FROM live_livesession ls
    JOIN courses_planitem pi ON pi.id = ls.plan_item_id
    JOIN courses_plan pl ON pl.id = pi.plan_id
    WHERE ls.id IN ({scope_sql})
), win AS (
    SELECT sid, gid, ws, {_greatest('ws', 'we_raw')} AS we FROM sess
), clipped AS (
    SELECT win.sid, p.id AS pid, win.ws, win.we,
           {_greatest(_us('a.joined_at'), 'win.ws')} AS cs, {_least(span_end, 'win.we')} AS ce
    FROM live_attendancespan a
    JOIN win ON win.sid = a.session_id
    JOIN camp_participant p ON p.user_id = a.user_id AND p.group_id = win.gid
), ordered AS (
    SELECT sid, pid, ws, we, cs, ce,
           MAX(ce) OVER (PARTITION BY sid, pid ORDER BY cs, ce ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
               AS before_end
    FROM clipped WHERE ce > cs
), inside AS (
    SELECT sid, pid, MAX(we - ws) AS length,
           SUM(CASE WHEN before_end IS NULL THEN ce - cs
                    WHEN ce > before_end THEN ce - {_greatest('cs', 'before_end')}
                    ELSE 0 END) AS micros
    FROM ordered GROUP BY sid, pid
), latest AS (
    SELECT c.session_id AS sid, c.participant_id AS pid, c.status,
           ROW_NUMBER() OVER (PARTITION BY c.session_id, c.participant_id ORDER BY c.corrected_at DESC, c.id DESC)
               AS n
    FROM reports_attendancecorrection c
    JOIN win ON win.sid = c.session_id
    JOIN camp_participant p ON p.id = c.participant_id AND p.group_id = win.gid
), marks AS (
    SELECT i.sid, i.pid FROM inside i
    WHERE i.length > 0 AND i.micros * %s >= i.length * %s
      AND NOT EXISTS (SELECT 1 FROM latest l WHERE l.n = 1 AND l.sid = i.sid AND l.pid = i.pid)
    UNION ALL
    SELECT sid, pid FROM latest WHERE n = 1 AND status IN (%s, %s)
)
SELECT sid, COUNT(*) FROM marks GROUP BY sid
"""
    now_us = _micros(now)
    # Parameters in the order of their placeholders: the scope, the span's stale bound and now,
    # the share, the statuses.
    params = [*scope_params, _micros(now - STALE_AFTER), now_us, _SHARE_DEN, _SHARE_NUM, *attended]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {sid: count for sid, count in cursor.fetchall()}
