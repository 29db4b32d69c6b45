"""Two real daphne processes sharing Redis (RedisPubSubChannelLayer) and one database behave as one
room: messages cross processes, seq stays gap-free under concurrent posts on both (a client
following the protocol's §6 shows them once each, in order), presence and attendance are right. Runs on SQLite and on PostgreSQL, against REDIS_URL or the local default Redis:
marked `redis`, so without a Redis server it is skipped by hand and fails under CI=true."""

import asyncio
import datetime
import json
import random

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from live import services
from live.models import AttendanceSpan, ChatMessage
from tests.conftest import redis_url
from tests.live.servers import daphne, session_cookie_value

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class Peer:
    """One socket; frames skipped while waiting for another type are kept for later, in order."""

    def __init__(self, ws):
        self.ws = ws
        self.kept: list[dict] = []

    async def recv(self, kind: str | None = None, timeout: float = 15, **match) -> dict:
        """The next frame of that type (and with those `user` fields, for presence)."""
        def wanted(frame):
            return (kind is None or frame["type"] == kind) and all(
                frame.get("user", {}).get("id") == value if key == "user_id" else frame.get(key) == value
                for key, value in match.items())

        for index, frame in enumerate(self.kept):
            if wanted(frame):
                return self.kept.pop(index)
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if wanted(frame):
                return frame
            self.kept.append(frame)

    async def presence(self, action: str, user_id: int) -> dict:
        return await self.recv("presence", action=action, user_id=user_id)

    async def send(self, payload: dict) -> None:
        await self.ws.send(json.dumps(payload))


async def shown_in_order(peer: Peer, first: int, last: int, timeout: float = 15) -> tuple[list[int], list[int]]:
    """What a client following docs/live-protocol.md §6 shows of seqs `first`..`last`, in order,
    and the seqs that came live. Two processes publish in their own time, so a message can arrive
    after a later one: the socket's fence then drops it, and the client closes the gap with a
    resume (rule 4). Frames of other types are kept for the peer's next recv()."""
    upto, early, order, live, asked = first - 1, set(), [], [], False
    deadline = asyncio.get_running_loop().time() + timeout

    def show(seq: int) -> None:
        nonlocal upto
        if seq > upto:
            early.add(seq)
        while upto + 1 in early:
            early.remove(upto + 1)
            upto += 1
            order.append(upto)

    while upto < last:
        kept = [f for f in peer.kept if f["type"] in ("message", "history")]
        if kept:
            frame = kept[0]
            peer.kept.remove(frame)
        else:
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, f"shown {order}, early {sorted(early)}, live {live}"
            try:
                frame = json.loads(await asyncio.wait_for(peer.ws.recv(), min(left, 2)))
            except TimeoutError:
                frame = None
        if frame is not None and frame["type"] == "message":
            live.append(frame["seq"])
            show(frame["seq"])
        elif frame is not None and frame["type"] == "history":
            asked = False
            for message in frame["messages"]:
                show(message["seq"])
        elif frame is not None:
            peer.kept.append(frame)
            continue
        if upto < last and (early or frame is None) and not asked:
            await peer.send({"type": "resume", "after": upto})
            asked = True
    return order, live


async def open_peer(host: str, session_id: int, cookie: str):
    ws = await connect(f"ws://{host}/ws/live/{session_id}/", origin=f"http://{host}",
                       additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"})
    peer = Peer(ws)
    welcome = await peer.recv()
    assert welcome["type"] == "welcome", welcome
    return peer, welcome


def test_two_daphne_processes_are_one_room(make_session, teacher, youth, youth2):
    url = redis_url()
    # A random id: other test runs may share this Redis, and pub/sub channels are server-wide.
    session = make_session(pk=random.randint(10**8, 10**9), starts_in=datetime.timedelta(minutes=-1))
    cookies = {user.pk: session_cookie_value(user) for user in (teacher, youth, youth2)}

    async def close_code(host: str, path: str, cookie: str | None) -> int:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {}
        async with connect(f"ws://{host}{path}", origin=f"http://{host}", additional_headers=headers) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 15)
        return closed.value.rcvd.code

    async def scenario(host_a: str, host_b: str):
        # Refusals reach a real client as close codes (the server accepts, then closes).
        assert await close_code(host_a, f"/ws/live/{session.pk}/", None) == 4401
        assert await close_code(host_b, f"/ws/live/{session.pk + 1}/", cookies[youth.pk]) == 4404
        youth_a, welcome = await open_peer(host_a, session.pk, cookies[youth.pk])
        assert [u["id"] for u in welcome["online"]] == [youth.pk]
        teacher_b, welcome = await open_peer(host_b, session.pk, cookies[teacher.pk])
        # Presence lives in the database: process B knows who is on process A.
        assert {u["id"] for u in welcome["online"]} == {youth.pk, teacher.pk}
        joined = await youth_a.presence("join", teacher.pk)
        assert joined["user"] == {"id": teacher.pk, "name": teacher.name, "role": "teacher"}
        youth2_b, _ = await open_peer(host_b, session.pk, cookies[youth2.pk])
        assert (await youth_a.presence("join", youth2.pk))["user"]["name"] == "มาลี แ."

        # A → B
        await youth_a.send({"type": "chat", "text": "你好，老师！", "client_id": "a-1"})
        assert await youth_a.recv("ack") == {"type": "ack", "client_id": "a-1", "seq": 1}
        for peer in (teacher_b, youth2_b):
            message = await peer.recv("message")
            assert (message["seq"], message["text"], message["author"]["id"]) == (1, "你好，老师！", youth.pk)
        assert (await youth_a.recv("message"))["seq"] == 1  # the sender gets the broadcast too
        # B → A, and a moderation event across processes
        await teacher_b.send({"type": "chat", "text": "欢迎", "client_id": "t-1"})
        for peer in (youth_a, teacher_b, youth2_b):
            assert (await peer.recv("message"))["seq"] == 2
        await teacher_b.send({"type": "moderate", "action": "delete", "seq": 1})
        assert await youth_a.recv("deleted") == {"type": "deleted", "seq": 1}

        # Concurrent posts on both processes: one gap-free sequence, the same order everywhere.
        async def burst(peer, prefix):
            for n in range(4):
                await peer.send({"type": "chat", "text": f"{prefix}{n}", "client_id": f"{prefix}{n}"})

        await asyncio.gather(burst(youth_a, "a"), burst(youth2_b, "b"))
        for peer in (youth_a, teacher_b, youth2_b):
            order, live = await shown_in_order(peer, 3, 10)
            assert order == list(range(3, 11))
            assert len(live) == len(set(live))  # never a seq twice on the wire

        # Leaving on A is seen on B, and recorded.
        await youth_a.ws.close()
        await teacher_b.presence("leave", youth.pk)

        # Back on the other process: resume gives exactly what was missed.
        await teacher_b.send({"type": "chat", "text": "missed", "client_id": "t-2"})
        assert (await youth2_b.recv("message"))["seq"] == 11
        youth_b, welcome = await open_peer(host_b, session.pk, cookies[youth.pk])
        await youth_b.send({"type": "resume", "after": 10})
        history = await youth_b.recv("history")
        assert [m["text"] for m in history["messages"]] == ["missed"] and history["last_seq"] == 11
        await youth_b.ws.close()
        await youth2_b.ws.close()
        await teacher_b.presence("leave", youth2.pk)
        await teacher_b.presence("leave", youth.pk)
        await teacher_b.ws.close()
        # The teacher's own leave has nobody left to hear it: wait for the database instead.
        for _ in range(100):
            if not await sync_to_async(AttendanceSpan.objects.filter(session=session, left_at__isnull=True).exists)():
                break
            await asyncio.sleep(0.1)

    with daphne(redis=url) as host_a, daphne(redis=url) as host_b:
        asyncio.run(scenario(host_a, host_b))

    assert list(ChatMessage.objects.filter(session=session).order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 12))
    spans = AttendanceSpan.objects.filter(session=session)
    assert spans.filter(user=youth).count() == 2
    assert not spans.filter(left_at__isnull=True).exists()  # every close was recorded
    rows = {row.user_id: row for row in services.attendance_for_session(session)}
    assert rows[youth.pk].status == "present" and rows[youth2.pk].status == "present"
    assert rows[youth.pk].first_join == spans.filter(user=youth).earliest("joined_at").joined_at
