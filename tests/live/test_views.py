"""The room, attendance and state pages; the My camp / home links."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from live.models import LiveSession
from tests import factories

pytestmark = pytest.mark.django_db


def test_room_page_for_a_youth(client, live_session, youth):
    client.force_login(youth)
    response = client.get(reverse("live:room", args=[live_session.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-ws-path="/ws/live/{live_session.pk}/"' in body
    assert 'data-role="youth"' in body
    assert 'id="chat-form"' in body and "js/live-room.js" in body
    assert 'id="ctl-lock"' not in body  # no moderator controls for youth


def test_room_page_shows_the_video_button_and_moderator_controls_to_the_teacher(client, live_session, teacher):
    live_session.plan_item.meeting_url = "https://meet.example.org/abc"
    live_session.plan_item.save()
    client.force_login(teacher)
    body = client.get(reverse("live:room", args=[live_session.pk])).content.decode()
    assert 'href="https://meet.example.org/abc"' in body and 'id="ctl-lock"' in body


def test_the_meeting_link_gives_way_to_the_rooms_own_video(client, live_session, youth):
    """With a media server the room has its video inside: the external meeting link is not offered
    beside it (two video apps on one phone); without one, the link is the fallback."""
    live_session.plan_item.meeting_url = "https://meet.example.org/abc"
    live_session.plan_item.save()
    client.force_login(youth)
    url = reverse("live:room", args=[live_session.pk])
    body = client.get(url).content.decode()
    assert 'id="join-video"' in body and 'id="live-video"' not in body
    with override_settings(JANUS_URL="ws://127.0.0.1:1"):  # never dialled to render the page
        body = client.get(url).content.decode()
    assert 'id="join-video"' not in body and 'id="live-video"' in body


def test_coordinator_observes_without_a_chat_form(client, live_session, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("live:room", args=[live_session.pk])).content.decode()
    assert 'id="chat-form"' not in body and 'data-role="coordinator"' in body


def test_room_page_outsiders_and_methods(client, live_session, other_youth, make_user):
    client.force_login(other_youth)
    assert client.get(reverse("live:room", args=[live_session.pk])).status_code == 404
    assert client.get(reverse("live:room", args=[999999])).status_code == 404
    other_teacher = make_user("teacher")
    client.force_login(other_teacher)
    assert client.get(reverse("live:room", args=[live_session.pk])).status_code == 403
    assert client.post(reverse("live:room", args=[live_session.pk])).status_code == 405


def test_scheduled_room_opens_by_itself_when_due(client, make_session, youth):
    session = make_session(state=LiveSession.State.SCHEDULED, starts_in=datetime.timedelta(minutes=10))
    client.force_login(youth)
    client.get(reverse("live:room", args=[session.pk]))
    session.refresh_from_db()
    assert session.state == LiveSession.State.OPEN
    later = make_session(state=LiveSession.State.SCHEDULED, starts_in=datetime.timedelta(hours=3))
    client.get(reverse("live:room", args=[later.pk]))
    later.refresh_from_db()
    assert later.state == LiveSession.State.SCHEDULED


def test_teacher_starts_and_ends_by_form(client, make_session, teacher):
    session = make_session(state=LiveSession.State.OPEN)
    client.force_login(teacher)
    url = reverse("live:state", args=[session.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"action": "start"}).status_code == 302
    session.refresh_from_db()
    assert session.state == "live" and session.started_at is not None
    assert client.post(url, {"action": "explode"}).status_code == 400
    assert client.post(url, {"action": "end"}).status_code == 302
    session.refresh_from_db()
    assert session.state == "ended" and session.ended_at is not None
    assert client.post(url, {"action": "start"}).status_code == 400  # an ended class stays ended
    session.refresh_from_db()
    assert session.state == "ended"


def test_youth_cannot_start(client, make_session, youth):
    session = make_session(state=LiveSession.State.OPEN)
    client.force_login(youth)
    assert client.post(reverse("live:state", args=[session.pk]), {"action": "start"}).status_code == 403
    session.refresh_from_db()
    assert session.state == "open"


def _attendance_world(session, group, make_participant, count):
    # The class started 40 minutes ago; youth n arrived n % 15 minutes in.
    item = session.plan_item
    item.starts_at = session.started_at = timezone.now() - datetime.timedelta(minutes=40)
    item.save()  # the room follows its item (live.services.sessions.room_follow_item)
    session.refresh_from_db()
    session.started_at = item.starts_at
    session.save()
    for n in range(count):
        user = make_participant(group).user
        factories.span(session, user, n % 15, 30)


@pytest.mark.parametrize("count", [2, 12])
def test_attendance_page(client, live_session, teacher, group, make_participant, django_assert_max_num_queries,
                         count):
    _attendance_world(live_session, group, make_participant, count)
    client.force_login(teacher)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("live:attendance", args=[live_session.pk]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["roster"] == count
    on_time = sum(1 for n in range(count) if n % 15 <= 10)  # ten minutes of grace
    assert (summary["present"], summary["late"], summary["absent"]) == (on_time, count - on_time, 0)
    assert 'http-equiv="refresh"' in response.content.decode()


def test_attendance_page_refuses_youth(client, live_session, youth):
    client.force_login(youth)
    assert client.get(reverse("live:attendance", args=[live_session.pk])).status_code == 403


def test_youth_home_and_my_camp_link_to_todays_live_room(client, live_session, youth_participant, make_session):
    ended = make_session(state=LiveSession.State.ENDED)
    client.force_login(youth_participant.user)
    body = client.get("/").content.decode()
    assert f'href="/live/{live_session.pk}/"' in body
    # The day view (courses) carries the one join link; an ended class has none anywhere.
    assert f'href="/live/{ended.pk}/"' not in body
    assert f'href="/live/{live_session.pk}/"' in client.get(reverse("my_camp")).content.decode()


def test_youth_without_consent_gets_no_link(client, live_session, group, make_participant):
    participant = make_participant(group, consent=False)
    partial = render_to_string("live/_my_camp.html", {"participant": participant, "group": group,
                                                      "user": participant.user})
    assert "/live/" not in partial
