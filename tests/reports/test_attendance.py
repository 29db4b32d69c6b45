"""Attendance from connection spans: merging, minutes, present / late / absent, corrections."""

import datetime

import pytest
from django.db.models import Q

from live.models import LiveSession
from reports import services
from reports.attendance import attendance_book, derive_status, merge_spans, minutes_inside, session_infos
from reports.models import AttendanceCorrection
from tests.factories import finished_phase, held_session, span

T0 = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)


def at(minute):
    return T0 + datetime.timedelta(minutes=minute)


def test_overlapping_and_touching_spans_merge():
    spans = [(at(30), at(40)), (at(0), at(10)), (at(5), at(20)), (at(20), at(25)), (at(50), at(50))]
    assert merge_spans(spans) == [(at(0), at(25)), (at(30), at(40))]


def test_the_reports_and_the_live_room_share_one_rule():
    from live.services import attendance as live_attendance
    from reports import attendance

    assert attendance.LATE_AFTER is live_attendance.LATE_AFTER
    assert attendance.PRESENT_SHARE is live_attendance.PRESENT_SHARE


def test_minutes_count_only_inside_the_class():
    # Joined 10 minutes early on two devices at once, left 5 minutes after the end.
    spans = [(at(-10), at(20)), (at(-5), at(15)), (at(30), at(50))]
    assert minutes_inside(spans, at(0), at(45)) == 20 + 15


@pytest.mark.parametrize("minutes, first, expected", [
    (45, 0, "present"),
    (40, 10, "present"),   # exactly at the grace limit
    (30, 11, "late"),
    (23, 2, "present"),    # just over half of 45
    (22, 0, "absent"),     # under half
    (22.5, 0, "present"),  # exactly half
    (0, None, "absent"),
])
def test_status_thresholds(minutes, first, expected):
    status = derive_status(seconds=minutes * 60, first_join=None if first is None else at(first),
                           length_seconds=45 * 60, late_reference=at(0))
    assert status == expected


@pytest.mark.django_db
def test_book_merges_reconnections_and_applies_the_latest_correction(world, make_participant):
    phase = finished_phase(world.camp, world.group, number=5)
    session = held_session(world.group, phase, teacher=world.teacher, minutes=60)
    flaky = world.youth_participant
    late = make_participant(world.group, given_name="ມະນີວອນ", preferred_language="lo")
    never = make_participant(world.group, given_name="Never")
    crashed = make_participant(world.group, given_name="Crashed")
    # Phone drops three times: four connections, 50 distinct minutes.
    for start, end in [(0, 15), (14, 30), (31, 40), (38, 51)]:
        span(session, flaky.user, start, end)
    span(session, late.user, 25, 60)
    span(session, crashed.user, 2, None)  # never closed: counts until the class ended
    span(session, world.teacher, 0, 60)  # adults' spans are not youth attendance
    scope = Q(plan_item__plan__group=world.group)
    sessions = session_infos(LiveSession.objects.filter(scope))
    participants = [flaky, late, never, crashed]
    book = attendance_book(sessions, participants, scope)
    mark = lambda p: book.marks[(session.pk, p.pk)]  # noqa: E731
    assert (mark(flaky).minutes, mark(flaky).status) == (50, "present")
    assert (mark(late).minutes, mark(late).status) == (35, "late")
    assert (mark(never).minutes, mark(never).status) == (0, "absent")
    assert (mark(crashed).minutes, mark(crashed).status) == (58, "present")

    services.attendance_correct(session=session, participant=never, status="late", reason="on the phone line",
                                by=world.teacher)
    services.attendance_correct(session=session, participant=never, status="present", reason="teacher saw her",
                                by=world.teacher)
    book = attendance_book(session_infos(LiveSession.objects.filter(scope)), participants, scope)
    assert mark(never).derived == "absent"
    assert book.marks[(session.pk, never.pk)].status == "present"
    assert book.marks[(session.pk, never.pk)].correction["reason"] == "teacher saw her"
    assert AttendanceCorrection.objects.filter(participant=never).count() == 2


@pytest.mark.django_db
def test_teacher_starting_late_does_not_make_youth_late(world):
    phase = finished_phase(world.camp, world.group, number=5)
    session = held_session(world.group, phase, minutes=45, started_late=15)
    span(session, world.youth, 16, 60)
    scope = Q(pk=session.pk)
    book = attendance_book(session_infos(LiveSession.objects.filter(scope)), [world.youth_participant], scope)
    assert book.marks[(session.pk, world.youth_participant.pk)].status == "present"


@pytest.mark.django_db
def test_sessions_not_held_have_no_marks(world):
    phase = finished_phase(world.camp, world.group, number=5)
    session = held_session(world.group, phase, state=LiveSession.State.SCHEDULED)
    scope = Q(pk=session.pk)
    book = attendance_book(session_infos(LiveSession.objects.filter(scope)), [world.youth_participant], scope)
    assert book.marks == {}


@pytest.mark.django_db
def test_correction_service_refuses_bad_input_and_writes_nothing(world, make_participant):
    from django.core.exceptions import ValidationError

    phase = finished_phase(world.camp, world.group, number=5)
    session = held_session(world.group, phase, teacher=world.teacher)
    upcoming = held_session(world.group, phase, teacher=world.teacher, day=3, state=LiveSession.State.SCHEDULED)
    outsider = make_participant(world.other_group)
    cases = [
        dict(session=session, participant=world.youth_participant, status="present", reason="   "),
        dict(session=session, participant=world.youth_participant, status="sleeping", reason="x"),
        dict(session=session, participant=outsider, status="present", reason="x"),
        dict(session=upcoming, participant=world.youth_participant, status="present", reason="x"),
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            services.attendance_correct(by=world.teacher, **case)
    assert not AttendanceCorrection.objects.exists()


@pytest.mark.django_db
def test_the_room_page_and_the_reports_agree_on_the_same_session(world, make_participant):
    from live.services import attendance_for_session

    phase = finished_phase(world.camp, world.group, number=5)
    session = held_session(world.group, phase, teacher=world.teacher, minutes=60, started_late=5)
    people = [world.youth_participant] + [make_participant(world.group, given_name=f"Y{n}") for n in range(6)]
    connections = [
        [(-5, 20), (18, 40)],     # early, two overlapping tabs: present
        [(16, 60)],               # 11 minutes after the teacher started: late
        [(0, 25)],                # under half of the class (55 minutes): absent
        [(30, None)],             # never closed: counts until the class ended
        [(-30, -10), (70, 80)],   # only outside the class
        [(14, 15), (15, 60)],     # touching spans merge; on time counted from the real start
        [],
    ]
    for person, spans in zip(people, connections, strict=True):
        for start, end in spans:
            span(session, person.user, start, end)
    scope = Q(pk=session.pk)
    book = attendance_book(session_infos(LiveSession.objects.filter(scope)), people, scope)
    room = {row.participant.pk: row for row in attendance_for_session(session)}
    seen = [(book.marks[(session.pk, p.pk)].status, book.marks[(session.pk, p.pk)].minutes) for p in people]
    assert seen == [(room[p.pk].status, room[p.pk].minutes_present) for p in people]
    assert [status for status, _minutes in seen] == ["present", "late", "absent", "late", "absent", "present",
                                                     "absent"]
