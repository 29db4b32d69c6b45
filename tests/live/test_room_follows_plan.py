"""A room follows its plan item, built in the product: removing the item cancels the room and keeps
its chat and attendance, unpublishing cancels the plan's rooms, publishing again reopens them, moving
the item moves the room; the video meeting link is the item's (else the lesson's default)."""

import datetime

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from courses.models import Lesson, PlanItem
from courses.services.plans import (
    meeting_url_clean,
    plan_approve,
    plan_item_remove,
    plan_item_update,
    plan_propose,
    plan_publish,
    plan_unpublish,
)
from live import services
from live.access import member_for
from live.models import AttendanceSpan, ChatMessage, LiveSession, Question
from tests import factories

NOW_ISH = datetime.timedelta(minutes=5)


def _published_plan(group, phase, teacher, organizer, *, starts_at=None):
    """A plan with one live class (in 5 minutes by default, so the room is open) and a self-study
    item, proposed, approved and published through the plan services."""
    at = starts_at or timezone.now() + NOW_ISH
    lesson = factories.catalog_lesson("书法直播课", minutes=60, format=Lesson.Format.LIVE,
                                      meeting_url="https://meet.example.org/lesson-default")
    plan = factories.plan(group, phase, items=[
        (lesson, at, teacher),
        (factories.catalog_lesson("自学：茶的故事", format=Lesson.Format.SELF_STUDY), at + datetime.timedelta(days=1),
         teacher),
    ])
    plan_propose(plan=plan, by=teacher, override_reason="test")
    plan_approve(plan=plan, by=organizer)
    plan_publish(plan=plan, by=organizer)
    return plan


@pytest.fixture
def plan(group, phase, teacher, organizer):
    return _published_plan(group, phase, teacher, organizer)


def _room(plan) -> LiveSession:
    return LiveSession.objects.get(plan_item__plan=plan)


def _chat_and_attend(room, teacher, youth):
    """The teacher starts the class, a youth comes in, says something and asks a question."""
    teacher_member, youth_member = member_for(teacher, room), member_for(youth, room)
    services.live_session_start(session_id=room.pk, member=teacher_member)
    services.attendance_join(session_id=room.pk, user=youth, channel_name="test")
    services.chat_message_post(session_id=room.pk, member=youth_member, text="老师好", client_id="c1")
    services.question_ask(session_id=room.pk, member=youth_member, text="墨汁在哪里买？", client_id="q1")


# --- removing an item ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_removing_the_item_cancels_its_room_and_keeps_chat_and_attendance(plan, teacher, youth):
    room = _room(plan)
    item = room.plan_item
    _chat_and_attend(room, teacher, youth)
    starts_at, minutes = item.starts_at, item.duration_minutes
    plan_item_remove(item=item, by=teacher)
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    room.refresh_from_db()
    assert room.state == LiveSession.State.CANCELLED and room.cancelled_at is not None
    assert room.plan_item_id is None
    # The room keeps its class: group, lesson, teacher, time.
    assert (room.group_id, room.teacher_id, room.starts_at, room.duration_minutes) == (
        plan.group_id, teacher.pk, starts_at, minutes)
    assert room.lesson_title == "书法直播课" and room.title == "书法直播课"
    assert ChatMessage.objects.filter(session=room).count() == 1
    assert Question.objects.filter(session=room).count() == 1
    assert AttendanceSpan.objects.filter(session=room, user=youth).count() == 1


@pytest.mark.django_db
def test_removed_through_the_builder_the_room_page_says_cancelled(client, plan, teacher, organizer, youth):
    room = _room(plan)
    _chat_and_attend(room, teacher, youth)
    client.force_login(teacher)
    response = client.post(reverse("courses:plan_item_remove", args=[plan.pk, room.plan_item_id]))
    assert response.status_code in (200, 302)
    room.refresh_from_db()
    assert room.is_cancelled and room.plan_item_id is None
    # The teacher and the organizer still read the room (its socket and attendance are theirs).
    for adult in (teacher, organizer):
        client.force_login(adult)
        page = client.get(room.get_absolute_url()).content.decode()
        assert 'id="live-cancelled"' in page and "js/live-room.js" in page
        assert 'name="meeting_url"' not in page  # no item any more: nothing to set
        assert client.get(reverse("live:attendance", args=[room.pk])).status_code == 200
    # The youth's page says so, without the chat client.
    client.force_login(youth)
    page = client.get(room.get_absolute_url()).content.decode()
    assert 'id="live-cancelled"' in page and "js/live-room.js" not in page and 'id="chat-form"' not in page


@pytest.mark.django_db
def test_a_cancelled_room_shows_as_cancelled_on_the_lists_not_as_a_link(client, plan, teacher, youth):
    room = _room(plan)
    plan_item_remove(item=room.plan_item, by=teacher)
    client.force_login(youth)
    for page in (reverse("home"), reverse("live:sessions")):
        body = client.get(page).content.decode()
        assert '<li class="cancelled">' in body and 'class="status cancelled"' in body, page
        assert room.get_absolute_url() not in body, page
    client.force_login(teacher)
    body = client.get(reverse("live:sessions")).content.decode()
    assert 'class="status cancelled"' in body and "<s>书法直播课</s>" in body


@pytest.mark.django_db
def test_an_ended_class_removed_later_stays_ended(plan, teacher):
    room = _room(plan)
    member = member_for(teacher, room)
    services.live_session_start(session_id=room.pk, member=member)
    services.live_session_end(session_id=room.pk, member=member)
    plan_item_remove(item=room.plan_item, by=teacher)
    room.refresh_from_db()
    assert room.state == LiveSession.State.ENDED and room.plan_item_id is None


@pytest.mark.django_db
def test_a_cancelled_room_cannot_start_and_its_socket_admits_only_moderators(plan, teacher, organizer, youth,
                                                                            coordinator):
    room = _room(plan)
    plan_item_remove(item=room.plan_item, by=teacher)
    room = LiveSession.objects.select_related("group").get(pk=room.pk)
    assert member_for(youth, room) is None and member_for(coordinator, room) is None
    assert member_for(teacher, room).is_moderator and member_for(organizer, room).is_moderator
    with pytest.raises(services.LiveError):
        services.live_session_start(session_id=room.pk, member=member_for(teacher, room))
    room.refresh_from_db()
    assert room.state == LiveSession.State.CANCELLED


# --- unpublish and publish again -------------------------------------------------------------------

@pytest.mark.django_db
def test_unpublishing_cancels_the_rooms_and_republishing_reopens_them(plan, teacher, organizer, youth):
    room = _room(plan)
    _chat_and_attend(room, teacher, youth)
    plan_unpublish(plan=plan, by=organizer)
    room.refresh_from_db()
    assert room.state == LiveSession.State.CANCELLED and room.plan_item_id is not None
    plan_propose(plan=plan, by=teacher, override_reason="test")
    plan_approve(plan=plan, by=organizer)
    plan_publish(plan=plan, by=organizer)
    room.refresh_from_db()
    assert room.state == LiveSession.State.SCHEDULED and room.cancelled_at is None
    assert LiveSession.objects.filter(plan_item__plan=plan).count() == 1  # the same room, not a new one
    assert ChatMessage.objects.filter(session=room).count() == 1


@pytest.mark.django_db
def test_an_ended_room_stays_ended_through_unpublish_and_republish(plan, teacher, organizer):
    room = _room(plan)
    member = member_for(teacher, room)
    services.live_session_start(session_id=room.pk, member=member)
    services.live_session_end(session_id=room.pk, member=member)
    plan_unpublish(plan=plan, by=organizer)
    plan_propose(plan=plan, by=teacher, override_reason="test")
    plan_approve(plan=plan, by=organizer)
    plan_publish(plan=plan, by=organizer)
    room.refresh_from_db()
    assert room.state == LiveSession.State.ENDED


# --- moving ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_moving_the_item_moves_the_room_and_its_lists(client, plan, teacher, youth):
    room = _room(plan)
    item = room.plan_item
    client.force_login(youth)
    assert room.get_absolute_url() in client.get(reverse("home")).content.decode()
    moved = item.starts_at + datetime.timedelta(days=2)
    other_teacher = factories.user("teacher", email="t2@example.org")
    plan_item_update(item=item, by=teacher, starts_at=moved, teacher=other_teacher, duration_minutes=90)
    room.refresh_from_db()
    assert (room.starts_at, room.duration_minutes, room.teacher_id) == (moved, 90, other_teacher.pk)
    assert room.ends_at == moved + datetime.timedelta(minutes=90)
    # Today's list no longer has it; the room no longer opens now; the new teacher runs it.
    assert room.get_absolute_url() not in client.get(reverse("home")).content.decode()
    assert room.state == LiveSession.State.SCHEDULED
    assert member_for(other_teacher, room).role == "teacher" and member_for(teacher, room) is None


@pytest.mark.django_db
def test_an_item_moved_while_its_plan_is_a_draft_moves_its_cancelled_room(plan, teacher, organizer):
    room = _room(plan)
    plan_unpublish(plan=plan, by=organizer)
    moved = room.starts_at + datetime.timedelta(hours=3)
    plan_item_update(item=room.plan_item, by=teacher, starts_at=moved)
    room.refresh_from_db()
    assert room.starts_at == moved and room.is_cancelled


# --- the video meeting link ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_room_page_sets_the_items_link_and_empty_falls_back_to_the_lessons(client, plan, teacher, youth):
    room = _room(plan)
    url = reverse("live:video_link", args=[room.pk])
    client.force_login(teacher)
    page = client.get(room.get_absolute_url()).content.decode()
    assert 'name="meeting_url"' in page and "https://meet.example.org/lesson-default" in page
    assert client.post(url, {"meeting_url": "https://meet.example.org/calligraphy"}).status_code == 302
    item = PlanItem.objects.get(pk=room.plan_item_id)
    assert item.meeting_url == "https://meet.example.org/calligraphy"
    client.force_login(youth)
    page = client.get(room.get_absolute_url()).content.decode()
    assert 'href="https://meet.example.org/calligraphy"' in page and 'name="meeting_url"' not in page
    client.force_login(teacher)
    assert client.post(url, {"meeting_url": "  "}).status_code == 302
    item.refresh_from_db()
    assert item.meeting_url == "" and item.meeting_link == "https://meet.example.org/lesson-default"
    client.force_login(youth)
    assert 'href="https://meet.example.org/lesson-default"' in client.get(room.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["http://meet.example.org/x", "javascript:alert(1)", "https://", "not a url",
                                 "https://" + "a" * 300 + ".org"])
def test_a_bad_link_is_refused_on_the_room_page_and_nothing_changes(client, plan, teacher, bad):
    room = _room(plan)
    PlanItem.objects.filter(pk=room.plan_item_id).update(meeting_url="https://meet.example.org/kept")
    client.force_login(teacher)
    response = client.post(reverse("live:video_link", args=[room.pk]), {"meeting_url": bad})
    assert response.status_code == 400
    body = response.content.decode()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refusal:
        meeting_url_clean(bad)
    for message in refusal.value.messages:  # the refusal, in the teacher's language, on the room page
        assert escape(message) in body
    assert 'id="chat-log"' in body  # still the room page
    assert PlanItem.objects.get(pk=room.plan_item_id).meeting_url == "https://meet.example.org/kept"


@pytest.mark.django_db
def test_the_link_form_refuses_outsiders_and_writes_nothing(client, plan, youth, coordinator, make_user):
    room = _room(plan)
    url = reverse("live:video_link", args=[room.pk])
    for user, status in ((youth, 403), (coordinator, 403), (make_user("teacher"), 403)):
        client.force_login(user)
        assert client.post(url, {"meeting_url": "https://evil.example.org"}).status_code == status
    assert PlanItem.objects.get(pk=room.plan_item_id).meeting_url == ""
    with pytest.raises(Exception):  # the service checks its caller too  # noqa: B017,PT011
        services.live_session_video_link_set(by=youth, session_id=room.pk, url="https://evil.example.org")
    assert PlanItem.objects.get(pk=room.plan_item_id).meeting_url == ""


# --- open sockets ---------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_open_sockets_hear_the_class_was_cancelled(group, phase, teacher, organizer, youth):
    from tests.live.conftest import drain, join, recv_type

    plan = await sync_to_async(_published_plan)(group, phase, teacher, organizer)
    room = await sync_to_async(_room)(plan)
    teacher_comm, _ = await join(room, teacher)
    youth_comm, _ = await join(room, youth)
    await drain(teacher_comm)
    await drain(youth_comm)
    try:
        item = await sync_to_async(PlanItem.objects.get)(pk=room.plan_item_id)
        await sync_to_async(plan_item_remove)(item=item, by=teacher)
        # The youth is told and sent out; the teacher stays and sees the state.
        assert await recv_type(youth_comm, "cancelled") == {"type": "cancelled"}
        output = await youth_comm.receive_output(timeout=3)
        assert output == {"type": "websocket.close", "code": 4403}
        frame = await recv_type(teacher_comm, "room")
        assert frame["state"] == "cancelled"
    finally:
        await teacher_comm.disconnect()
        await youth_comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_youth_cannot_open_the_socket_of_a_cancelled_class_and_the_teacher_reads_it(
        group, phase, teacher, organizer, youth):
    from tests.live.conftest import join, path_for, refused_with

    plan = await sync_to_async(_published_plan)(group, phase, teacher, organizer)
    room = await sync_to_async(_room)(plan)
    await sync_to_async(_chat_and_attend)(room, teacher, youth)
    await sync_to_async(plan_unpublish)(plan=plan, by=organizer)
    assert await refused_with(path_for(room), youth) == 4403
    teacher_comm, welcome = await join(room, teacher)
    try:
        assert welcome["session"]["state"] == "cancelled"
        assert [m["text"] for m in welcome["history"]] == ["老师好"]
    finally:
        await teacher_comm.disconnect()


# --- every page that shows the class shows its room ---------------------------------------------------

@pytest.mark.django_db
def test_a_published_class_links_its_room_on_every_page_that_shows_it(client, plan, teacher, organizer,
                                                                       coordinator, youth):
    import icalendar

    from courses.models import CalendarFeed
    from courses.services.feeds import calendar_feed_get_or_create

    room = _room(plan)
    link = room.get_absolute_url()
    client.force_login(teacher)
    assert client.get(link).status_code == 200  # the room opens 15 minutes before: it is open now
    pages = {
        teacher: [reverse("courses:teacher_schedule"), reverse("courses:plan_detail", args=[plan.pk]),
                  reverse("live:sessions"), reverse("home")],
        organizer: [reverse("courses:plan_detail", args=[plan.pk]), reverse("live:sessions"), reverse("home")],
        coordinator: [reverse("courses:plan_detail", args=[plan.pk]), reverse("live:sessions"), reverse("home")],
        youth: [reverse("home"), reverse("my_camp"), reverse("live:sessions"),
                reverse("courses:plan_detail", args=[plan.pk])],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200 and link in response.content.decode(), (user.role, url)
    client.logout()
    for feed in (calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=plan.group),
                 calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=youth),
                 calendar_feed_get_or_create(kind=CalendarFeed.Kind.TEACHER, user=teacher)):
        calendar = icalendar.Calendar.from_ical(client.get(reverse("courses:calendar_feed", args=[feed.token])).content)
        urls = [str(event.get("url", "")) for event in calendar.walk("VEVENT")]
        assert any(url.endswith(link) for url in urls), feed.kind


@pytest.mark.django_db
def test_a_link_post_without_the_box_changes_nothing(client, plan, teacher):
    room = _room(plan)
    PlanItem.objects.filter(pk=room.plan_item_id).update(meeting_url="https://meet.example.org/kept")
    client.force_login(teacher)
    response = client.post(reverse("live:video_link", args=[room.pk]), {"video_url": ""})
    assert response.status_code == 400
    assert PlanItem.objects.get(pk=room.plan_item_id).meeting_url == "https://meet.example.org/kept"


@pytest.mark.django_db
def test_an_item_deleted_any_other_way_cancels_its_room_too(plan, teacher, youth):
    """Deleting the plan (or the item in the admin) does not go through plan_item_remove."""
    room = _room(plan)
    _chat_and_attend(room, teacher, youth)
    plan.delete()
    room.refresh_from_db()
    assert room.is_cancelled and room.plan_item_id is None
    assert ChatMessage.objects.filter(session=room).count() == 1
