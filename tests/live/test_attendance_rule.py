"""The one attendance rule (live.attendance_rule): plain datetimes in, a verdict out, no database."""

import ast
import datetime
from pathlib import Path

import pytest

from live import attendance_rule as rule
from live.attendance_rule import (
    ABSENT,
    LATE,
    LATE_AFTER,
    PRESENT,
    STALE_AFTER,
    attendance_verdict,
    class_window,
    late_reference,
    merge_spans,
    span_end,
)

T0 = datetime.datetime(2026, 7, 20, 10, 0, tzinfo=datetime.UTC)


def at(minute: float) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minute)


def verdict(spans, *, start=0, end=60, began=0, over=True):
    """A 60-minute class from `start` to `end` (minutes after T0), begun for lateness at `began`."""
    return attendance_verdict([(at(s), at(e)) for s, e in spans], start=at(start), end=at(end),
                              late_reference=at(began), over=over)


def test_the_rule_is_pure():
    source = Path(rule.__file__).read_text()
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"datetime", "collections", "dataclasses"}, imported


def test_never_connected_is_absent_even_while_the_class_runs():
    for over in (True, False):
        assert verdict([], over=over) == rule.Verdict(ABSENT, 0.0, None, None)


def test_connections_outside_the_class_or_empty_do_not_count():
    # Before the class, after it, touching its start from outside, zero-length inside.
    result = verdict([(-30, -20), (61, 90), (-5, 0), (20, 20)])
    assert (result.status, result.seconds, result.first_join, result.arrived) == (ABSENT, 0.0, None, None)


def test_two_tabs_count_once_and_only_inside_the_window():
    result = verdict([(-3, 20), (30, 50), (45, 70)])
    assert (result.status, result.minutes) == (PRESENT, 20 + 30)
    # first_join is when the first counted connection opened; arrived is the first moment inside.
    assert (result.first_join, result.arrived) == (at(-3), at(0))


@pytest.mark.parametrize("joined, expected", [
    (10, PRESENT),       # exactly at the grace limit
    (10.02, LATE),       # a second after it
    (11, LATE),
])
def test_late_after_the_grace(joined, expected):
    assert verdict([(joined, 60)]).status == expected


def test_lateness_counts_from_the_later_of_the_planned_and_the_real_start():
    # The teacher started 15 minutes late; the youth came a minute after that.
    start, end = class_window(planned_start=at(0), planned_end=at(45), started_at=at(15), ended_at=at(60))
    began = late_reference(planned_start=at(0), started_at=at(15))
    assert (start, end, began) == (at(15), at(60), at(15))
    assert attendance_verdict([(at(16), at(60))], start=start, end=end, late_reference=began, over=True).status == (
        PRESENT)
    # A teacher starting early does not make anyone late either: the planned start counts.
    assert late_reference(planned_start=at(0), started_at=at(-5)) == at(0)
    assert late_reference(planned_start=at(0)) == at(0)


@pytest.mark.parametrize("minutes, expected", [(30, PRESENT), (29.9, ABSENT), (31, PRESENT)])
def test_half_of_the_class_is_enough_once_it_is_over(minutes, expected):
    assert verdict([(0, minutes)]).status == expected


def test_too_short_is_not_absent_while_the_class_runs():
    assert verdict([(20, 30)], over=False).status == LATE
    assert verdict([(0, 5)], over=False).status == PRESENT
    assert verdict([(0, 5)], over=True).status == ABSENT


def test_a_class_of_no_length_leaves_everybody_absent():
    start, end = class_window(planned_start=at(0), planned_end=at(60), started_at=at(30), ended_at=at(20))
    assert start == end == at(30)  # an end before the start is read as no class at all
    assert attendance_verdict([(at(0), at(60))], start=start, end=end, late_reference=at(0), over=True).status == (
        ABSENT)


def test_class_window():
    # Real start and end win over the planned ones.
    assert class_window(planned_start=at(0), planned_end=at(45), started_at=at(2), ended_at=at(50)) == (at(2), at(50))
    # Not started: the planned window.
    assert class_window(planned_start=at(0), planned_end=at(45)) == (at(0), at(45))
    # Running: up to now, even past the planned end; never before the start.
    assert class_window(planned_start=at(0), planned_end=at(45), started_at=at(1), running_until=at(70)) == (
        at(1), at(70))
    assert class_window(planned_start=at(0), planned_end=at(45), started_at=at(1), running_until=at(0)) == (
        at(1), at(1))
    # Ended: the end time wins over running_until.
    assert class_window(planned_start=at(0), planned_end=at(45), ended_at=at(40), running_until=at(70)) == (
        at(0), at(40))


def test_span_end():
    now = at(60)
    assert span_end(left_at=at(30), last_seen_at=at(59), now=now) == at(30)  # closed: when it closed
    # Open and pinging: still here, counts up to now.
    assert span_end(left_at=None, last_seen_at=now - STALE_AFTER, now=now) == now
    # Open but silent for longer than STALE_AFTER: its process died at the last ping.
    silent = now - STALE_AFTER - datetime.timedelta(seconds=1)
    assert span_end(left_at=None, last_seen_at=silent, now=now) == silent
    # Open and never pinged: up to now (the window clips it).
    assert span_end(left_at=None, last_seen_at=None, now=now) == now


def test_merge_spans():
    spans = [(at(30), at(40)), (at(0), at(10)), (at(5), at(20)), (at(20), at(25)), (at(50), at(50)), (at(9), at(8))]
    assert merge_spans(spans) == [(at(0), at(25)), (at(30), at(40))]
    assert merge_spans([]) == []


def test_minutes_round_to_the_nearest():
    assert verdict([(0, 29.5)], over=False).minutes == 30
    assert verdict([(0, 29.4)], over=False).minutes == 29
    assert LATE_AFTER == datetime.timedelta(minutes=10)
