"""The connect path at class scale (issue #13): one database hop per handshake whose queries do not
grow with the room, the online set in the cache (right across joins, leaves, sockets that die
without closing, and a lost cache), reaping on the ping path at most once per room per 30 s,
presence / reactions / hands coalesced for protocol 2 (protocol 1 keeps its frames), the seq fence
(no message twice on the wire), and shedding past a room's capacity or the handshakes in flight
with `busy` + 4503."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from live import consumers, selectors, services
from live.access import member_for
from live.admission import Admission
from live.attendance_rule import STALE_AFTER
from live.models import AttendanceSpan
from live.services.online import online_connections, online_now, online_remove
from tests import factories
from tests.live.conftest import drain, join, join_v2, path_for, recv, recv_type, send
from tests.ws import open_socket

pytestmark = pytest.mark.django_db(transaction=True)


def _ids(users) -> list[int]:
    return [u["id"] for u in users]


def _presence(frames) -> list[dict]:
    return [f for f in frames if f["type"] == "presence"]


# --- one hop, O(1) in the room ------------------------------------------------------------------


async def test_the_handshake_is_one_database_hop(live_session, youth, monkeypatch):
    hops = []
    real = consumers.database_sync_to_async

    def counting(fn):
        hops.append(getattr(fn, "__name__", repr(fn)))
        return real(fn)

    monkeypatch.setattr(consumers, "database_sync_to_async", counting)
    comm, welcome = await join(live_session, youth)
    try:
        assert hops == ["enter_room"]
        assert _ids(welcome["online"]) == [youth.pk]
        assert welcome["protocol"] == 1
    finally:
        await comm.disconnect()


def _queries_of_a_join(session, members: int) -> tuple[int, dict]:
    group = session.group
    for _ in range(members):
        user = factories.participant(group).user
        services.attendance_join(
            session_id=session.pk,
            user=user,
            channel_name="x",
            shape={"id": user.pk, "name": "x", "role": "youth"},
        )
        services.hand_set(session_id=session.pk, member=member_for(user, session), raised=True)
    newcomer = factories.participant(group).user
    with CaptureQueriesContext(connection) as queries:
        entry = consumers.enter_room(newcomer, session.pk, "newcomer")
    assert entry.refusal is None
    return len(queries), entry.welcome


def test_the_queries_of_a_join_do_not_grow_with_the_room(make_session):
    small, large = make_session(), make_session()
    cache.clear()
    few, welcome_few = _queries_of_a_join(small, 5)
    many, welcome_many = _queries_of_a_join(large, 50)
    assert len(welcome_few["online"]) == 6 and len(welcome_many["online"]) == 51
    assert len(welcome_many["hands"]) == 50
    assert many == few, (few, many)
    # The session, the youth's participant row (consent, removal and name in one), the span's
    # insert after the check for an open one, and the welcome's five reads (history, hands, polls,
    # mute, questions); SQLite also logs BEGIN and COMMIT. It was 19 before the profile of a class
    # joining at once (docs/performance.md).
    assert few <= 11, few


# --- the online set -----------------------------------------------------------------------------


async def test_the_online_set_lives_in_the_cache_and_follows_joins_and_leaves(live_session, teacher, youth):
    teacher_comm, _ = await join(live_session, teacher)
    youth_comm, welcome = await join(live_session, youth)
    assert _ids(welcome["online"]) == [teacher.pk, youth.pk]
    assert _ids(await sync_to_async(online_now)(live_session.pk)) == [teacher.pk, youth.pk]
    second, _ = await join(live_session, youth)  # a second tab: two connections, one user
    assert await sync_to_async(online_connections)(live_session.pk) == 3
    await second.disconnect()
    assert [f for f in _presence(await drain(teacher_comm)) if f["user"]["id"] == youth.pk] == [
        {"type": "presence", "action": "join", "user": {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"}}
    ]
    assert _ids(await sync_to_async(online_now)(live_session.pk)) == [teacher.pk, youth.pk]
    await youth_comm.disconnect()
    leave = await recv_type(teacher_comm, "presence")
    assert leave["action"] == "leave" and leave["user"]["id"] == youth.pk
    assert _ids(await sync_to_async(online_now)(live_session.pk)) == [teacher.pk]
    await teacher_comm.disconnect()


def test_a_lost_online_set_is_rebuilt_from_the_spans(live_session, youth, youth2):
    services.attendance_join(session_id=live_session.pk, user=youth)
    span = services.attendance_join(session_id=live_session.pk, user=youth2)[0]
    services.attendance_leave(span_id=span.pk)
    cache.clear()
    assert _ids(online_now(live_session.pk)) == [youth.pk]
    assert online_connections(live_session.pk) == 1


def test_a_join_after_the_online_set_was_lost_rebuilds_it_with_everyone(live_session, youth, youth2, teacher):
    services.attendance_join(session_id=live_session.pk, user=youth)
    cache.clear()  # lost before the next join: the join's own entry is not all there is
    services.attendance_join(session_id=live_session.pk, user=youth2)
    assert online_connections(live_session.pk) == 2
    services.attendance_join(session_id=live_session.pk, user=teacher)
    assert _ids(online_now(live_session.pk)) == [youth.pk, youth2.pk, teacher.pk]
    assert online_connections(live_session.pk) == 3


def test_reaping_from_the_ping_path_runs_once_per_room_per_30_seconds(live_session, youth, youth2):
    cache.clear()
    now = timezone.now()
    old = now - 2 * STALE_AFTER
    stale = services.attendance_join(session_id=live_session.pk, user=youth, now=old)[0]
    alive = services.attendance_join(session_id=live_session.pk, user=youth2, now=now)[0]
    # Joining no longer reaps.
    assert AttendanceSpan.objects.get(pk=stale.pk).left_at is None
    services.attendance_touch(span_id=alive.pk, session_id=live_session.pk, now=now)
    assert AttendanceSpan.objects.get(pk=stale.pk).left_at == old
    assert _ids(online_now(live_session.pk)) == [youth2.pk]
    again = services.attendance_join(session_id=live_session.pk, user=youth, now=old)[0]
    services.attendance_touch(span_id=alive.pk, session_id=live_session.pk, now=now)
    assert AttendanceSpan.objects.get(pk=again.pk).left_at is None  # within 30 s of the last reap


async def test_a_socket_that_died_without_closing_leaves_the_room_on_the_next_reap(
    live_session, teacher, youth
):
    teacher_comm, _ = await join(live_session, teacher)
    await drain(teacher_comm)
    old = timezone.now() - 2 * STALE_AFTER
    await sync_to_async(services.attendance_join)(session_id=live_session.pk, user=youth, now=old)
    assert (await recv_type(teacher_comm, "presence"))["action"] == "join"
    await cache.adelete(f"live:reaped:{live_session.pk}")
    teacher_span = await sync_to_async(AttendanceSpan.objects.get)(user=teacher)
    await sync_to_async(services.attendance_touch)(span_id=teacher_span.pk, session_id=live_session.pk)
    leave = await recv_type(teacher_comm, "presence")
    assert leave == {
        "type": "presence",
        "action": "leave",
        "user": {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"},
    }
    assert _ids(await sync_to_async(online_now)(live_session.pk)) == [teacher.pk]
    await teacher_comm.disconnect()


def test_the_reap_puts_the_online_set_right_against_the_spans(live_session, youth, youth2):
    closed = services.attendance_join(session_id=live_session.pk, user=youth)[0]
    missed = services.attendance_join(session_id=live_session.pk, user=youth2)[0]
    # The cache did not hear of a close (a process died mid-way) nor of a join.
    AttendanceSpan.objects.filter(pk=closed.pk).update(left_at=timezone.now())
    online_remove(session_id=live_session.pk, span_ids=[missed.pk])
    assert _ids(online_now(live_session.pk)) == [youth.pk]
    cache.delete(f"live:reaped:{live_session.pk}")
    services.attendance_reap_due(session_id=live_session.pk)
    assert _ids(online_now(live_session.pk)) == [youth2.pk]


# --- presence, reactions and hands coalesced -----------------------------------------------------


async def test_presence_of_a_rush_is_one_immediate_and_one_trailing_frame(
    live_session, teacher, youth, youth2, make_participant, group, coalesced_presence
):
    third = (await sync_to_async(make_participant)(group, given_name="Ann", family_name="Lee")).user
    v2, _ = await join_v2(live_session, teacher)
    await asyncio.sleep(1.1)  # the room is quiet again
    await drain(v2)
    v1, _ = await join(live_session, youth)  # goes out at once
    first = await recv_type(v2, "presence", timeout=0.5)
    assert first == {
        "type": "presence",
        "action": "join",
        "user": {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"},
    }
    a, _ = await join(live_session, youth2)
    b, _ = await join(live_session, third)
    await a.disconnect()  # youth2 came and went within the interval
    await v1.disconnect()
    frames = _presence(await drain(v2, quiet=1.5))
    # One trailing frame: each user once, with their last change, in the order of those changes.
    assert frames == [
        {
            "type": "presence",
            "action": "batch",
            "join": [{"id": third.pk, "name": "Ann L.", "role": "youth"}],
            "leave": [
                {"id": youth2.pk, "name": "มาลี แ.", "role": "youth"},
                {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"},
            ],
        }
    ]
    await b.disconnect()
    await v2.disconnect()


async def test_a_version_1_socket_gets_the_batch_as_single_frames_in_order(
    live_session, teacher, youth, youth2, coalesced_presence
):
    v1, _ = await join(live_session, teacher)
    await asyncio.sleep(1.1)
    await drain(v1)
    a, _ = await join(live_session, youth)  # at once
    b, _ = await join(live_session, youth2)  # trailing
    await a.disconnect()  # trailing
    frames = _presence(await drain(v1, quiet=1.5))
    assert [(f["action"], f["user"]["id"]) for f in frames] == [
        ("join", youth.pk),
        ("join", youth2.pk),
        ("leave", youth.pk),
    ]
    assert all(set(f) == {"type", "action", "user"} for f in frames)
    await b.disconnect()
    await v1.disconnect()


async def _post(session, user, text: str, client_id: str):
    member = await sync_to_async(member_for)(user, session)
    message, _ = await sync_to_async(services.chat_message_post)(
        session_id=session.pk, member=member, text=text, client_id=client_id
    )
    return message


async def test_reactions_of_a_crowded_room_come_once_a_second_per_room(
    live_session, teacher, youth, youth2, coalesced_presence
):
    m1 = await _post(live_session, teacher, "一", "m1")
    m2 = await _post(live_session, teacher, "二", "m2")
    v2, _ = await join_v2(live_session, teacher)
    v1, _ = await join(live_session, youth2)
    await asyncio.sleep(1.1)
    await drain(v2)
    await drain(v1)
    for user, seq, emoji in [
        (youth, m1.seq, "👍"),
        (youth2, m1.seq, "👍"),
        (youth, m2.seq, "🎉"),
        (youth2, m1.seq, "🎉"),
    ]:
        member = await sync_to_async(member_for)(user, live_session)
        await sync_to_async(services.reaction_set)(
            session_id=live_session.pk, member=member, seq=seq, emoji=emoji
        )
    frames = [f for f in await drain(v2, quiet=1.5) if f["type"] in ("reaction", "reactions")]
    assert frames == [
        {"type": "reaction", "seq": m1.seq, "counts": {"👍": 1}},  # the first change: at once
        {
            "type": "reactions",
            "messages": [{"seq": m2.seq, "counts": {"🎉": 1}}, {"seq": m1.seq, "counts": {"👍": 2, "🎉": 1}}],
        },
    ]
    old = [f for f in await drain(v1, quiet=0.5) if f["type"] in ("reaction", "reactions")]
    assert old == [
        {"type": "reaction", "seq": m1.seq, "counts": {"👍": 1}},
        {"type": "reaction", "seq": m2.seq, "counts": {"🎉": 1}},
        {"type": "reaction", "seq": m1.seq, "counts": {"👍": 2, "🎉": 1}},
    ]
    await v2.disconnect()
    await v1.disconnect()


async def test_hands_are_a_count_for_the_room_and_a_list_for_the_teacher(
    live_session, teacher, youth, youth2, coordinator, coalesced_presence
):
    teacher_v2, _ = await join_v2(live_session, teacher)
    youth_v2, _ = await join_v2(live_session, youth)
    observer_v2, _ = await join_v2(live_session, coordinator)
    youth2_v1, _ = await join(live_session, youth2)
    await asyncio.sleep(1.1)
    for comm in (teacher_v2, youth_v2, observer_v2, youth2_v1):
        await drain(comm)
    await send(youth_v2, {"type": "hand", "raised": True})
    await send(youth2_v1, {"type": "hand", "raised": True})
    me = {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"}
    other = {"id": youth2.pk, "name": "มาลี แ.", "role": "youth"}
    await asyncio.sleep(0.3)
    await send(teacher_v2, {"type": "hand", "raised": False, "user_id": youth.pk})
    teacher_frames = [f for f in await drain(teacher_v2, quiet=1.5) if f["type"] in ("hand", "hands")]
    assert teacher_frames == [
        {"type": "hands", "count": 1, "raised": [me], "lowered": []},
        {"type": "hands", "count": 1, "raised": [other], "lowered": [me]},
    ]
    youth_frames = [f for f in await drain(youth_v2, quiet=0.5) if f["type"] in ("hand", "hands")]
    # A count for everybody; your own hand as version 1's frame (to you only).
    assert youth_frames == [
        {"type": "hands", "count": 1},
        {"type": "hand", "user": me, "raised": True},
        {"type": "hands", "count": 1},
        {"type": "hand", "user": me, "raised": False},
    ]
    observer_frames = [f for f in await drain(observer_v2, quiet=0.5) if f["type"] in ("hand", "hands")]
    assert observer_frames == [{"type": "hands", "count": 1}, {"type": "hands", "count": 1}]
    v1_frames = [f for f in await drain(youth2_v1, quiet=0.5) if f["type"] in ("hand", "hands")]
    assert v1_frames == [
        {"type": "hand", "user": me, "raised": True},
        {"type": "hand", "user": other, "raised": True},
        {"type": "hand", "user": me, "raised": False},
    ]
    for comm in (teacher_v2, youth_v2, observer_v2, youth2_v1):
        await comm.disconnect()


# --- the seq fence ------------------------------------------------------------------------------


async def test_a_message_in_the_welcome_is_not_sent_again_live(live_session, teacher, youth, monkeypatch):
    real = consumers.enter_room

    def posting_first(user, session_id, channel_name):
        # Committed after this socket joined the room's group, before its welcome was read: the
        # welcome has it, and its live event is on its way too.
        member = member_for(teacher, live_session)
        services.chat_message_post(session_id=live_session.pk, member=member, text="早", client_id="early")
        return real(user, session_id, channel_name)

    monkeypatch.setattr(consumers, "enter_room", posting_first)
    comm, welcome = await join(live_session, youth)
    assert [m["seq"] for m in welcome["history"]] == [1] and welcome["last_seq"] == 1
    assert [f for f in await drain(comm, quiet=0.5) if f["type"] == "message"] == []
    monkeypatch.setattr(consumers, "enter_room", real)
    await _post(live_session, teacher, "晚", "late")
    assert (await recv_type(comm, "message"))["seq"] == 2
    await comm.disconnect()


async def test_a_message_in_a_history_is_not_sent_again_live(live_session, teacher, youth, monkeypatch):
    comm, _ = await join(live_session, youth)
    real = selectors.history_after

    def posting_first(session_id, after):
        member = member_for(teacher, live_session)
        services.chat_message_post(session_id=session_id, member=member, text="中", client_id="during")
        return real(session_id, after)

    monkeypatch.setattr(selectors, "history_after", posting_first)
    await send(comm, {"type": "resume", "after": 0})
    frames = await drain(comm, quiet=0.5)
    assert [f["type"] for f in frames if f["type"] in ("history", "message")] == ["history"]
    history = next(f for f in frames if f["type"] == "history")
    assert [m["seq"] for m in history["messages"]] == [1] and history["last_seq"] == 1
    await comm.disconnect()


# --- shedding -----------------------------------------------------------------------------------


async def _busy(session, user):
    comm, connected, detail = await open_socket(path_for(session), user)
    assert connected, detail
    try:
        frame = await recv(comm)
        closed = await comm.receive_output(timeout=3)
        return frame, closed
    finally:
        await comm.disconnect()


async def test_a_full_room_sends_busy_with_retry_after_and_4503_but_lets_the_teacher_in(
    live_session, teacher, youth, youth2, settings
):
    settings.QIAOCAMP_LIVE_ROOM_CAPACITY = 1
    comm, _ = await join(live_session, youth)
    frame, closed = await _busy(live_session, youth2)
    assert frame == {"type": "busy", "retry_after": 30, "reason": "room_full"}
    assert closed == {"type": "websocket.close", "code": 4503}
    assert not await sync_to_async(AttendanceSpan.objects.filter(user=youth2).exists)()
    teacher_comm, _ = await join(live_session, teacher)  # moderators always get in
    await teacher_comm.disconnect()
    await comm.disconnect()
    # Room again once someone left.
    again, _ = await join(live_session, youth2)
    await again.disconnect()


def test_a_room_full_of_a_stopped_servers_sockets_is_reaped_before_a_newcomer_is_refused(
    live_session, youth, youth2, make_participant, settings
):
    settings.QIAOCAMP_LIVE_ROOM_CAPACITY = 2
    long_ago = timezone.now() - STALE_AFTER - timezone.timedelta(seconds=5)
    for user in (youth, youth2):  # a server process stopped with these two in: their spans stay open
        services.attendance_join(session_id=live_session.pk, user=user, channel_name="gone", now=long_ago,
                                 shape={"id": user.pk, "name": "x", "role": "youth"})
    assert online_connections(live_session.pk) == 2
    newcomer = make_participant(live_session.group).user
    entry = consumers.enter_room(newcomer, live_session.pk, "newcomer")
    assert entry.refusal is None
    assert not AttendanceSpan.objects.filter(session=live_session, left_at__isnull=True,
                                             user__in=[youth, youth2]).exists()
    assert online_connections(live_session.pk) == 1
    # Really full (sockets seen just now): refused, and the reap waits REAP_EVERY before it runs again.
    services.attendance_join(session_id=live_session.pk, user=youth, channel_name="here",
                             shape={"id": youth.pk, "name": "x", "role": "youth"})
    third = make_participant(live_session.group).user
    assert consumers.enter_room(third, live_session.pk, "third").refusal == consumers.CLOSE_BUSY


async def test_too_many_handshakes_in_flight_are_shed_before_any_work(
    live_session, youth, settings, monkeypatch
):
    # Nothing finished yet in this process: the pace is the configured 2 handshakes per 2 s.
    settings.QIAOCAMP_LIVE_HANDSHAKES_IN_FLIGHT = 2
    admission = Admission()
    monkeypatch.setattr(consumers, "admission", admission)
    admission.in_flight = 2
    frame, closed = await _busy(live_session, youth)
    assert frame == {"type": "busy", "retry_after": 2, "reason": "busy"}
    assert closed["code"] == 4503
    assert not await sync_to_async(AttendanceSpan.objects.exists)()
    admission.in_flight = 6  # three times the limit under way: come back later
    frame, _closed = await _busy(live_session, youth)
    assert frame["retry_after"] == 6
    admission.in_flight = 0
    comm, _ = await join(live_session, youth)
    await comm.disconnect()
    # The handshake was counted in and out, and its finish measured.
    assert admission.in_flight == 0 and len(admission.finished_at) == 1


async def test_a_busy_socket_reads_nothing_it_is_sent(live_session, youth, settings, monkeypatch):
    settings.QIAOCAMP_LIVE_HANDSHAKES_IN_FLIGHT = 1
    admission = Admission()
    admission.in_flight = 1
    monkeypatch.setattr(consumers, "admission", admission)
    comm, connected, _ = await open_socket(path_for(live_session), youth)
    assert connected
    await comm.send_to(text_data=json.dumps({"type": "chat", "text": "hi", "client_id": "x"}))
    assert (await recv(comm))["type"] == "busy"
    assert (await comm.receive_output(timeout=3))["code"] == 4503
    await comm.disconnect()
