"""The live room over WebSockets (protocol: docs/live-protocol.md).

The consumer authenticates, checks access with live.access, then calls live.services for every
write and live.selectors for every read; it never writes models itself. Room events arrive from
the channel layer already serialized and are forwarded as they are.
"""

import asyncio
import collections
import dataclasses
import json
import logging
import math
import time
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from live import events, fanout, selectors, services
from live.access import RoomMember, member_again, member_for, removed_from, socket_session
from live.admission import Admission
from live.models import LiveSession
from live.services.common import CLIENT_ID_RE, check_frame, clean_int
from live.services.errors import (
    BAD_REQUEST,
    FORBIDDEN,
    RATE_LIMITED,
    UNKNOWN_TYPE,
    LiveError,
    live_error_from,
)
from live.services.online import online_connections
from live.services.room import opens_at

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
CLOSE_NOT_LOGGED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
# A frame over MAX_FRAME_BYTES. Not RFC 6455's 1009: autobahn (under daphne) lets an application
# send only 1000 and 3000-4999, raised on 1009 and the client saw 1006. 4413 as HTTP's 413.
CLOSE_TOO_BIG = 4413
# Frames (of any type) or connections faster than the limits below, as HTTP's 429.
CLOSE_RATE_LIMITED = 4429
# The room is full, or this server process has too many handshakes under way: come back in
# `retry_after` seconds (sent just before, in a `busy` frame), as HTTP's 503 with Retry-After.
CLOSE_BUSY = 4503
# Every frame of a connection, whatever its type, takes a token of the connection's bucket: a burst
# of FRAME_BURST, refilled at FRAME_RATE a second; an empty bucket is `rate_limited`. Each refusal
# takes a token of a second bucket (REFUSALS_BEFORE_CLOSE, refilled at FRAME_RATE): a client that
# keeps sending into refusals is closed with CLOSE_RATE_LIMITED. Settings LIVE_FRAME_BURST,
# LIVE_FRAME_RATE, LIVE_REFUSALS_BEFORE_CLOSE override them.
FRAME_BURST = 30
FRAME_RATE = 5.0
REFUSALS_BEFORE_CLOSE = 30
# Connections a user may open a minute (all rooms, all server processes: counted in the cache);
# beyond it the socket is accepted and closed with CLOSE_RATE_LIMITED. Setting LIVE_CONNECTS_PER_MINUTE.
CONNECTS_PER_MINUTE = 30
# A connection closed for flooding (4429) keeps the user out of the live rooms this long: the flood
# would otherwise come straight back on a new connection (setting LIVE_FLOOD_COOLDOWN, seconds).
# Shorter than the bundled client's wait after a 4429 (22.5 s at least).
FLOOD_COOLDOWN = 20
# Connections one room takes (QIAOCAMP_LIVE_ROOM_CAPACITY; 0: no limit): a 1,000-youth ceremony
# fits, beyond it newcomers get CLOSE_BUSY rather than a handshake that times out.
ROOM_CAPACITY = 1500
# Handshakes one server process works on at once (QIAOCAMP_LIVE_HANDSHAKES_IN_FLIGHT): each is a
# hop into the one database thread, and beyond a few seconds of queue daphne drops them and phones
# retry into the same queue. Beyond it newcomers get CLOSE_BUSY with a retry_after from the
# process's measured handshake pace (live/admission.py): each one turned away is given the next
# place in a queue draining at that pace. Until it is measured, the pace is HANDSHAKES_IN_FLIGHT per
# QIAOCAMP_LIVE_RETRY_AFTER seconds.
HANDSHAKES_IN_FLIGHT = 64
RETRY_AFTER = 2
RETRY_AFTER_MAX = 30
admission = Admission()  # this process's handshakes under way and finished
TOUCH_EVERY = 30  # seconds; attendance's STALE_AFTER (90 s) leaves room for two missed touches
# A socket that sends nothing (no pings) still receives the room: its access is checked again
# when a room event reaches it this long after the last check.
RECHECK_SILENT_AFTER = 2 * TOUCH_EVERY
RECHECK_ASK_AGAIN = 5  # seconds; a silent socket's re-check not answered by then is asked again


@dataclasses.dataclass
class Entry:
    """What the handshake's one database hop found: a refusal (close code), or the way in."""

    refusal: int | None = None
    removed: bool = False  # refused because a moderator removed them (they are told so)
    session: object = None
    member: RoomMember | None = None
    span_id: int | None = None
    welcome: dict | None = None


def room_capacity() -> int:
    """Connections a room takes (0: no limit); moderators always get in. QIAOCAMP_LIVE_ROOM_CAPACITY."""
    return int(getattr(settings, "QIAOCAMP_LIVE_ROOM_CAPACITY", ROOM_CAPACITY))


def enter_room(user, session_id: int, channel_name: str, *, now=None) -> Entry:
    """The whole handshake in one database thread hop: the session, the user's role, the room's
    capacity, opening a room that is due, the attendance join and the welcome (docs/performance.md,
    Finding 2: five hops queued behind each other when a class came in at once)."""
    session = socket_session(session_id)
    if session is None:
        return Entry(refusal=CLOSE_NOT_FOUND)
    member = member_for(user, session)
    if member is None:
        return Entry(refusal=CLOSE_FORBIDDEN, removed=removed_from(user.pk, session.pk))
    capacity = room_capacity()
    if capacity and not member.is_moderator and online_connections(session.pk) >= capacity:
        # A room that looks full may still count the sockets of a server process that stopped (their
        # spans stay open until they go stale): reap it first, at most once per room per REAP_EVERY
        # seconds, and count again. Found by the bench: a ceremony run after another one let only
        # half of its room in, the rest told room_full by the first run's leftovers.
        services.attendance_reap_due(session_id=session.pk, now=now)
        if online_connections(session.pk) >= capacity:
            return Entry(refusal=CLOSE_BUSY)
    if session.state == LiveSession.State.SCHEDULED and (now or timezone.now()) >= opens_at(session):
        session.state = services.live_session_open_if_due(session_id=session.pk, now=now).state
    span, _first = services.attendance_join(session_id=session.pk, user=user, channel_name=channel_name,
                                            now=now, shape=events.member_payload(member))
    # The session was read in this hop, after the socket joined the room's group (enter()).
    welcome = selectors.welcome_for(session, member, now, fresh=True)
    return Entry(session=session, member=member, span_id=span.pk, welcome=welcome)


class TokenBucket:
    """In-memory token bucket (one connection's frames): `take()` is True while tokens last."""

    def __init__(self, burst: float, per_second: float):
        self.burst, self.per_second = burst, per_second
        self.tokens, self.at = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.per_second)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def wait(self) -> int:
        """Whole seconds until the next token."""
        return max(1, math.ceil((1 - self.tokens) / self.per_second)) if self.per_second > 0 else 3600


def _setting(name: str, default):
    return type(default)(getattr(settings, name, default))


def _client_id_of(text_data) -> str | None:
    """The valid client_id of a frame refused before it was read (to echo in the error), if any."""
    try:
        frame = json.loads(text_data) if text_data is not None else None
    except (ValueError, RecursionError):
        return None
    client_id = frame.get("client_id") if isinstance(frame, dict) else None
    return client_id if isinstance(client_id, str) and CLIENT_ID_RE.fullmatch(client_id) else None


def _raise_if_cancelled():
    """Raise the CancelledError a call under us swallowed. On Python 3.11, asyncio.wait_for (around
    redis-py's socket writes: a group_discard, a cache write) returns a result that was ready as the
    cancellation came and drops it. The socket's tasks would then go back to waiting for frames
    for ever: Daphne's shutdown waits for every cancelled socket, and a test's event loop could
    not close (tests/live/test_abuse.py, the 4413 test)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def _waiting(receive):
    """The next ASGI message if one is already waiting, without yielding to the event loop; else
    None. (An asyncio.Queue's get() -- daphne's, and the test communicator's -- returns without
    suspending when the queue is not empty; when it would suspend, the attempt is closed, which
    takes its waiter off the queue.)"""
    attempt = receive()
    if not hasattr(attempt, "send"):
        return None
    try:
        attempt.send(None)
    except StopIteration as done:
        return done.value
    attempt.close()
    return None


def _count_connection(user_id: int) -> bool:
    flood_key, key = f"live:flood:{user_id}", f"live:connects:{user_id}:{int(time.time() // 60)}"
    found = cache.get_many([flood_key, key])
    if found.get(flood_key):
        return False
    count = None
    if key in found:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the read and incr
            pass
    if count is None:
        count = 1 if cache.add(key, 1, timeout=120) else cache.incr(key)
    return count <= _setting("LIVE_CONNECTS_PER_MINUTE", CONNECTS_PER_MINUTE)


async def connection_allowed(user_id: int) -> bool:
    """Count this connection of the user in the cache (a fixed one-minute window shared by every
    server process); False beyond CONNECTS_PER_MINUTE, or while a flood of theirs cools down.
    Two cache round trips, in a thread of their own: cache.aget() and friends run in the one
    thread the database work of every handshake queues in (profile of a class joining at once,
    docs/performance.md)."""
    return await sync_to_async(_count_connection, thread_sensitive=False)(user_id)


class LiveRoomConsumer(AsyncWebsocketConsumer):
    session = None
    member = None
    span_id = None
    touched_at = 0.0
    checked_at = 0.0
    member_lost = False  # set once the user is sent out; nothing more is done for this socket
    closing = False  # closed for a frame too big or a flood (shut): nothing more is read

    protocol = events.PROTOCOL_VERSION
    # The highest message seq this socket was sent (welcome.last_seq, a history's last_seq, a live
    # message): a live message at or below it is not sent again (docs/live-protocol.md §6).
    fence = 0
    # The room's events waiting for this socket (a list): before its welcome, and while a silent
    # socket's access is checked again; None: delivered as they come.
    held = None
    feed_room = None  # the room whose feed (live.fanout) this socket is on
    recheck_asked = 0.0  # monotonic time a silent socket's re-check was asked (0: none pending)

    async def connect(self):
        # Refusals accept first and then close, so that a browser sees our close code (a refused
        # handshake only shows up as 1006).
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_NOT_LOGGED_IN)
            return
        limit = _setting("QIAOCAMP_LIVE_HANDSHAKES_IN_FLIGHT", HANDSHAKES_IN_FLIGHT)
        if limit and admission.in_flight >= limit:
            # Shed before any work (and before counting the attempt against the user's connections:
            # a retry we asked for is not a flood).
            return await self.shed()
        admission.started()
        try:
            await self.enter(user)
        finally:
            admission.finished()

    async def enter(self, user):
        if not await connection_allowed(user.pk):
            await self.accept()
            await self.close(code=CLOSE_RATE_LIMITED)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        if query.get("v") == [str(events.PROTOCOL_LATEST)]:
            self.protocol = events.PROTOCOL_LATEST
        events.bind_loop()
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        # One subscription per room and process (live.fanout): the socket is on the room's feed
        # before the welcome is read, and the feed holds what arrives meanwhile until the welcome
        # is out (self.held), so anything committed after the read reaches us (duplicates of the
        # welcome are dropped by seq, the fence). Whether the user may be here is known only after
        # the hop; a refusal leaves the feed again. Teachers and organizers are the room's
        # moderators whenever they are let in at all.
        moderators = events.moderators_group(session_id)
        maybe_moderator = user.is_teacher or user.is_organizer
        self.held, self.feed_room = [], session_id
        await fanout.attach(session_id, self, self.channel_layer)
        if maybe_moderator:
            await self.channel_layer.group_add(moderators, self.channel_name)
        entry = await database_sync_to_async(enter_room)(user, session_id, self.channel_name)
        if entry.refusal is not None or not entry.member.is_moderator:
            if maybe_moderator:
                await self.channel_layer.group_discard(moderators, self.channel_name)
        if entry.refusal is not None:
            await self.leave_feed()
            if entry.refusal == CLOSE_BUSY:
                return await self.shed(room_full=True)
            await self.accept()
            if entry.removed:
                # Say why, so that the client shows "the teacher removed you from this class"
                # rather than a bare refusal (only to the user themself).
                await self.send(text_data=events.dumps(events.removed_payload(events.REMOVED_BY_MODERATOR)))
            await self.close(code=entry.refusal)
            return
        if entry.member.is_moderator and not maybe_moderator:
            await self.channel_layer.group_add(moderators, self.channel_name)
        self.session, self.member, self.user = entry.session, entry.member, user
        rate = _setting("LIVE_FRAME_RATE", FRAME_RATE)
        self.frames = TokenBucket(_setting("LIVE_FRAME_BURST", FRAME_BURST), rate)
        self.refusals = TokenBucket(_setting("LIVE_REFUSALS_BEFORE_CLOSE", REFUSALS_BEFORE_CLOSE), rate)
        await self.accept()
        self.span_id = entry.span_id
        self.touched_at = self.checked_at = time.monotonic()
        entry.welcome["protocol"] = self.protocol
        self.fence = entry.welcome["last_seq"]
        await self.send(text_data=events.dumps(entry.welcome))
        await self.release()

    async def leave_feed(self):
        if self.feed_room is not None:
            room, self.feed_room = self.feed_room, None
            await fanout.detach(room, self)

    async def shed(self, *, room_full: bool = False):
        """Accept and close with CLOSE_BUSY, after a `busy` frame saying when to come back."""
        if room_full:
            retry_after = RETRY_AFTER_MAX
        else:
            per = max(1, _setting("QIAOCAMP_LIVE_RETRY_AFTER", RETRY_AFTER))
            limit = max(1, _setting("QIAOCAMP_LIVE_HANDSHAKES_IN_FLIGHT", HANDSHAKES_IN_FLIGHT))
            retry_after = admission.retry_after(limit / per, RETRY_AFTER_MAX)
        await self.accept()
        await self.send(text_data=events.dumps(events.busy_payload(retry_after, room_full=room_full)))
        await self.close(code=CLOSE_BUSY)

    async def disconnect(self, code):
        await self.leave_feed()
        if self.session is None:
            return
        if self.member.is_moderator:
            await self.channel_layer.group_discard(events.moderators_group(self.session.pk), self.channel_name)
        if self.span_id is not None:
            await database_sync_to_async(services.attendance_leave)(span_id=self.span_id)
            self.span_id = None

    # --- from the channel layer -----------------------------------------------------------------

    async def dispatch(self, message):
        # Channels >= 4.2 awaits aclose_old_connections() -- a hop into the single database thread --
        # before EVERY handler. room.event only forwards text serialized once in live.events and
        # never touches the database (the silent-socket re-check goes through
        # database_sync_to_async, which closes stale connections itself), so a message to a room of
        # 250 would otherwise queue 250 hops behind the room's real database work.
        # Measured: class p99 2,395 -> 439 ms, camp hour 105,222 -> 0 lost (docs/performance.md,
        # Finding 1). (The room's own events come through live.fanout; this channel brings the
        # moderators' events.)
        if message["type"] == "room.event":
            await self.deliver(message)
        else:
            await super().dispatch(message)
        _raise_if_cancelled()

    def concerned_by(self, event) -> bool:
        """Whether the room feed hands this removal or cancellation to this socket (its handler
        decides with the member known: one may arrive while the socket is still coming in)."""
        if event["type"] == events.ROOM_REMOVE:
            return event.get("user_id") == self.scope["user"].pk
        return self.member is None or not self.member.is_moderator

    async def deliver(self, event):
        """A room event, from the room's feed (live.fanout) or the moderators' group."""
        if self.member_lost:
            return  # sent out (removed / access lost): the close is under way
        if self.held is not None:
            self.held.append(event)  # before the welcome, while it answers a frame, or re-checked
            if self.recheck_asked and time.monotonic() - self.recheck_asked > RECHECK_ASK_AGAIN:
                await self.ask_recheck()  # the first ask was lost (a channel layer reconnecting)
            return
        if self.member is None:
            return
        if time.monotonic() - self.checked_at > RECHECK_SILENT_AFTER:
            # Silent for a while: check access again before it gets anything more, in this
            # socket's own turn (its channel), holding the room's events meanwhile.
            self.held = [event]
            await self.ask_recheck()
            return
        await self.write(event)

    async def ask_recheck(self):
        self.recheck_asked = time.monotonic()
        await self.channel_layer.send(self.channel_name, {"type": "room.release"})

    async def room_release(self, event):
        if not self.recheck_asked:
            return  # asked twice, and the first answer released already
        self.recheck_asked = 0.0
        if self.member_lost:
            self.held = None
        elif await self.recheck():
            await self.release()

    async def release(self):
        """Write what was held, in order, and deliver directly again."""
        held = self.held or []
        while held and not self.member_lost:
            await self.write(held.pop(0))
        self.held = None

    async def write(self, event):
        if not isinstance(event.get("text"), str):
            return  # not an event this server sends (another version, a stray sender)
        seq = event.get("seq")
        if seq is not None and not isinstance(seq, int):
            return
        if seq is not None:
            if seq <= self.fence:
                return  # already sent in the welcome or a history: never twice on the wire
            self.fence = seq
        if self.protocol < events.PROTOCOL_LATEST:
            legacy = event.get("legacy")
            if legacy is None:
                await self.send(text_data=event["text"])
            else:
                for text in legacy:  # a batched frame, as the version-1 frames it stands for
                    await self.send(text_data=text)
            return
        text = event.get("moderator_text") if self.member.is_moderator else None
        await self.send(text_data=text or event["text"])
        own = event.get("own")
        if own is not None and not self.member.is_moderator:
            mine = own.get(str(self.member.user_id))
            if mine is not None:  # your own hand, raised or lowered (by you, the teacher, the class's end)
                await self.send(text_data=mine)

    async def room_remove(self, event):
        if self.member is not None and not self.member_lost and event["user_id"] == self.member.user_id:
            await self.send_out(event["text"])

    async def room_cancel(self, event):
        # The class was taken off the plan: the teacher and organizers stay to read it, the rest go.
        if self.member is not None and not self.member_lost and not self.member.is_moderator:
            await self.send_out(event["text"])

    async def send_out(self, text: str):
        """Tell the client it may no longer be here, record the leave and close with 4403."""
        self.member_lost = True
        await self.send(text_data=text)
        await self.leave_feed()
        # Leave now rather than when the client acknowledges the close: the room should see
        # them go even if their phone never answers.
        if self.span_id is not None:
            await database_sync_to_async(services.attendance_leave)(span_id=self.span_id)
            self.span_id = None
        await self.close(code=CLOSE_FORBIDDEN)

    # --- from the client --------------------------------------------------------------------------

    async def __call__(self, scope, receive, send):
        # Frames are admitted (size, token buckets) as they ARRIVE, not as Channels gets round to
        # dispatching them. Dispatching a frame costs a few turns of the event loop, and under a
        # flood each turn lets daphne parse and queue thousands more: a bucket checked in
        # receive() met 35,000 frames/s at the rate the consumer dispatched them -- about the
        # bucket's refill -- so it never refused, while the queue grew without bound and the
        # teacher's acks took seconds (bench/flood.py, docs/performance.md). So every frame already
        # waiting in the queue is taken at once (taking a waiting message does not yield) and
        # charged to the buckets; the refused ones are answered and dropped here, and only the
        # admitted ones are dispatched, in order.
        admitted = self.admitted = collections.deque()

        async def admitted_receive():
            while True:
                if admitted:
                    return admitted.popleft()
                _raise_if_cancelled()
                message = await receive()
                while message is not None:
                    if message["type"] != "websocket.receive":
                        admitted.append(message)
                        break
                    if await self.admit(message):
                        admitted.append(message)
                    message = _waiting(receive)

        try:
            await super().__call__(scope, admitted_receive, send)
        finally:
            if self.feed_room is not None:
                # Cancelled before its disconnect ran (Daphne's shutdown, a close that took too
                # long): off the room's feed now, without waiting on anything.
                fanout.forget(self.feed_room, self)
                self.feed_room = None

    async def admit(self, message) -> bool:
        """Whether this frame goes on to receive(); if not, it was refused or dropped here. The
        `rate_limited` answer goes out at once (possibly before the answers to earlier frames).
        The close (4413, 4429) too: admitted frames not yet answered are dropped with the socket
        (waiting for them would keep a flooding socket open, and read, for as long as they take)."""
        if self.session is None or self.member_lost or self.closing:
            return False  # refused at connect, sent out or closing: nothing more is read
        text_data, bytes_data = message.get("text"), message.get("bytes")
        size = len(text_data.encode("utf-8", "surrogatepass")) if text_data is not None else len(bytes_data or b"")
        if size > MAX_FRAME_BYTES:
            return await self.shut(CLOSE_TOO_BIG)
        if self.frames.take():
            return True
        # Any frame type, before it is read: a flood costs us this and one small error frame.
        if not self.refusals.take():
            return await self.shut(CLOSE_RATE_LIMITED)
        await self.send_payload(events.error_payload(RATE_LIMITED, "Too many frames; wait a moment.",
                                                     client_id=_client_id_of(text_data),
                                                     retry_after=self.frames.wait()))
        return False

    async def shut(self, code: int) -> bool:
        """Close now for a frame too big or a flood; a flood keeps the user out for a while."""
        self.closing = self.member_lost = True
        self.admitted.clear()
        await self.close(code=code)
        await self.leave_feed()
        if code == CLOSE_RATE_LIMITED:
            await cache.aset(f"live:flood:{self.member.user_id}", 1,
                             timeout=_setting("LIVE_FLOOD_COOLDOWN", FLOOD_COOLDOWN))
        return False

    async def receive(self, text_data=None, bytes_data=None):
        # Size and rate were checked in admit().
        if self.session is None or self.member_lost:
            return
        # The room's events wait while this socket's own frame is answered, as they did when
        # they came through its own channel: an ack goes out before the echo of its message, and
        # a history before the live messages it holds (which the fence then drops).
        holding = self.held is None
        if holding:
            self.held = []
        try:
            await self.answer(text_data)
        finally:
            if holding and self.held is not None:
                await self.release()

    async def answer(self, text_data):
        frame = None
        # Any frame is a sign of life (pings always are, see on_ping); at most one write per 30 s.
        if time.monotonic() - self.touched_at > TOUCH_EVERY and not await self.touch():
            return
        try:
            if text_data is None:
                raise LiveError(BAD_REQUEST, "Frames are JSON text.")
            try:
                frame = json.loads(text_data)
            except (ValueError, RecursionError):  # RecursionError: nested about 1,000 deep
                raise LiveError(BAD_REQUEST, "Frames are JSON objects.") from None
            if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                frame = None
                raise LiveError(BAD_REQUEST, 'A frame is a JSON object with a "type".')
            # Every string and number of the frame, once, before any handler: no lone surrogate
            # (it could not be stored or sent back), no integer the database cannot hold, no deep nesting.
            check_frame(frame)
            handler = self.HANDLERS.get(frame["type"])
            if handler is None:
                raise LiveError(UNKNOWN_TYPE, f"Unknown type {frame['type'][:40]!r}.")
            await handler(self, frame)
        except (ValidationError, PermissionDenied) as refusal:
            # The same refusals the pages show (LiveError is a camp.errors.DomainError), as the
            # protocol's error frame; anything else is a bug and closes the socket (1011).
            error = live_error_from(refusal)
            client_id = frame.get("client_id") if isinstance(frame, dict) else None  # echoed only if valid
            await self.send_payload(events.error_payload(error.code, error.detail, client_id=client_id,
                                                         retry_after=error.retry_after,
                                                         reason=getattr(error, "reason", None)))

    async def send_payload(self, payload: dict):
        await self.send(text_data=events.dumps(payload))

    def _call(self, service, **kwargs):
        return database_sync_to_async(service)(session_id=self.session.pk, member=self.member, **kwargs)

    async def touch(self) -> bool:
        """The periodic sign of life (at most every TOUCH_EVERY seconds): refresh the attendance
        span and check access again. Returns False when the user lost it (socket closing)."""
        self.touched_at = time.monotonic()
        if self.touched_at - self.checked_at >= TOUCH_EVERY and not await self.recheck():
            return False
        # The ping path also reaps the room's stale spans, at most once per room per 30 s.
        await database_sync_to_async(services.attendance_touch)(span_id=self.span_id, session_id=self.session.pk)
        return True

    async def recheck(self) -> bool:
        """Run the room's access check again, so that the role cached at connect time does not
        outlive consent withdrawal, a revoked join code, leaving the roster or a removal whose
        channel-layer event was lost. Closes with 4403 and returns False when access is gone."""
        self.checked_at = time.monotonic()
        member = await database_sync_to_async(member_again)(self.member.user_id, self.session.pk)
        if member is None:
            removed = await database_sync_to_async(removed_from)(self.member.user_id, self.session.pk)
            reason = events.REMOVED_BY_MODERATOR if removed else None
            await self.send_out(events.dumps(events.removed_payload(reason)))
            return False
        if member.is_moderator != self.member.is_moderator:
            if member.is_moderator:
                await self.channel_layer.group_add(events.moderators_group(self.session.pk), self.channel_name)
            else:
                await self.channel_layer.group_discard(events.moderators_group(self.session.pk), self.channel_name)
        self.member = member
        return True

    async def on_ping(self, frame):
        if time.monotonic() - self.touched_at > 1 and not await self.touch():
            return
        last_seq = await database_sync_to_async(selectors.last_seq_of)(self.session.pk)
        await self.send_payload(events.pong_payload(last_seq))

    async def on_resume(self, frame):
        after = clean_int(frame.get("after"), "after")
        messages, last_seq = await database_sync_to_async(selectors.history_after)(self.session.pk, after)
        # Live messages up to last_seq that are still on their way to this socket are in this
        # answer (or, on reload, in the next welcome): they are not sent again.
        self.fence = max(self.fence, last_seq)
        if messages is None:
            await self.send_payload(events.reload_payload(last_seq))
        else:
            await self.send_payload(events.history_payload(messages, last_seq))

    async def on_chat(self, frame):
        message, _created = await self._call(services.chat_message_post, text=frame.get("text"),
                                             client_id=frame.get("client_id"))
        await self.send_payload(events.ack_payload(message.client_id, seq=message.seq))

    async def on_hand(self, frame):
        await self._call(services.hand_set, raised=frame.get("raised"), user_id=frame.get("user_id"))

    async def on_react(self, frame):
        await self._call(services.reaction_set, seq=frame.get("seq"), emoji=frame.get("emoji"),
                         remove=frame.get("remove", False))

    async def on_report(self, frame):
        await self._call(services.message_report, seq=frame.get("seq"),
                         reason=frame.get("reason", ""))
        await self.send_payload(events.reported_payload(frame["seq"]))

    async def on_ask(self, frame):
        question, _created = await self._call(services.question_ask, text=frame.get("text"),
                                              client_id=frame.get("client_id"))
        await self.send_payload(events.ack_payload(question.client_id, question_id=question.pk))

    async def on_upvote(self, frame):
        await self._call(services.question_upvote, question_id=frame.get("question_id"))

    async def on_answer(self, frame):
        await self._call(services.question_answer, question_id=frame.get("question_id"))

    async def on_poll_open(self, frame):
        await self._call(services.poll_open, question=frame.get("question"), options=frame.get("options"))

    async def on_vote(self, frame):
        await self._call(services.poll_vote, poll_id=frame.get("poll_id"), option=frame.get("option"))

    async def on_poll_close(self, frame):
        await self._call(services.poll_close, poll_id=frame.get("poll_id"))

    async def on_moderate(self, frame):
        if not self.member.is_moderator:
            raise LiveError(FORBIDDEN, "Only the teacher and organizers moderate.")
        action = frame.get("action")
        if action == "delete":
            await self._call(services.chat_message_delete, seq=frame.get("seq"))
        elif action in ("mute", "unmute"):
            await self._call(services.member_mute, user_id=frame.get("user_id"), muted=action == "mute")
        elif action in ("lock", "unlock"):
            await self._call(services.room_settings_update, locked=action == "lock")
        elif action == "slow_mode":
            seconds = frame.get("seconds")
            if seconds is None:
                raise LiveError(BAD_REQUEST, "slow_mode needs seconds.")
            await self._call(services.room_settings_update, slow_mode=seconds)
        elif action == "links":
            allowed = frame.get("allowed")
            if allowed is None:
                raise LiveError(BAD_REQUEST, "links needs allowed.")
            await self._call(services.room_settings_update, links_allowed=allowed)
        elif action == "remove":
            await self._call(services.member_remove, user_id=frame.get("user_id"))
        elif action == "readmit":
            await self._call(services.member_readmit, user_id=frame.get("user_id"))
        elif action == "start":
            await self._call(services.live_session_start)
        elif action == "end":
            await self._call(services.live_session_end)
        else:
            raise LiveError(BAD_REQUEST, "Unknown moderate action.")

    async def on_video(self, frame):
        # Speaking by invitation in the class's video (docs/video.md): invite / mute / unmute / stop.
        from live.video.services import video_speak_set

        await self._call(video_speak_set, user_id=frame.get("user_id"), action=frame.get("action"))

    HANDLERS = {
        "ping": on_ping,
        "resume": on_resume,
        "chat": on_chat,
        "hand": on_hand,
        "react": on_react,
        "report": on_report,
        "ask": on_ask,
        "upvote": on_upvote,
        "answer": on_answer,
        "poll_open": on_poll_open,
        "vote": on_vote,
        "poll_close": on_poll_close,
        "moderate": on_moderate,
        "video": on_video,
    }
