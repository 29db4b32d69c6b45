"""Every client message type and every error code, over the real ASGI stack, asserting who
receives each event."""

import datetime
import json

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from live.models import ChatMessage, LiveSession, MessageReport, Mute, Poll, PollVote, Question, RaisedHand
from tests.live.conftest import drain, join, recv, recv_type, send

pytestmark = pytest.mark.django_db(transaction=True)

WELCOME_KEYS = {"type", "protocol", "session", "you", "room", "last_seq", "history", "online", "hands",
                "questions", "polls"}


@pytest.fixture
async def room(live_session, teacher, youth, youth2, coordinator):
    """Teacher, two youth and the coordinator in the room, with the join noise drained."""
    comms = {}
    for name, user in (("teacher", teacher), ("youth", youth), ("youth2", youth2), ("coordinator", coordinator)):
        comms[name], _welcome = await join(live_session, user)
    for comm in comms.values():
        await drain(comm)
    yield comms
    for comm in comms.values():
        await comm.disconnect()


async def test_welcome_has_the_documented_shape(live_session, youth, teacher):
    comm, welcome = await join(live_session, youth)
    try:
        assert set(welcome) == WELCOME_KEYS
        assert welcome["protocol"] == 1
        assert set(welcome["session"]) >= {"id", "title", "state", "starts_at", "ends_at"}
        assert welcome["session"]["state"] == "live"
        assert welcome["session"]["starts_at"].endswith("Z")
        assert welcome["you"] == {"id": youth.pk, "name": "สมชาย แ.", "role": "youth", "muted": False}
        assert welcome["room"] == {"locked": False, "slow_mode": 0, "links_allowed": False}
        assert welcome["online"] == [{"id": youth.pk, "name": "สมชาย แ.", "role": "youth"}]
    finally:
        await comm.disconnect()


async def test_welcome_history_is_the_last_50(live_session, youth, teacher):
    from live import services
    from live.access import member_for

    member = await sync_to_async(member_for)(teacher, live_session)
    start = live_session.started_at
    for n in range(60):
        await sync_to_async(services.chat_message_post)(session_id=live_session.pk, member=member, text=f"m{n}",
                                                        client_id=f"c{n}", now=start + datetime.timedelta(seconds=n))
    comm, welcome = await join(live_session, youth)
    try:
        assert welcome["last_seq"] == 60
        assert [m["seq"] for m in welcome["history"]] == list(range(11, 61))
        assert welcome["history"][-1]["text"] == "m59"
    finally:
        await comm.disconnect()


async def test_chat_is_stored_then_broadcast_to_everyone_and_acked_to_the_sender(room, live_session, youth):
    await send(room["youth"], {"type": "chat", "text": "你好 老师", "client_id": "a1"})
    frames = [await recv(room["youth"]), await recv(room["youth"])]
    ack = next(f for f in frames if f["type"] == "ack")
    assert ack == {"type": "ack", "client_id": "a1", "seq": 1}
    for name in ("teacher", "youth2", "coordinator"):
        message = await recv_type(room[name], "message")
        assert message["seq"] == 1 and message["text"] == "你好 老师" and message["client_id"] == "a1"
        assert message["author"] == {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"}
        assert message["sent_at"].endswith("Z")
    stored = await sync_to_async(ChatMessage.objects.get)(session=live_session, seq=1)
    assert stored.text == "你好 老师"
    assert (await sync_to_async(LiveSession.objects.get)(pk=live_session.pk)).last_seq == 1


async def test_seq_runs_1_2_3_across_senders(room):
    for n, name in enumerate(["youth", "teacher", "youth2"], start=1):
        await send(room[name], {"type": "chat", "text": f"hi {n}", "client_id": f"c{n}"})
        ack = await recv_type(room[name], "ack")
        assert ack["seq"] == n
    seqs = [f["seq"] for f in await drain(room["coordinator"]) if f["type"] == "message"]
    assert seqs == [1, 2, 3]


async def test_retry_with_the_same_client_id_acks_again_and_broadcasts_nothing(room, live_session):
    await send(room["youth"], {"type": "chat", "text": "once", "client_id": "same"})
    first = await recv_type(room["youth"], "ack")
    await drain(room["youth"])
    await drain(room["teacher"])
    await send(room["youth"], {"type": "chat", "text": "once", "client_id": "same"})
    again = await recv(room["youth"])
    assert again == first
    # The next broadcast the teacher sees is a new message, not the retry.
    await send(room["youth2"], {"type": "chat", "text": "next", "client_id": "n"})
    message = await recv_type(room["teacher"], "message")
    assert message["text"] == "next" and message["seq"] == 2
    assert await sync_to_async(ChatMessage.objects.filter(session=live_session).count)() == 2


@pytest.mark.parametrize("raw", [
    "not json", "[1, 2]", "{}", '{"type": 5}', '{"type": "chat", "text": "x"}',
    '{"type": "chat", "text": "x", "client_id": ""}', '{"type": "chat", "text": "x", "client_id": "' + "c" * 65 + '"}',
    '{"type": "chat", "text": "   ", "client_id": "c"}', '{"type": "chat", "text": 12, "client_id": "c"}',
    '{"type": "resume", "after": -1}', '{"type": "resume", "after": "3"}', '{"type": "hand", "raised": "yes"}',
    '{"type": "react", "seq": 1, "emoji": "💩"}', '{"type": "vote", "poll_id": "x", "option": 0}',
])
async def test_malformed_frames_get_bad_request_and_change_nothing(room, live_session, raw):
    await room["youth"].send_to(text_data=raw)
    error = await recv_type(room["youth"], "error")
    assert error["code"] == "bad_request"
    assert await sync_to_async(ChatMessage.objects.count)() == 0
    # The socket is still open.
    await send(room["youth"], {"type": "ping"})
    assert (await recv_type(room["youth"], "pong"))["last_seq"] == 0


async def test_binary_frame_is_bad_request(room):
    await room["youth"].send_to(bytes_data=b"\x00\x01")
    assert (await recv(room["youth"]))["code"] == "bad_request"


async def test_unknown_type(room):
    await send(room["youth"], {"type": "dm", "to": 3, "text": "psst"})
    error = await recv(room["youth"])
    assert error["type"] == "error" and error["code"] == "unknown_type"


async def test_too_long_echoes_client_id_and_stores_nothing(room):
    await send(room["youth"], {"type": "chat", "text": "字" * 501, "client_id": "long"})
    error = await recv(room["youth"])
    assert error == {"type": "error", "code": "too_long", "detail": error["detail"], "client_id": "long"}
    assert await sync_to_async(ChatMessage.objects.count)() == 0
    await send(room["youth"], {"type": "chat", "text": "字" * 500, "client_id": "ok"})
    assert (await recv_type(room["youth"], "ack"))["seq"] == 1


async def test_frame_over_64_kib_closes_the_socket(room):
    await room["youth2"].send_to(text_data=json.dumps({"type": "chat", "text": "x" * 70_000, "client_id": "big"}))
    output = await room["youth2"].receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4413}  # 1009 is not sendable under daphne


@override_settings(LIVE_RATE_BURST=5, LIVE_RATE_PER_SECOND=0.0001)
async def test_token_bucket_allows_a_burst_of_5_then_rate_limited(room):
    for n in range(5):
        await send(room["youth"], {"type": "chat", "text": f"m{n}", "client_id": f"b{n}"})
        assert (await recv_type(room["youth"], "ack"))["seq"] == n + 1
    await send(room["youth"], {"type": "chat", "text": "m5", "client_id": "b5"})
    error = await recv_type(room["youth"], "error")
    assert error["code"] == "rate_limited" and error["client_id"] == "b5" and error["retry_after"] >= 1
    # The bucket is per user: another youth still posts.
    await send(room["youth2"], {"type": "chat", "text": "mine", "client_id": "x"})
    assert (await recv_type(room["youth2"], "ack"))["seq"] == 6


async def test_slow_mode_rate_limits_youth_not_the_teacher(room):
    await send(room["teacher"], {"type": "moderate", "action": "slow_mode", "seconds": 60})
    for name in ("teacher", "youth", "youth2", "coordinator"):
        event = await recv_type(room[name], "room")
        assert event["slow_mode"] == 60 and event["locked"] is False and event["state"] == "live"
    await send(room["youth"], {"type": "chat", "text": "one", "client_id": "s1"})
    await recv_type(room["youth"], "ack")
    await send(room["youth"], {"type": "chat", "text": "two", "client_id": "s2"})
    error = await recv_type(room["youth"], "error")
    assert error["code"] == "rate_limited" and 1 <= error["retry_after"] <= 60
    await send(room["teacher"], {"type": "chat", "text": "t1", "client_id": "t1"})
    await recv_type(room["teacher"], "ack")
    await send(room["teacher"], {"type": "chat", "text": "t2", "client_id": "t2"})
    assert (await recv_type(room["teacher"], "ack"))["seq"] == 3


async def test_mute_is_seen_by_all_and_enforced(room, youth):
    await send(room["teacher"], {"type": "moderate", "action": "mute", "user_id": youth.pk})
    for name in ("teacher", "youth", "youth2", "coordinator"):
        event = await recv_type(room[name], "muted")
        assert event == {"type": "muted", "user": {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"}, "muted": True}
    await send(room["youth"], {"type": "chat", "text": "hello?", "client_id": "m1"})
    assert (await recv_type(room["youth"], "error"))["code"] == "muted"
    await send(room["youth"], {"type": "ask", "text": "may I?", "client_id": "q1"})
    assert (await recv_type(room["youth"], "error"))["code"] == "muted"
    await send(room["teacher"], {"type": "moderate", "action": "unmute", "user_id": youth.pk})
    assert (await recv_type(room["youth"], "muted"))["muted"] is False
    await send(room["youth"], {"type": "chat", "text": "thanks", "client_id": "m2"})
    assert (await recv_type(room["youth"], "ack"))["seq"] == 1
    assert not await sync_to_async(Mute.objects.exists)()


async def test_lock_stops_youth_not_the_teacher(room):
    await send(room["teacher"], {"type": "moderate", "action": "lock"})
    for name in ("youth", "youth2", "coordinator", "teacher"):
        assert (await recv_type(room[name], "room"))["locked"] is True
    await send(room["youth"], {"type": "chat", "text": "hi", "client_id": "l1"})
    error = await recv_type(room["youth"], "error")
    assert error["code"] == "locked" and error["client_id"] == "l1"
    await send(room["teacher"], {"type": "chat", "text": "quiet please", "client_id": "l2"})
    assert (await recv_type(room["youth"], "message"))["text"] == "quiet please"
    await send(room["teacher"], {"type": "moderate", "action": "unlock"})
    assert (await recv_type(room["youth"], "room"))["locked"] is False


@pytest.mark.parametrize("name,frame", [
    ("coordinator", {"type": "chat", "text": "hello kids", "client_id": "c"}),
    ("coordinator", {"type": "hand", "raised": True}),
    ("coordinator", {"type": "ask", "text": "q", "client_id": "c"}),
    ("youth", {"type": "moderate", "action": "lock"}),
    ("youth", {"type": "moderate", "action": "delete", "seq": 1}),
    ("youth", {"type": "moderate", "action": "mute", "user_id": 1}),
    ("youth", {"type": "poll_open", "question": "q", "options": ["a", "b"]}),
    ("youth", {"type": "answer", "question_id": 1}),
    ("youth", {"type": "poll_close", "poll_id": 1}),
    ("teacher", {"type": "hand", "raised": True}),
])
async def test_forbidden_actions(room, live_session, name, frame):
    await send(room[name], frame)
    error = await recv_type(room[name], "error")
    assert error["code"] == "forbidden"
    assert await sync_to_async(ChatMessage.objects.count)() == 0
    assert not (await sync_to_async(LiveSession.objects.get)(pk=live_session.pk)).chat_locked


async def test_youth_cannot_mute_the_teacher_and_teacher_cannot_mute_a_teacher(room, teacher):
    await send(room["teacher"], {"type": "moderate", "action": "mute", "user_id": teacher.pk})
    assert (await recv_type(room["teacher"], "error"))["code"] == "forbidden"


@pytest.mark.parametrize("text", ["你是傻逼", "F.U.C.K you", "ＦＵＣＫ", "ไอ้สัตว์", "加我微信 abc123"])
async def test_blocklist_blocks_and_stores_nothing(room, text):
    await send(room["youth"], {"type": "chat", "text": text, "client_id": "bad"})
    error = await recv_type(room["youth"], "error")
    assert error["code"] == "blocked_content" and error["client_id"] == "bad"
    assert await sync_to_async(ChatMessage.objects.count)() == 0


async def test_links_from_youth_are_blocked_until_allowed(room):
    await send(room["youth"], {"type": "chat", "text": "see https://example.com", "client_id": "k1"})
    assert (await recv_type(room["youth"], "error"))["code"] == "blocked_content"
    await send(room["youth"], {"type": "chat", "text": "go to evil.xyz now", "client_id": "k2"})
    assert (await recv_type(room["youth"], "error"))["code"] == "blocked_content"
    await send(room["teacher"], {"type": "chat", "text": "slides: https://example.com/s", "client_id": "k3"})
    assert (await recv_type(room["teacher"], "ack"))["seq"] == 1
    await send(room["teacher"], {"type": "moderate", "action": "links", "allowed": True})
    assert (await recv_type(room["youth"], "room"))["links_allowed"] is True
    await send(room["youth"], {"type": "chat", "text": "see https://example.com", "client_id": "k4"})
    assert (await recv_type(room["youth"], "ack"))["seq"] == 2


@pytest.mark.parametrize("state", ["scheduled", "open", "ended"])
async def test_not_live(make_session, youth, state):
    session = await sync_to_async(make_session)(state=state)
    comm, _welcome = await join(session, youth)
    try:
        for frame in ({"type": "chat", "text": "hi", "client_id": "n"}, {"type": "hand", "raised": True},
                      {"type": "ask", "text": "q?", "client_id": "q"}):
            await send(comm, frame)
            assert (await recv_type(comm, "error"))["code"] == "not_live"
    finally:
        await comm.disconnect()


async def test_teacher_may_chat_in_an_open_room_and_start_it(make_session, teacher, youth):
    session = await sync_to_async(make_session)(state="open")
    teacher_comm, _ = await join(session, teacher)
    youth_comm, _ = await join(session, youth)
    try:
        await drain(teacher_comm)
        await send(teacher_comm, {"type": "chat", "text": "we start in 5 minutes", "client_id": "o1"})
        assert (await recv_type(youth_comm, "message"))["text"] == "we start in 5 minutes"
        await send(teacher_comm, {"type": "moderate", "action": "start"})
        assert (await recv_type(youth_comm, "room"))["state"] == "live"
        await send(youth_comm, {"type": "chat", "text": "hi", "client_id": "y"})
        assert (await recv_type(youth_comm, "ack"))["seq"] == 2
        await send(teacher_comm, {"type": "moderate", "action": "end"})
        assert (await recv_type(youth_comm, "room"))["state"] == "ended"
        stored = await sync_to_async(LiveSession.objects.get)(pk=session.pk)
        assert stored.state == "ended" and stored.started_at and stored.ended_at
    finally:
        await teacher_comm.disconnect()
        await youth_comm.disconnect()


async def test_delete_reaches_everyone_and_history_keeps_a_tombstone(room, live_session):
    await send(room["youth"], {"type": "chat", "text": "oops", "client_id": "d1"})
    await recv_type(room["youth"], "ack")
    await send(room["teacher"], {"type": "moderate", "action": "delete", "seq": 1})
    for name in ("teacher", "youth", "youth2", "coordinator"):
        assert await recv_type(room[name], "deleted") == {"type": "deleted", "seq": 1}
    await send(room["youth2"], {"type": "resume", "after": 0})
    history = await recv_type(room["youth2"], "history")
    assert history == {"type": "history", "messages": [{"type": "message", "seq": 1, "deleted": True}], "last_seq": 1}
    stored = await sync_to_async(ChatMessage.objects.get)(seq=1)
    assert stored.deleted_at is not None and stored.text == "oops"


async def test_delete_unknown_seq_is_bad_request(room):
    await send(room["teacher"], {"type": "moderate", "action": "delete", "seq": 99})
    assert (await recv_type(room["teacher"], "error"))["code"] == "bad_request"


async def test_remove_closes_the_youth_everywhere_and_keeps_them_out(room, live_session, youth):
    await send(room["teacher"], {"type": "moderate", "action": "remove", "user_id": youth.pk})
    assert await recv_type(room["youth"], "removed") == {"type": "removed", "reason": "moderator"}
    output = await room["youth"].receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4403}
    leave = await recv_type(room["teacher"], "presence")
    assert leave["action"] == "leave" and leave["user"]["id"] == youth.pk
    from tests.live.conftest import path_for, refused_with

    assert await refused_with(path_for(live_session), youth) == 4403


async def test_hands_raise_and_the_teacher_lowers(room, youth, youth2):
    await send(room["youth"], {"type": "hand", "raised": True})
    for name in ("teacher", "youth2", "coordinator", "youth"):
        event = await recv_type(room[name], "hand")
        assert event == {"type": "hand", "user": {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"}, "raised": True}
    await send(room["youth2"], {"type": "hand", "raised": False, "user_id": youth.pk})
    assert (await recv_type(room["youth2"], "error"))["code"] == "forbidden"
    await send(room["teacher"], {"type": "hand", "raised": False, "user_id": youth.pk})
    assert (await recv_type(room["youth"], "hand"))["raised"] is False
    assert not await sync_to_async(RaisedHand.objects.exists)()


async def test_reactions_broadcast_counts(room):
    await send(room["teacher"], {"type": "chat", "text": "看我写的字", "client_id": "r"})
    await recv_type(room["teacher"], "ack")
    await send(room["youth"], {"type": "react", "seq": 1, "emoji": "👍"})
    await send(room["youth2"], {"type": "react", "seq": 1, "emoji": "👍"})
    await recv_type(room["teacher"], "reaction")
    event = await recv_type(room["teacher"], "reaction")
    assert event == {"type": "reaction", "seq": 1, "counts": {"👍": 2}}
    await send(room["youth2"], {"type": "react", "seq": 1, "emoji": "👍", "remove": True})
    assert [(await recv_type(room["coordinator"], "reaction"))["counts"] for _ in range(3)] == [
        {"👍": 1}, {"👍": 2}, {"👍": 1}]
    await send(room["youth"], {"type": "resume", "after": 0})
    history = await recv_type(room["youth"], "history")
    assert history["messages"][0]["reactions"] == {"👍": 1}


async def test_report_reaches_moderators_only(room, youth, youth2):
    await send(room["youth2"], {"type": "chat", "text": "you are ugly", "client_id": "u"})
    await recv_type(room["youth2"], "ack")
    await send(room["youth"], {"type": "report", "seq": 1, "reason": "mean"})
    assert await recv_type(room["youth"], "reported") == {"type": "reported", "seq": 1}
    report = (await recv_type(room["teacher"], "report"))["report"]
    assert report["seq"] == 1 and report["text"] == "you are ugly" and report["reason"] == "mean"
    assert report["reporter"]["id"] == youth.pk and report["author"]["id"] == youth2.pk
    # Then a chat line: the others' next frames after the message are never a report.
    await send(room["teacher"], {"type": "chat", "text": "let us be kind", "client_id": "k"})
    for name in ("youth2", "coordinator"):
        frames = await drain(room[name])
        assert "report" not in [f["type"] for f in frames]
        assert "let us be kind" in [f.get("text") for f in frames]
    assert await sync_to_async(MessageReport.objects.count)() == 1


async def test_teacher_gets_open_reports_in_the_welcome(room, live_session, teacher, youth2):
    await send(room["youth2"], {"type": "chat", "text": "bad words", "client_id": "u"})
    await recv_type(room["youth2"], "ack")
    await send(room["youth"], {"type": "report", "seq": 1})
    await recv_type(room["youth"], "reported")
    comm, welcome = await join(live_session, teacher)
    try:
        assert [r["seq"] for r in welcome["reports"]] == [1]
    finally:
        await comm.disconnect()
    youth_comm, youth_welcome = await join(live_session, youth2)
    try:
        assert "reports" not in youth_welcome
    finally:
        await youth_comm.disconnect()


async def test_questions_ask_upvote_answer(room, youth):
    await send(room["youth"], {"type": "ask", "text": "怎么握笔？", "client_id": "q1"})
    ack = await recv_type(room["youth"], "ack")
    question_id = ack["question_id"]
    assert ack["client_id"] == "q1"
    event = await recv_type(room["teacher"], "question")
    assert event["question"]["id"] == question_id and event["question"]["upvotes"] == 0
    assert event["question"]["text"] == "怎么握笔？" and event["question"]["answered"] is False
    await send(room["youth"], {"type": "ask", "text": "怎么握笔？", "client_id": "q1"})
    assert (await recv_type(room["youth"], "ack"))["question_id"] == question_id
    assert (await recv_type(room["coordinator"], "question"))["question"]["upvotes"] == 0
    await send(room["youth2"], {"type": "upvote", "question_id": question_id})
    assert (await recv_type(room["coordinator"], "question"))["question"]["upvotes"] == 1
    await send(room["youth2"], {"type": "upvote", "question_id": question_id})  # once per person
    await send(room["teacher"], {"type": "answer", "question_id": question_id})
    answered = await recv_type(room["coordinator"], "question")
    assert answered["question"]["answered"] is True and answered["question"]["upvotes"] == 1
    assert await sync_to_async(Question.objects.count)() == 1


async def test_polls_open_vote_once_close(room):
    await send(room["teacher"], {"type": "poll_open", "question": "最喜欢哪个字？", "options": ["福", "龙", "茶"]})
    poll = (await recv_type(room["youth"], "poll"))["poll"]
    assert poll["options"] == ["福", "龙", "茶"] and poll["counts"] == [0, 0, 0] and poll["closed"] is False
    assert (await recv_type(room["youth2"], "poll"))["poll"]["counts"] == [0, 0, 0]
    await send(room["youth"], {"type": "vote", "poll_id": poll["id"], "option": 2})
    assert (await recv_type(room["youth2"], "poll"))["poll"]["counts"] == [0, 0, 1]
    await send(room["youth"], {"type": "vote", "poll_id": poll["id"], "option": 0})
    assert (await recv_type(room["youth"], "error"))["code"] == "bad_request"
    await send(room["youth2"], {"type": "vote", "poll_id": poll["id"], "option": 3})
    assert (await recv_type(room["youth2"], "error"))["code"] == "bad_request"
    await send(room["teacher"], {"type": "poll_close", "poll_id": poll["id"]})
    closed = (await recv_type(room["youth2"], "poll"))["poll"]
    assert closed["closed"] is True and closed["counts"] == [0, 0, 1]
    await send(room["youth2"], {"type": "vote", "poll_id": poll["id"], "option": 1})
    assert (await recv_type(room["youth2"], "error"))["code"] == "bad_request"
    assert await sync_to_async(PollVote.objects.count)() == 1
    assert await sync_to_async(Poll.objects.filter(closed_at__isnull=False).count)() == 1


@pytest.mark.parametrize("options", [["only one"], "ab", ["a", ""], ["a"] * 7])
async def test_malformed_poll_is_bad_request(room, options):
    await send(room["teacher"], {"type": "poll_open", "question": "q", "options": options})
    assert (await recv_type(room["teacher"], "error"))["code"] == "bad_request"
    assert not await sync_to_async(Poll.objects.exists)()


async def test_ping_pong_reports_last_seq(room):
    await send(room["youth"], {"type": "chat", "text": "hi", "client_id": "p"})
    await recv_type(room["youth"], "ack")
    await send(room["youth"], {"type": "ping"})
    assert await recv_type(room["youth"], "pong") == {"type": "pong", "last_seq": 1}


async def test_presence_join_and_leave_with_two_tabs(live_session, teacher, youth):
    teacher_comm, _ = await join(live_session, teacher)
    await drain(teacher_comm)
    tab1, _ = await join(live_session, youth)
    joined = await recv_type(teacher_comm, "presence")
    assert joined == {"type": "presence", "action": "join", "user": {"id": youth.pk, "name": "สมชาย แ.", "role": "youth"}}
    tab2, welcome = await join(live_session, youth)
    assert sorted(u["id"] for u in welcome["online"]) == sorted([teacher.pk, youth.pk])
    await tab1.disconnect()
    await tab2.disconnect()
    frames = [f for f in await drain(teacher_comm) if f["type"] == "presence"]
    # A second tab is not a second join, and only the last tab closing is a leave.
    assert [f["action"] for f in frames] == ["leave"]
    await teacher_comm.disconnect()
