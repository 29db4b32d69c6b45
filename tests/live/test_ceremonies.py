"""Ceremonies (opening 开营, closing 闭营): one room for every approved group of a phase, made by the
camp's organizers. `group` and `other_group` (tests/conftest.py) are both approved in `phase`."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from camp.models import Enrollment, User
from live.access import member_for
from live.models import LiveSession, Removal
from live.selectors import rooms_for_adult, rooms_today_for_group
from live.services import ceremonies
from live.services.attendance import attendance_by_group, attendance_for_session
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ceremony(phase, teacher):
    return factories.ceremony(
        phase,
        kind="opening",
        starts_at=timezone.now() + datetime.timedelta(minutes=5),
        state=LiveSession.State.OPEN,
        co_hosts=[teacher],
    )


def _form(phase, **fields):
    start = timezone.localtime(timezone.now() + datetime.timedelta(hours=2), phase.camp.zone)
    data = {
        "kind": "closing",
        "title": "闭营仪式",
        "starts_local": start.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "90",
    }
    data.update(fields)
    return data


# --- who is in the room --------------------------------------------------------------------------


def test_every_approved_groups_youth_coordinators_and_organizers_are_in(
    ceremony, youth, other_youth, coordinator, other_coordinator, organizer, teacher
):
    roles = {
        user: member_for(user, ceremony).role
        for user in (youth, other_youth, coordinator, other_coordinator, organizer, teacher)
    }
    assert roles == {
        youth: "youth",
        other_youth: "youth",
        coordinator: "coordinator",
        other_coordinator: "coordinator",
        organizer: "organizer",
        teacher: "teacher",
    }
    # A youth is named with their group: a thousand youth of many groups stay readable.
    assert member_for(youth, ceremony).name == "สมชาย แ. · 曼谷中华语言文化中心"
    assert member_for(organizer, ceremony).is_host and member_for(teacher, ceremony).is_host
    assert not member_for(youth, ceremony).is_host


def test_outsiders_get_the_rooms_refusals(client, camp, phase, ceremony, organizer, youth, make_participant):
    url = ceremony.get_absolute_url()
    # A group of the same camp approved only for another phase; one only applied for this phase.
    later = factories.open_phase(camp, 2)
    other_phase = factories.group(
        camp, "万象寮都公学", time_zone="Asia/Vientiane", country="LA", approved_in=later
    )
    applied = factories.group(camp, "清迈华文学校", time_zone="Asia/Bangkok", country="TH")
    factories.enrollment(applied, phase, status=Enrollment.Status.SUBMITTED)
    # Another camp's youth.
    other_camp = factories.camp(
        factories.user(User.Role.ORGANIZER), federation="昆明市侨联", title="寻根之旅"
    )
    stranger_group = factories.group(
        other_camp,
        "多伦多中文学校",
        time_zone="America/Toronto",
        country="CA",
        approved_in=factories.running_phase(other_camp),
    )
    no_consent = make_participant(ceremony_group(phase), consent=False).user
    for user, status in (
        (make_participant(other_phase).user, 404),
        (make_participant(applied).user, 404),
        (make_participant(stranger_group).user, 404),
        (no_consent, 403),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert member_for(user, ceremony) is None
    # Removed from the ceremony: the removed page, and the socket refuses them.
    Removal.objects.create(session=ceremony, user=youth, removed_by=organizer, created_at=timezone.now())
    client.force_login(youth)
    response = client.get(url)
    assert response.status_code == 403 and member_for(youth, ceremony) is None
    assert "live/removed.html" in [t.name for t in response.templates]


def ceremony_group(phase):
    return Enrollment.objects.filter(phase=phase, status=Enrollment.Status.APPROVED).first().group


def test_a_youth_removed_from_the_approved_list_loses_the_room(ceremony, other_youth, other_group, phase):
    Enrollment.objects.filter(group=other_group, phase=phase).update(status=Enrollment.Status.WITHDRAWN)
    assert member_for(other_youth, ceremony) is None


# --- where it shows ---------------------------------------------------------------------------------


def test_it_shows_on_each_groups_day_and_the_adults_lists(
    ceremony, group, other_group, coordinator, organizer, teacher, other_coordinator, client, youth
):
    assert ceremony in rooms_today_for_group(group.pk)
    assert ceremony in rooms_today_for_group(other_group.pk)
    for adult in (coordinator, other_coordinator, organizer, teacher):
        assert ceremony in rooms_for_adult(adult), adult
    client.force_login(youth)
    page = client.get(reverse("my_camp")).content.decode()
    assert ceremony.get_absolute_url() in page


def test_the_room_page_names_the_phase_and_groups(client, ceremony, organizer):
    client.force_login(organizer)
    page = client.get(ceremony.get_absolute_url()).content.decode()
    assert "Opening ceremony" in page or "开营" in page
    assert "2" in page  # two groups


def test_attendance_counts_per_group(ceremony, youth, other_youth, group, other_group, client, coordinator):
    factories.span(ceremony, youth, 0, 55)
    rows = attendance_for_session(ceremony, now=ceremony.ends_at + datetime.timedelta(minutes=5))
    per_group = dict(attendance_by_group(rows))
    assert set(per_group) == {group, other_group}
    assert per_group[group] == {"roster": 1, "present": 1, "late": 0, "absent": 0}
    assert per_group[other_group] == {"roster": 1, "present": 0, "late": 0, "absent": 1}
    # A coordinator reads their own group's youth only.
    client.force_login(coordinator)
    page = client.get(reverse("live:attendance", args=[ceremony.pk])).content.decode()
    assert "สมชาย" in page and "အောင်ကျော်" not in page


# --- making, moving, cancelling -------------------------------------------------------------------


def test_the_organizer_schedules_a_closing_ceremony_in_the_camps_time(client, phase, organizer, teacher):
    client.force_login(organizer)
    data = _form(phase, co_hosts=[str(teacher.pk)])
    response = client.post(reverse("live:ceremonies", args=[phase.pk]), data)
    session = LiveSession.objects.get(kind="closing")
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    local = timezone.localtime(session.starts_at, phase.camp.zone).strftime("%Y-%m-%dT%H:%M")
    assert local == data["starts_local"] and session.duration_minutes == 90
    assert list(session.co_hosts.all()) == [teacher] and session.phase == phase and session.group is None


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "graduation"},
        {"kind": ""},
        {"starts_local": ""},
        {"starts_local": "0001-01-01T00:00"},
        {"starts_local": "9999-12-31T23:59"},
        {"starts_local": "2020-01-01T10:00"},
        {"starts_local": "not a time"},
        {"duration_minutes": "0"},
        {"duration_minutes": "-5"},
        {"duration_minutes": str(2**70)},
        {"duration_minutes": "abc"},
        {"title": "x" * 201},
        {"co_hosts": ["999999"]},
        {"co_hosts": ["abc"]},
        {"kind": "opening"},  # the phase already has its opening
    ],
)
def test_malformed_create_writes_nothing(client, phase, organizer, ceremony, youth, fields):
    client.force_login(organizer)
    before = LiveSession.objects.count()
    response = client.post(reverse("live:ceremonies", args=[phase.pk]), _form(phase, **fields))
    assert response.status_code == 400
    assert LiveSession.objects.count() == before


def test_a_youth_is_no_co_host(client, phase, organizer, youth):
    client.force_login(organizer)
    response = client.post(
        reverse("live:ceremonies", args=[phase.pk]), _form(phase, co_hosts=[str(youth.pk)])
    )
    assert response.status_code == 400 and not LiveSession.objects.filter(kind="closing").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_local": ""},
        {"starts_local": "2020-01-01T10:00"},
        {"duration_minutes": "999"},
        {"title": "x" * 201},
        {"co_hosts": ["999999"]},
    ],
)
def test_malformed_edit_changes_nothing(client, organizer, ceremony, phase, fields):
    client.force_login(organizer)
    before = LiveSession.objects.values().get(pk=ceremony.pk)
    response = client.post(reverse("live:ceremony_edit", args=[ceremony.pk]), _form(phase, **fields))
    assert response.status_code == 400
    assert LiveSession.objects.values().get(pk=ceremony.pk) == before
    assert list(ceremony.co_hosts.all()) == list(LiveSession.objects.get(pk=ceremony.pk).co_hosts.all())


def test_edit_moves_it_and_cancel_then_save_schedules_it_again(client, organizer, ceremony, phase):
    client.force_login(organizer)
    data = _form(phase, duration_minutes="45")
    assert client.post(reverse("live:ceremony_edit", args=[ceremony.pk]), data).status_code == 302
    ceremony.refresh_from_db()
    assert ceremony.duration_minutes == 45 and ceremony.state == LiveSession.State.SCHEDULED
    assert client.post(reverse("live:ceremony_cancel", args=[ceremony.pk])).status_code == 302
    ceremony.refresh_from_db()
    assert ceremony.is_cancelled
    client.post(reverse("live:ceremony_edit", args=[ceremony.pk]), data)
    ceremony.refresh_from_db()
    assert ceremony.state == LiveSession.State.SCHEDULED


def test_services_refuse_outsiders_and_write_nothing(phase, ceremony, teacher, coordinator, youth):
    other_organizer = factories.user(User.Role.ORGANIZER)
    factories.camp(other_organizer, federation="昆明市侨联", title="寻根之旅")
    start = timezone.now() + datetime.timedelta(hours=1)
    for outsider in (other_organizer, teacher, coordinator, youth):
        with pytest.raises(PermissionDenied):
            ceremonies.ceremony_create(
                by=outsider, phase=phase, kind="closing", starts_at=start, duration_minutes=60
            )
        with pytest.raises(PermissionDenied):
            ceremonies.ceremony_update(by=outsider, session=ceremony, starts_at=start, duration_minutes=30)
        with pytest.raises(PermissionDenied):
            ceremonies.ceremony_cancel(by=outsider, session=ceremony)
    ceremony.refresh_from_db()
    assert ceremony.duration_minutes == 60 and ceremony.state == LiveSession.State.OPEN
    assert not LiveSession.objects.filter(kind="closing").exists()


def test_a_naive_or_out_of_phase_time_is_a_field_error(phase, organizer):
    with pytest.raises(ValidationError) as error:
        ceremonies.ceremony_create(
            by=organizer,
            phase=phase,
            kind="closing",
            starts_at=datetime.datetime(2026, 1, 1),
            duration_minutes=60,
        )
    assert "starts_at" in error.value.message_dict
    assert not LiveSession.objects.exists()


def test_one_time_each_reads_in_their_own_zone_and_the_camps_page_links_it(
    client, phase, organizer, youth, other_youth
):
    day = phase.starts_on + datetime.timedelta(days=3)
    at = datetime.datetime.combine(day, datetime.time(19, 0), phase.camp.zone)  # 19:00 Beijing
    factories.ceremony(phase, kind="closing", starts_at=at)
    client.force_login(organizer)
    assert reverse("live:ceremonies", args=[phase.pk]) in client.get(reverse("camp_list")).content.decode()
    assert "19:00" in client.get(reverse("live:ceremonies", args=[phase.pk])).content.decode()
    for user, local in ((youth, "18:00"), (other_youth, "17:30")):  # Bangkok, Yangon
        client.force_login(user)
        assert local in client.get(reverse("my_camp")).content.decode(), user
