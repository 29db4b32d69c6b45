"""An open socket loses a youth's rights as soon as the youth does: on camp's
youth_access_revoked signal, and (defence in depth) at the consumer's periodic access re-check."""

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from camp.models import Participant
from camp.signals import youth_access_revoked
from live import consumers
from live.models import ChatMessage, RaisedHand, Removal
from tests.live.conftest import drain, join, path_for, recv_type, refused_with, send

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def withdraw_consent(user) -> None:
    Participant.objects.filter(user=user).update(consent_given=False, consent_at=None)


@sync_to_async
def messages_by(user) -> int:
    return ChatMessage.objects.filter(author=user).count()


async def expect_sent_out(comm, **reason) -> None:
    assert await recv_type(comm, "removed") == {"type": "removed", **reason}
    output = await comm.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4403}


async def test_signal_closes_the_youths_socket_and_keeps_them_out(live_session, teacher, youth, youth2):
    teacher_comm, _ = await join(live_session, teacher)
    youth_comm, _ = await join(live_session, youth)
    other_comm, _ = await join(live_session, youth2)
    await send(youth_comm, {"type": "hand", "raised": True})
    await send(youth_comm, {"type": "chat", "text": "before", "client_id": "b1"})
    await recv_type(youth_comm, "ack")
    for comm in (teacher_comm, youth_comm, other_comm):
        await drain(comm)
    try:
        await withdraw_consent(youth)
        await sync_to_async(youth_access_revoked.send)(sender=None, user=youth)
        await expect_sent_out(youth_comm)
        # The room sees the hand go down and the youth leave; the other youth stays.
        hand = await recv_type(teacher_comm, "hand")
        assert hand["user"]["id"] == youth.pk and hand["raised"] is False
        leave = await recv_type(teacher_comm, "presence")
        assert leave == {"type": "presence", "action": "leave", "user": leave["user"]}
        assert leave["user"]["id"] == youth.pk
        assert not await sync_to_async(RaisedHand.objects.filter(user=youth).exists)()
        # A new connection is refused, so no new chat gets in.
        assert await refused_with(path_for(live_session), youth) == 4403
        assert await messages_by(youth) == 1
        # The other youth is untouched and can still post.
        await send(other_comm, {"type": "chat", "text": "still here", "client_id": "s1"})
        assert (await recv_type(other_comm, "ack"))["seq"] == 2
    finally:
        for comm in (teacher_comm, youth_comm, other_comm):
            await comm.disconnect()


async def test_signal_for_one_youth_leaves_everyone_else_connected(live_session, teacher, youth, youth2):
    youth_comm, _ = await join(live_session, youth)
    other_comm, _ = await join(live_session, youth2)
    await drain(youth_comm)
    await drain(other_comm)
    try:
        await sync_to_async(youth_access_revoked.send)(sender=None, user=youth2)
        await expect_sent_out(other_comm)
        frames = await drain(youth_comm)
        assert all(frame["type"] != "removed" for frame in frames)
        await send(youth_comm, {"type": "chat", "text": "hi", "client_id": "h1"})
        assert (await recv_type(youth_comm, "ack"))["seq"] == 1
    finally:
        await youth_comm.disconnect()
        await other_comm.disconnect()


async def test_periodic_touch_rechecks_access_and_refuses_the_frame(live_session, youth, monkeypatch):
    comm, _ = await join(live_session, youth)
    await drain(comm)
    try:
        # Consent withdrawn without any signal (or the signal's event was lost on the way).
        await withdraw_consent(youth)
        monkeypatch.setattr(consumers, "TOUCH_EVERY", 0)
        await send(comm, {"type": "chat", "text": "after", "client_id": "a1"})
        await expect_sent_out(comm)
        assert await messages_by(youth) == 0
    finally:
        await comm.disconnect()


async def test_touch_keeps_a_youth_who_still_belongs(live_session, youth, monkeypatch):
    comm, _ = await join(live_session, youth)
    await drain(comm)
    try:
        monkeypatch.setattr(consumers, "TOUCH_EVERY", 0)
        await send(comm, {"type": "chat", "text": "fine", "client_id": "f1"})
        assert (await recv_type(comm, "ack"))["seq"] == 1
    finally:
        await comm.disconnect()


async def test_a_removal_whose_event_was_lost_is_caught_by_the_recheck(live_session, teacher, youth, monkeypatch):
    comm, _ = await join(live_session, youth)
    await drain(comm)
    try:
        await sync_to_async(Removal.objects.create)(session=live_session, user=youth, removed_by=teacher,
                                                    created_at=timezone.now())
        monkeypatch.setattr(consumers, "TOUCH_EVERY", 0)
        await send(comm, {"type": "ping"})
        await expect_sent_out(comm, reason="moderator")  # a removal, not lost access: the client says so
    finally:
        await comm.disconnect()


async def test_a_silent_socket_is_rechecked_before_it_receives_room_events(live_session, teacher, youth,
                                                                           monkeypatch):
    teacher_comm, _ = await join(live_session, teacher)
    youth_comm, _ = await join(live_session, youth)
    await drain(teacher_comm)
    await drain(youth_comm)
    try:
        await withdraw_consent(youth)
        monkeypatch.setattr(consumers, "RECHECK_SILENT_AFTER", 0)
        await send(teacher_comm, {"type": "chat", "text": "secret for the class", "client_id": "t1"})
        await recv_type(teacher_comm, "ack")
        frames = []
        while True:
            output = await youth_comm.receive_output(timeout=3)
            if output["type"] == "websocket.close":
                assert output["code"] == 4403
                break
            frames.append(output["text"])
        assert frames == ['{"type":"removed"}']
    finally:
        await teacher_comm.disconnect()
        await youth_comm.disconnect()
