"""Moderation a teacher can undo: "Remove from class" lasts for that class only, the removed youth is
told why (also when they come back), and the teacher or an organizer lets them back in."""

import datetime

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from camp.models import User
from live import services
from live.access import member_for
from live.models import Removal
from tests.live.conftest import drain, join, path_for, recv_type, refused_with, send

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def removed_ids(session) -> set[int]:
    return set(Removal.objects.filter(session=session).values_list("user_id", flat=True))


@sync_to_async
def remove(session, teacher, youth) -> None:
    Removal.objects.create(session=session, user=youth, removed_by=teacher, created_at=timezone.now())


async def test_teacher_removes_then_lets_back_in_and_the_youth_reenters(live_session, teacher, youth, youth2):
    teacher_comm, welcome = await join(live_session, teacher)
    assert welcome["removed"] == []
    youth_comm, _ = await join(live_session, youth)
    other_comm, other_welcome = await join(live_session, youth2)
    assert "removed" not in other_welcome  # only moderators see the list
    for comm in (teacher_comm, youth_comm, other_comm):
        await drain(comm)
    youth_shape = {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"}
    try:
        await send(teacher_comm, {"type": "moderate", "action": "remove", "user_id": youth.pk})
        assert await recv_type(youth_comm, "removed") == {"type": "removed", "reason": "moderator"}
        assert await youth_comm.receive_output(timeout=3) == {"type": "websocket.close", "code": 4403}
        assert await recv_type(teacher_comm, "removal") == {"type": "removal", "user": youth_shape, "removed": True}
        # The other youth are not told who was removed (only that they left).
        assert all(frame["type"] != "removal" for frame in await drain(other_comm))
        assert await removed_ids(live_session) == {youth.pk}

        # Coming back: told why before the close, so the client shows the removed page.
        frames = []
        assert await refused_with(path_for(live_session), youth, frames=frames) == 4403
        assert frames == [{"type": "removed", "reason": "moderator"}]

        # A teacher who reconnects finds them in the removed list.
        again, rewelcome = await join(live_session, teacher)
        assert rewelcome["removed"] == [youth_shape]
        await again.disconnect()

        await send(teacher_comm, {"type": "moderate", "action": "readmit", "user_id": youth.pk})
        assert await recv_type(teacher_comm, "removal") == {"type": "removal", "user": youth_shape, "removed": False}
        assert await removed_ids(live_session) == set()
        back, back_welcome = await join(live_session, youth)
        assert back_welcome["you"]["id"] == youth.pk
        await back.disconnect()
    finally:
        for comm in (teacher_comm, youth_comm, other_comm):
            await comm.disconnect()


async def test_a_removal_lasts_for_that_class_only(make_session, teacher, youth):
    first = await sync_to_async(make_session)()
    next_class = await sync_to_async(make_session)(starts_in=datetime.timedelta(minutes=50))
    await remove(first, teacher, youth)
    assert await refused_with(path_for(first), youth) == 4403
    comm, welcome = await join(next_class, youth)
    try:
        assert welcome["you"]["role"] == "youth"
    finally:
        await comm.disconnect()


async def test_an_organizer_lets_back_in_too(live_session, teacher, organizer, youth):
    await remove(live_session, teacher, youth)
    comm, welcome = await join(live_session, organizer)
    try:
        assert [u["id"] for u in welcome["removed"]] == [youth.pk]
        await send(comm, {"type": "moderate", "action": "readmit", "user_id": youth.pk})
        assert (await recv_type(comm, "removal"))["removed"] is False
        assert await removed_ids(live_session) == set()
    finally:
        await comm.disconnect()


@pytest.mark.parametrize("user_id", [
    "user", None, True, 0, -3, 1.5, "12", [1], 987654,  # malformed, missing, unknown
])
async def test_malformed_readmit_is_bad_request_and_changes_nothing(live_session, teacher, youth, user_id):
    await remove(live_session, teacher, youth)
    comm, _ = await join(live_session, teacher)
    await drain(comm)
    try:
        frame = {"type": "moderate", "action": "readmit"}
        if user_id is not None:
            frame["user_id"] = user_id
        await send(comm, frame)
        error = await recv_type(comm, "error")
        assert error["code"] == "bad_request"
        assert await removed_ids(live_session) == {youth.pk}
        await send(comm, {"type": "ping"})  # the socket is still open (never 1011)
        assert (await recv_type(comm, "pong"))["type"] == "pong"
    finally:
        await comm.disconnect()


async def test_readmitting_someone_not_removed_is_bad_request(live_session, teacher, youth, youth2):
    await remove(live_session, teacher, youth)
    comm, _ = await join(live_session, teacher)
    await drain(comm)
    try:
        await send(comm, {"type": "moderate", "action": "readmit", "user_id": youth2.pk})
        error = await recv_type(comm, "error")
        assert error["code"] == "bad_request" and "not removed" in error["detail"]
        assert await removed_ids(live_session) == {youth.pk}
    finally:
        await comm.disconnect()


@pytest.mark.parametrize("persona", ["youth2", "coordinator"])
async def test_youth_and_observers_cannot_let_anyone_back_in(live_session, teacher, youth, youth2, coordinator,
                                                             persona):
    await remove(live_session, teacher, youth)
    comm, welcome = await join(live_session, {"youth2": youth2, "coordinator": coordinator}[persona])
    assert "removed" not in welcome  # nor see who was removed
    await drain(comm)
    try:
        await send(comm, {"type": "moderate", "action": "readmit", "user_id": youth.pk})
        assert (await recv_type(comm, "error"))["code"] == "forbidden"
        assert await removed_ids(live_session) == {youth.pk}
    finally:
        await comm.disconnect()


async def test_a_removed_youth_cannot_let_themself_back_in(live_session, teacher, youth):
    await remove(live_session, teacher, youth)
    assert await sync_to_async(member_for)(youth, live_session) is None  # no member, so no service call
    assert await refused_with(path_for(live_session), youth) == 4403
    assert await removed_ids(live_session) == {youth.pk}


async def test_a_teacher_of_another_group_cannot_let_anyone_back_in(live_session, teacher, youth, other_group, phase,
                                                                    make_user):
    from courses.models import Lesson
    from tests import factories

    other_teacher = await sync_to_async(make_user)(User.Role.TEACHER)
    await sync_to_async(factories.live_session)(
        plan=await sync_to_async(factories.plan_of)(other_group, phase),
        lesson=await sync_to_async(factories.lesson)("剪纸", 45, format=Lesson.Format.LIVE),
        starts_at=timezone.now(), teacher=other_teacher)
    await remove(live_session, teacher, youth)
    # Not a member of this room: refused at the door, and no member to call the service with.
    assert await refused_with(path_for(live_session), other_teacher) == 4403
    assert await sync_to_async(member_for)(other_teacher, live_session) is None
    assert await removed_ids(live_session) == {youth.pk}


def _readmit_as(session, member, user_id):
    return services.member_readmit(session_id=session.pk, member=member, user_id=user_id)


@pytest.mark.django_db
def test_member_readmit_checks_its_caller(live_session, teacher, youth, youth2):
    from live.services.errors import LiveError

    Removal.objects.create(session=live_session, user=youth, removed_by=teacher, created_at=timezone.now())
    youth_member = member_for(youth2, live_session)
    with pytest.raises(LiveError) as refused:
        _readmit_as(live_session, youth_member, youth.pk)
    assert refused.value.code == "forbidden"
    assert Removal.objects.filter(session=live_session, user=youth).exists()
    assert _readmit_as(live_session, member_for(teacher, live_session), youth.pk) == youth
    assert not Removal.objects.exists()


def _welcome_queries(session, member) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from live.selectors import forget_shared_parts, welcome_for
    from live.services.online import online_now

    online_now(session.pk)  # the room's online set is in the cache (built from the spans once)
    forget_shared_parts()  # a cold welcome: its shared part is built again
    with CaptureQueriesContext(connection) as queries:
        welcome_for(session, member)
    return len(queries)


@pytest.mark.django_db
def test_the_teachers_welcome_lists_the_removed_without_a_query_each(live_session, teacher, group,
                                                                     make_participant):
    member = member_for(teacher, live_session)
    counts = []
    for size in (2, 8):
        while Removal.objects.count() < size:
            Removal.objects.create(session=live_session, user=make_participant(group).user, removed_by=teacher,
                                   created_at=timezone.now())
        counts.append(_welcome_queries(live_session, member))
    assert counts[0] == counts[1]
