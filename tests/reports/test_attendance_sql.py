"""The dashboard's attendance counts in SQL agree with the live rule cell by cell (reports/attendance_sql.py)."""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from live.models import LiveSession
from reports import services
from reports.attendance import attendance_book, session_infos
from reports.attendance_sql import attended_counts
from tests.factories import finished_phase, held_session, span, span_at

US = datetime.timedelta(microseconds=1)


def book_counts(group_ids, participants, now):
    """What the Python rule says: per held session, the youth of its group who attended."""
    scope = Q(plan_item__plan__group_id__in=group_ids)
    sessions = session_infos(LiveSession.objects.filter(scope))
    book = attendance_book(sessions, participants, scope, now=now)
    counts = {}
    for (sid, _pid), mark in book.marks.items():
        if mark.attended:
            counts[sid] = counts.get(sid, 0) + 1
    return counts


def raw_span(session, user, joined, left=None, last_seen=None):
    return span_at(session, user, joined, left, last_seen)


@pytest.mark.django_db
def test_tricky_spans_count_as_the_rule_says(world, make_participant):
    phase = finished_phase(world.camp, world.group, number=6)
    on_time = held_session(world.group, phase, teacher=world.teacher, day=1, minutes=60)
    started_late = held_session(world.group, phase, teacher=world.teacher, day=2, minutes=45, started_late=15)
    # Ended by state only (no end time): the window ends at the planned end.
    no_end = held_session(world.group, phase, teacher=world.teacher, day=3, minutes=30)
    LiveSession.objects.filter(pk=no_end.pk).update(ended_at=None)
    # Ended before it began: an empty window, nobody attends by the rule.
    empty = held_session(world.group, phase, teacher=world.teacher, day=4, minutes=30)
    LiveSession.objects.filter(pk=empty.pk).update(ended_at=empty.started_at - datetime.timedelta(minutes=1))
    not_held = held_session(world.group, phase, teacher=world.teacher, day=5, state="scheduled")
    youth = [world.youth_participant] + [make_participant(world.group, given_name=f"Y{n}") for n in range(11)]
    s = on_time.starts_at
    h = datetime.timedelta(minutes=1)
    # 0: two tabs overlapping, 35 distinct minutes of 60: present.
    span(on_time, youth[0].user, 0, 30)
    span(on_time, youth[0].user, 5, 35)
    # 1: exactly half, in microseconds, over three touching pieces: present.
    raw_span(on_time, youth[1].user, s, s + 10 * h)
    raw_span(on_time, youth[1].user, s + 10 * h, s + 20 * h)
    raw_span(on_time, youth[1].user, s + 40 * h, s + 50 * h)
    # 2: one microsecond under half: absent.
    raw_span(on_time, youth[2].user, s, s + 30 * h - US)
    # 3: before the start (counted from the start only) plus a stale open span (counts to its last ping).
    span(on_time, youth[3].user, -20, 10)
    span(on_time, youth[3].user, 12, None, last_seen=33)
    # 4: open, never pinged: counts up to now, clipped to the end of the class.
    span(on_time, youth[4].user, 25, None)
    # 5: entirely before the class, and after it: absent.
    span(on_time, youth[5].user, -60, -1)
    span(on_time, youth[5].user, 61, 90)
    # 6: a span inside another, and a reversed one (left before joining): 31 minutes, present.
    span(on_time, youth[6].user, 0, 31)
    span(on_time, youth[6].user, 3, 4)
    span(on_time, youth[6].user, 50, 40)
    # 7: absent by spans, corrected to late; then corrected again to present (the latest wins).
    services.attendance_correct(session=on_time, participant=youth[7], status="late", reason="phone", by=world.teacher)
    services.attendance_correct(session=on_time, participant=youth[7], status="present", reason="call",
                                by=world.teacher)
    # 8: present by spans, corrected to absent.
    span(on_time, youth[8].user, 0, 60)
    services.attendance_correct(session=on_time, participant=youth[8], status="absent", reason="camera off",
                                by=world.teacher)
    # 9: before the real (late) start does not count: 15 of 30 minutes after it: present at half.
    span(started_late, youth[9].user, 0, 30)
    span(started_late, youth[10].user, 0, 29.99)
    # 10, 11: the window of a session with no end time, and of an empty one.
    span(no_end, youth[10].user, 0, 15)
    span(no_end, youth[11].user, 0, 14.9)
    span(empty, youth[0].user, -10, 60)
    # Not theirs: the teacher, a youth of another group, a session not held.
    span(on_time, world.teacher, 0, 60)
    span(on_time, world.other_youth, 0, 60)
    span(not_held, youth[0].user, 0, 60)

    now = datetime.datetime.now(datetime.UTC)
    expected = book_counts([world.group.pk], youth, now)
    assert attended_counts(Q(plan_item__plan__group=world.group), now=now) == expected
    # The expectations of the rule written out, so both cannot be wrong together.
    assert expected == {on_time.pk: 6, started_late.pk: 1, no_end.pk: 1}


@pytest.mark.django_db
def test_a_span_still_open_counts_to_now(world):
    """A held session whose end is still ahead of `now` (ended early by a clock): an open span
    not yet stale counts to now, a stale one to its last ping."""
    phase = finished_phase(world.camp, world.group, number=6)
    session = held_session(world.group, phase, teacher=world.teacher, minutes=60)
    span(session, world.youth, 0, None, last_seen=29)
    scope = Q(plan_item__plan__group=world.group)
    for minute in (28, 29, 31, 31.5, 40):
        now = session.starts_at + datetime.timedelta(minutes=minute)
        assert attended_counts(scope, now=now) == book_counts([world.group.pk], [world.youth_participant], now)
    assert attended_counts(scope, now=session.starts_at + datetime.timedelta(minutes=40)) == {}
    assert attended_counts(scope, now=session.starts_at + datetime.timedelta(minutes=30, seconds=30)) == {
        session.pk: 1}


@pytest.mark.django_db
def test_random_spans_agree_with_the_rule_in_one_query(world, make_participant):
    rng = random.Random(16)
    phase = finished_phase(world.camp, world.group, number=6)
    sessions = [held_session(world.group, phase, teacher=world.teacher, day=day, minutes=rng.choice((30, 45, 60)),
                             started_late=rng.choice((0, 0, 7))) for day in range(1, 7)]
    youth = [world.youth_participant] + [make_participant(world.group, given_name=f"R{n}") for n in range(14)]
    for session in sessions:
        for person in youth:
            for _ in range(rng.randint(0, 4)):
                start = rng.uniform(-20, 70)
                end = None if rng.random() < 0.15 else start + rng.uniform(-2, 40)
                span(session, person.user, start, end, last_seen=start + rng.uniform(0, 50) if end is None else None)
        for person in rng.sample(youth, 2):
            services.attendance_correct(session=session, participant=person, status=rng.choice(("present", "absent")),
                                        reason="x", by=world.teacher)
    now = datetime.datetime.now(datetime.UTC)
    with CaptureQueriesContext(connection) as queries:
        counts = attended_counts(Q(plan_item__plan__group=world.group), now=now)
    assert len(queries) == 1
    assert counts == book_counts([world.group.pk], youth, now)
    assert sum(counts.values()) > 0
