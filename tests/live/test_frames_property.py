"""Property (issue #12): whatever a client sends -- random JSON of every type, huge integers, deep
nesting, any Unicode including lone surrogates, unknown types, missing or mistyped fields, binary
and oversized frames -- the room answers with what the protocol documents: an `ack` or other reply,
a documented `error` code, nothing (a no-op), or a documented close code. Never an exception (the
1011 close), and a refused frame changes nothing in the database.

Each example is a handful of frames on one connection of a youth or the teacher; after each frame
a sentinel (an unknown type with a unique name) marks where that frame's answers end."""

import json
from collections import Counter

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live.models import (
    ChatMessage,
    LiveSession,
    MessageReport,
    Mute,
    Poll,
    PollVote,
    Question,
    QuestionUpvote,
    RaisedHand,
    Reaction,
    Removal,
)
from live.services.errors import ERROR_CODES
from tests.live.conftest import join

pytestmark = pytest.mark.django_db(transaction=True)

DOCUMENTED_CLOSES = {4413}  # §5 (4401/4403/4404 come on connecting; 4429 is off here: see override)
TYPES = ["ping", "resume", "chat", "hand", "react", "report", "ask", "upvote", "answer", "poll_open", "vote",
         "poll_close", "moderate"]
FIELDS = ["text", "client_id", "raised", "user_id", "seq", "emoji", "remove", "reason", "question_id",
          "question", "options", "poll_id", "option", "action", "seconds", "allowed", "after"]
ACTIONS = ["delete", "mute", "unmute", "lock", "unlock", "slow_mode", "links", "remove", "readmit", "start",
           "end", "explode"]

# Any code point, lone surrogates included (hypothesis leaves them out unless asked).
CHARS = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from("\x00\x1b\x7f\x85\n\t\r"))
TEXT = st.text(CHARS, max_size=30)
BIG = st.sampled_from([2 ** 31, 2 ** 53, 2 ** 63 - 1, 2 ** 63, 2 ** 64, -(2 ** 63) - 1, 10 ** 100])
INTS = st.one_of(st.integers(-3, 8), BIG, st.integers())
SCALARS = st.one_of(st.none(), st.booleans(), INTS, st.floats(allow_nan=True, allow_infinity=True), TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
PLAUSIBLE = st.one_of(st.sampled_from(["hello", "c-1", "c-2", "👍", "❤️", "fuck", "www.evil.com", ""]),
                      st.sampled_from(ACTIONS), st.integers(0, 6), st.booleans(),
                      st.lists(st.sampled_from(["a", "b", "c"]), min_size=0, max_size=7))
VALUE = st.one_of(PLAUSIBLE, JSON)


def _nested(depth: int) -> str:
    return '{"type":"chat","text":' + "[" * depth + "]" * depth + ',"client_id":"n1"}'


FRAME_DICT = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(TYPES), st.sampled_from(TYPES), st.sampled_from(TYPES), TEXT, JSON)},
    optional={field: VALUE for field in FIELDS},
)
# Mostly plausible frames (a known type, fields that are often right), which get past the first
# checks and reach the services; then everything else, less often.
CLOSE_TO_VALID = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES)},
    optional={field: st.one_of(PLAUSIBLE, PLAUSIBLE, PLAUSIBLE, JSON) for field in FIELDS},
)
SMALL = st.integers(0, 4)
CID = st.sampled_from(["c-1", "c-2", "c-3"])
VALID = st.one_of(
    st.builds(lambda text, cid: {"type": "chat", "text": text, "client_id": cid}, TEXT, CID),
    st.builds(lambda text, cid: {"type": "ask", "text": text, "client_id": cid}, TEXT, CID),
    st.builds(lambda raised, uid: {"type": "hand", "raised": raised, "user_id": uid}, st.booleans(),
              st.one_of(st.none(), SMALL, BIG)),
    st.builds(lambda seq, emoji, remove: {"type": "react", "seq": seq, "emoji": emoji, "remove": remove}, SMALL,
              st.sampled_from(["👍", "❤️", "💩"]), st.booleans()),
    st.builds(lambda seq, reason: {"type": "report", "seq": seq, "reason": reason}, SMALL, TEXT),
    st.builds(lambda qid: {"type": "upvote", "question_id": qid}, SMALL),
    st.builds(lambda qid: {"type": "answer", "question_id": qid}, SMALL),
    st.builds(lambda pid, option: {"type": "vote", "poll_id": pid, "option": option}, SMALL, SMALL),
    st.builds(lambda q, options: {"type": "poll_open", "question": q, "options": options}, TEXT,
              st.lists(TEXT, max_size=7)),
    st.builds(lambda action, uid, seq, seconds: {"type": "moderate", "action": action, "user_id": uid, "seq": seq,
                                                 "seconds": seconds, "allowed": True},
              st.sampled_from(ACTIONS), st.one_of(SMALL, BIG), SMALL, st.integers(-1, 700)),
    st.builds(lambda after: {"type": "resume", "after": after}, st.one_of(SMALL, BIG)),
    st.just({"type": "ping"}),
)
RAW = st.one_of(
    VALID.map(lambda frame: ("text", json.dumps(frame))),
    VALID.map(lambda frame: ("text", json.dumps(frame))),
    VALID.map(lambda frame: ("text", json.dumps(frame))),
    CLOSE_TO_VALID.map(lambda frame: ("text", json.dumps(frame))),
    CLOSE_TO_VALID.map(lambda frame: ("text", json.dumps(frame))),
    FRAME_DICT.map(lambda frame: ("text", json.dumps(frame))),
    JSON.map(lambda value: ("text", json.dumps(value))),                       # not an object
    st.text(max_size=20).map(lambda text: ("text", text)),                     # not JSON
    st.integers(10, 40_000).map(lambda depth: ("text", _nested(depth))),       # deep: RecursionError
    st.binary(max_size=20).map(lambda data: ("bytes", data)),                  # binary frame
    st.just(("text", json.dumps({"type": "chat", "text": "x" * 60_000, "client_id": "c-9"}))),  # just under
    st.just(("text", json.dumps({"type": "chat", "text": "x" * 70_000, "client_id": "big"}))),  # > 64 KiB
)

TALLY: Counter = Counter()


def snapshot(session_id: int) -> tuple:
    models = (ChatMessage, Question, MessageReport, RaisedHand, QuestionUpvote, PollVote, Poll, Reaction, Mute,
              Removal)
    room = LiveSession.objects.filter(pk=session_id).values_list(
        "state", "chat_locked", "slow_mode_seconds", "links_allowed", "last_seq").get()
    deleted = ChatMessage.objects.filter(deleted_at__isnull=False).count()
    answered = Question.objects.filter(answered_at__isnull=False).count()
    closed = Poll.objects.filter(closed_at__isnull=False).count()
    return (*(model.objects.count() for model in models), room, deleted, answered, closed)


def reset_room(session_id: int) -> None:
    LiveSession.objects.filter(pk=session_id).update(state=LiveSession.State.LIVE, chat_locked=False,
                                                     slow_mode_seconds=0, links_allowed=False)
    Mute.objects.all().delete()
    Removal.objects.all().delete()


async def answers_to(comm, marker: str) -> tuple[list[dict], int | None]:
    """The frames up to the sentinel's error, or the close code if the socket closed."""
    frames = []
    while True:
        output = await comm.receive_output(timeout=5)  # re-raises the consumer's exception: the 1011 case
        if output["type"] == "websocket.close":
            return frames, output.get("code")
        frame = json.loads(output["text"])
        if frame["type"] == "error" and marker in frame["detail"]:
            return frames, None
        frames.append(frame)


@pytest.fixture
def seeded_room(live_session, teacher, youth, youth2):
    """Something for ids to point at: a message of the teacher and of youth2, a question, a poll."""
    from live import services
    from live.access import member_for

    teacher_member, other = member_for(teacher, live_session), member_for(youth2, live_session)
    services.chat_message_post(session_id=live_session.pk, member=teacher_member, text="hello", client_id="t1")
    services.chat_message_post(session_id=live_session.pk, member=other, text="hi all", client_id="o1")
    services.question_ask(session_id=live_session.pk, member=other, text="why?", client_id="oq")
    services.poll_open(session_id=live_session.pk, member=teacher_member, question="Which?", options=["a", "b"])
    return live_session


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(who=st.sampled_from(["youth", "teacher"]), frames=st.lists(RAW, min_size=1, max_size=6))
def test_any_frame_gets_a_documented_answer_and_refusals_write_nothing(seeded_room, teacher, youth, who, frames):
    session = seeded_room
    user = {"youth": youth, "teacher": teacher}[who]
    reset_room(session.pk)

    async def scenario():
        comm, _welcome = await join(session, user)
        try:
            for n, (kind, data) in enumerate(frames):
                marker = f"zz-sentinel-{n}"
                before = await sync_to_async(snapshot)(session.pk)
                # send_input, not send_to: an empty frame is a frame too.
                await comm.send_input({"type": "websocket.receive", kind: data})
                TALLY["frames"] += 1
                await comm.send_to(text_data=json.dumps({"type": marker}))
                answers, closed = await answers_to(comm, f"'{marker}'")
                if closed is not None:
                    TALLY[f"close {closed}"] += 1
                    assert closed in DOCUMENTED_CLOSES, (closed, data[:200])
                    assert await sync_to_async(snapshot)(session.pk) == before
                    return
                errors = [a for a in answers if a["type"] == "error"]
                for error in errors:
                    assert error["code"] in ERROR_CODES, error
                    json.dumps(error, ensure_ascii=False).encode("utf-8")  # sendable as it came
                if errors:
                    TALLY["refused"] += 1
                    TALLY[f"error {errors[0]['code']}"] += 1
                    assert await sync_to_async(snapshot)(session.pk) == before, (data[:200], errors)
                else:
                    TALLY["answered or no-op"] += 1
        finally:
            await comm.disconnect()

    # The buckets have their own tests (test_abuse.py); here every frame is read.
    with override_settings(LIVE_FRAME_BURST=10 ** 6, LIVE_RATE_BURST=10 ** 6, LIVE_CONNECTS_PER_MINUTE=10 ** 6):
        async_to_sync(scenario)()


def test_zz_print_the_tally():
    """Run after the property (file order): the counts for the report and docs/live-protocol.md."""
    if TALLY:
        print("\nframes property:", dict(sorted(TALLY.items())))
