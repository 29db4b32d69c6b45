"""Property: whatever the order of sends, dropped sockets, reconnects and lost channel-layer
events, a client following docs/live-protocol.md ends up showing every message exactly once, in
seq order — and every `history` answer is exactly the messages after `after`."""

import json
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.live.conftest import join, send

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.sampled_from(["teacher", "other", "client"])),
        st.tuples(st.just("lost"), st.sampled_from(["teacher", "other"])),  # the layer drops the event
        st.tuples(st.just("drop"), st.none()),
        st.tuples(st.just("reconnect"), st.none()),
        st.tuples(st.just("delete"), st.none()),
    ),
    min_size=1,
    max_size=14,
)


class Client:
    """The documented client algorithm, in Python."""

    def __init__(self):
        self.shown: list[int] = []
        self.texts: dict[int, str] = {}
        self.last_seq = 0
        self.early: dict[int, dict] = {}
        self.welcomed_once = False
        self.resume_asked = False
        self.comm = None
        self.pending: dict[str, str] = {}

    async def connect(self, session, user):
        self.comm, welcome = await join(session, user)
        self.resume_asked = False
        if not self.welcomed_once:
            self.welcomed_once = True
            self.last_seq = welcome["history"][0]["seq"] - 1 if welcome["history"] else welcome["last_seq"]
            for message in welcome["history"]:
                await self.apply(message)
        elif welcome["last_seq"] > self.last_seq:
            await self.ask_resume()
        for client_id, text in self.pending.items():
            await send(self.comm, {"type": "chat", "text": text, "client_id": client_id})

    async def ask_resume(self):
        if not self.resume_asked:
            self.resume_asked = True
            self.resume_after = self.last_seq
            await send(self.comm, {"type": "resume", "after": self.last_seq})

    async def apply(self, message):
        seq = message["seq"]
        if seq <= self.last_seq:
            return
        if seq > self.last_seq + 1:
            self.early[seq] = message
            await self.ask_resume()
            return
        self._show(message)
        while self.last_seq + 1 in self.early:
            self._show(self.early.pop(self.last_seq + 1))

    def _show(self, message):
        assert message["seq"] == self.last_seq + 1
        self.shown.append(message["seq"])
        self.texts[message["seq"]] = None if message.get("deleted") else message["text"]
        self.last_seq = message["seq"]

    async def handle(self, frame):
        if frame["type"] == "message":
            await self.apply(frame)
        elif frame["type"] == "history":
            seqs = [m["seq"] for m in frame["messages"]]
            assert seqs == list(range(self.resume_after + 1, frame["last_seq"] + 1)), (seqs, self.resume_after)
            self.resume_asked = False
            for message in frame["messages"]:
                await self.apply(message)
        elif frame["type"] == "ack":
            self.pending.pop(frame["client_id"], None)
        elif frame["type"] == "pong":
            self.pong = frame["last_seq"]
            if frame["last_seq"] > self.last_seq:
                await self.ask_resume()
        elif frame["type"] == "error":
            raise AssertionError(frame)

    async def pump(self, quiet=0.05):
        while self.comm is not None and not await self.comm.receive_nothing(timeout=quiet):
            await self.handle(json.loads(await self.comm.receive_from()))

    async def settle(self):
        """Ping until the server has nothing newer than what we show."""
        for _ in range(40):
            self.pong = None
            await send(self.comm, {"type": "ping"})
            while self.pong is None or self.resume_asked:
                await self.handle(json.loads(await self.comm.receive_from(timeout=5)))
            if self.pong == self.last_seq and not self.pending:
                return
        raise AssertionError("client never caught up")


@pytest.mark.django_db(transaction=True)
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=OPS)
def test_random_drops_and_sends_never_lose_duplicate_or_reorder(ops, make_session, teacher, youth, youth2):
    from live import services
    from live.access import member_for
    from live.models import ChatMessage

    session = make_session()
    members = {"teacher": member_for(teacher, session), "other": member_for(youth2, session)}

    @sync_to_async
    def post(name, n, lost=False):
        # Spaced timestamps keep the token bucket out of this test.
        import datetime

        now = session.started_at + datetime.timedelta(seconds=2 * n)
        if lost:
            with mock.patch("live.events._group_send"):
                services.chat_message_post(session_id=session.pk, member=members[name], text=f"{name} {n}",
                                           client_id=f"{name}-{n}", now=now)
        else:
            services.chat_message_post(session_id=session.pk, member=members[name], text=f"{name} {n}",
                                       client_id=f"{name}-{n}", now=now)

    @sync_to_async
    def delete_latest():
        latest = ChatMessage.objects.filter(session=session, deleted_at__isnull=True).order_by("-seq").first()
        if latest:
            services.chat_message_delete(session_id=session.pk, member=members["teacher"], seq=latest.seq)

    async def scenario():
        client = Client()
        await client.connect(session, youth)
        try:
            for n, (op, who) in enumerate(ops):
                if op == "send" and who == "client":
                    client_id = f"mine-{n}"
                    client.pending[client_id] = f"mine {n}"
                    if client.comm is not None:
                        await send(client.comm, {"type": "chat", "text": f"mine {n}", "client_id": client_id})
                elif op in ("send", "lost"):
                    await post(who, n, lost=op == "lost")
                elif op == "drop" and client.comm is not None:
                    await client.comm.disconnect()
                    client.comm = None
                elif op == "reconnect" and client.comm is None:
                    await client.connect(session, youth)
                elif op == "delete":
                    await delete_latest()
                await client.pump()
            if client.comm is None:
                await client.connect(session, youth)
            await client.settle()
        finally:
            if client.comm is not None:
                await client.comm.disconnect()
        return client

    # The token bucket has its own tests; here the client may send faster than a person would.
    with override_settings(LIVE_RATE_BURST=1000, LIVE_CONNECTS_PER_MINUTE=10 ** 6):
        client = async_to_sync(scenario)()
    stored = list(ChatMessage.objects.filter(session=session).order_by("seq").values_list("seq", "text"))
    assert client.shown == [seq for seq, _text in stored]
    assert client.shown == list(range(1, len(stored) + 1))
    for seq, text in stored:
        # A message deleted after it was shown still shows its text until the `deleted` event; the
        # client under test keeps it — what matters is that it is there once.
        assert client.texts[seq] in (text, None)
    mine = [text for _seq, text in stored if text.startswith("mine ")]
    assert len(mine) == len(set(mine)) == sum(1 for op, who in ops if op == "send" and who == "client")
