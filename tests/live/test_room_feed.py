"""One channel-layer subscription per room and process (live/fanout.py, issue #13): the room's
sockets are fed by one reader, not each by its own channel, and nothing about what a socket sees
changes: what arrives before its welcome comes after it (the fence drops what the welcome held),
an ack comes before the echo of its message, a history before the live messages it holds, a
removal or a cancellation reaches only the sockets it concerns, and the feed stops with the last
socket and starts again with the next."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from live import consumers, events, fanout, services
from live.access import member_for
from tests.live.conftest import drain, join, recv, recv_type, send

pytestmark = pytest.mark.django_db(transaction=True)


def _members(group: str) -> set[str]:
    """The channels in a channel-layer group: the in-memory layer (quick start) or channels_redis's
    pub/sub layer (PostgreSQL + Redis)."""
    layer = get_channel_layer()
    if hasattr(layer, "_get_layer"):
        inner = layer._get_layer()
        return set(inner.groups.get(inner._get_group_channel_name(group), ()))
    return set(layer.groups.get(group, {}))


async def _post(session, user, text: str, client_id: str):
    member = await sync_to_async(member_for)(user, session)
    message, _ = await sync_to_async(services.chat_message_post)(
        session_id=session.pk, member=member, text=text, client_id=client_id)
    return message


async def test_the_room_has_one_subscription_in_the_process_whatever_its_size(live_session, teacher, youth,
                                                                              youth2):
    group = events.room_group(live_session.pk)
    comms = [(await join(live_session, user))[0] for user in (teacher, youth, youth2)]
    try:
        assert fanout.local_sockets(live_session.pk) == 3
        members = _members(group)
        assert len(members) == 1 and "room-feed." in members.pop()  # (the Redis layer prefixes it)
        await send(comms[0], {"type": "chat", "text": "大家好", "client_id": "t1"})
        for comm in comms[1:]:
            assert (await recv_type(comm, "message"))["text"] == "大家好"
        await comms[1].disconnect()
        assert fanout.local_sockets(live_session.pk) == 2
    finally:
        for comm in comms[::2]:
            await comm.disconnect()
    assert fanout.local_sockets(live_session.pk) == 0
    assert _members(group) == set()  # the last socket out stopped the feed

    comm, _ = await join(live_session, youth)  # and the next one starts it again
    try:
        await _post(live_session, teacher, "又见面了", "t2")
        assert (await recv_type(comm, "message"))["text"] == "又见面了"
        assert len(_members(group)) == 1
    finally:
        await comm.disconnect()


async def test_what_comes_while_a_socket_is_let_in_follows_its_welcome(live_session, teacher, youth, monkeypatch):
    real = consumers.enter_room

    def posting_after_the_read(user, session_id, channel_name):
        # The welcome is read; then a message is committed before the welcome is sent. It is not
        # in the welcome, so it must come live, and after the welcome.
        entry = real(user, session_id, channel_name)
        member = member_for(teacher, live_session)
        services.chat_message_post(session_id=live_session.pk, member=member, text="刚到", client_id="now")
        return entry

    monkeypatch.setattr(consumers, "enter_room", posting_after_the_read)
    comm, welcome = await join(live_session, youth)  # join() reads the welcome as the first frame
    try:
        assert welcome["last_seq"] == 0 and welcome["history"] == []
        message = await recv_type(comm, "message")
        assert message["seq"] == 1 and message["text"] == "刚到"
        assert [f for f in await drain(comm) if f["type"] == "message"] == []
    finally:
        await comm.disconnect()


async def test_the_author_gets_the_ack_before_the_echo(live_session, teacher, youth):
    teacher_comm, _ = await join(live_session, teacher)
    youth_comm, _ = await join(live_session, youth)
    await drain(teacher_comm)
    try:
        await send(youth_comm, {"type": "chat", "text": "老师好", "client_id": "y1"})
        frames = [f for f in await drain(youth_comm, quiet=0.5) if f["type"] in ("ack", "message")]
        assert [f["type"] for f in frames] == ["ack", "message"]
        assert frames[0]["client_id"] == "y1" and frames[0]["seq"] == frames[1]["seq"] == 1
        assert (await recv_type(teacher_comm, "message"))["text"] == "老师好"
    finally:
        await teacher_comm.disconnect()
        await youth_comm.disconnect()


async def test_a_removal_reaches_only_the_removed_and_a_cancellation_only_the_class(
        live_session, teacher, youth, youth2):
    teacher_comm, _ = await join(live_session, teacher)
    youth_comm, _ = await join(live_session, youth)
    youth2_comm, _ = await join(live_session, youth2)
    for comm in (teacher_comm, youth_comm, youth2_comm):
        await drain(comm)
    try:
        await send(teacher_comm, {"type": "moderate", "action": "remove", "user_id": youth.pk, "client_id": "m1"})
        assert (await recv_type(youth_comm, "removed"))["type"] == "removed"
        assert (await youth_comm.receive_output(timeout=3))["code"] == 4403
        assert [f for f in await drain(youth2_comm) if f["type"] == "removed"] == []
        assert fanout.local_sockets(live_session.pk) == 2

        await sync_to_async(events.broadcast_cancel)(live_session.pk)
        assert (await recv(youth2_comm))["type"] == "cancelled"
        assert (await youth2_comm.receive_output(timeout=3))["code"] == 4403
        assert [f for f in await drain(teacher_comm) if f["type"] == "cancelled"] == []
    finally:
        for comm in (teacher_comm, youth_comm, youth2_comm):
            await comm.disconnect()


async def test_a_malformed_event_on_the_room_group_harms_no_socket(live_session, teacher, youth):
    """Whatever reaches the room's group (another server version, a stray sender), the feed goes on."""
    comm, _ = await join(live_session, youth)
    await drain(comm)
    layer = get_channel_layer()
    group = events.room_group(live_session.pk)
    try:
        await layer.group_send(group, {"type": events.ROOM_EVENT})  # no text
        await layer.group_send(group, {"type": "room.unknown", "text": "{}"})
        await layer.group_send(group, {"type": events.ROOM_REMOVE})  # no user_id
        await _post(live_session, teacher, "还在", "t3")
        assert (await recv_type(comm, "message"))["text"] == "还在"
    finally:
        await comm.disconnect()


async def test_a_silent_socket_whose_recheck_was_lost_is_asked_again(live_session, teacher, youth, monkeypatch):
    """A silent socket holds the room's events until its access is checked again, in its own turn;
    if that ask is lost (the channel layer reconnecting), the next event asks again, and nothing
    held is lost or reordered."""
    real, dropped = consumers.LiveRoomConsumer.ask_recheck, []

    async def losing_the_first(self):
        if self.scope["user"].pk == youth.pk and not dropped:
            dropped.append(True)
            self.recheck_asked = consumers.time.monotonic()  # asked, as far as the socket knows
            return
        await real(self)

    youth_comm, _ = await join(live_session, youth)
    await drain(youth_comm)
    try:
        monkeypatch.setattr(consumers.LiveRoomConsumer, "ask_recheck", losing_the_first)
        monkeypatch.setattr(consumers, "RECHECK_SILENT_AFTER", 0)
        monkeypatch.setattr(consumers, "RECHECK_ASK_AGAIN", 0)
        await _post(live_session, teacher, "第一", "a1")
        assert await youth_comm.receive_nothing(timeout=0.5)  # held: the recheck's ask was lost
        await _post(live_session, teacher, "第二", "a2")
        first, second = await recv_type(youth_comm, "message"), await recv_type(youth_comm, "message")
        assert (first["seq"], second["seq"]) == (1, 2) and dropped == [True]
    finally:
        await youth_comm.disconnect()


async def test_a_socket_cancelled_without_its_disconnect_leaves_the_feed(live_session, teacher, youth):
    """Daphne cancels a socket's task at shutdown, or when its close takes too long: no disconnect
    handler runs, and the socket still comes off the room's feed; the last one stops it."""
    group = events.room_group(live_session.pk)
    teacher_comm, _ = await join(live_session, teacher)
    comm, _ = await join(live_session, youth)
    await drain(comm)
    assert fanout.local_sockets(live_session.pk) == 2
    comm.future.cancel()
    done, _pending = await asyncio.wait({comm.future}, timeout=5)
    assert done and fanout.local_sockets(live_session.pk) == 1
    # The room goes on for the rest.
    await _post(live_session, youth, "我还在吗", "y1")
    assert (await recv_type(teacher_comm, "message"))["text"] == "我还在吗"
    teacher_comm.future.cancel()
    done, _pending = await asyncio.wait({teacher_comm.future}, timeout=5)
    assert done and fanout.local_sockets(live_session.pk) == 0
    for _ in range(50):  # the feed stops in a task of its own
        if not _members(group):
            break
        await asyncio.sleep(0.05)
    assert _members(group) == set()
