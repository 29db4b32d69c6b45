"""One channel-layer subscription per room and server process, feeding the room's local sockets.

Before this, every socket joined the room's group itself: a message to a room of 1,000 was 1,000
channel-layer deliveries in each process, each one a queue put, a task wake-up and a run through
Channels' dispatch before the frame was written (the ceremony's message phase, docs/performance.md,
issue #13). Now the first socket of a room in a process starts a `RoomFeed`: one channel of the
layer, in the room's group, read by one task that writes each event (serialized once in
live.events) to every local socket in a tight loop (`LiveRoomConsumer.deliver`, no await between
the sockets but Daphne's own send). The last socket to leave stops it.

The consumer still has its own channel, for what is addressed to one socket or to the moderators:
the moderators' group, and a removal or a cancellation, which the feed hands to the sockets
concerned through their own channel so that each is handled in order with that socket's frames.

A feed belongs to one event loop (one server process, or one test).
"""
from __future__ import annotations

import asyncio
import logging
import weakref

from live import events

logger = logging.getLogger(__name__)

_feeds: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, RoomFeed]] = weakref.WeakKeyDictionary()


class RoomFeed:
    def __init__(self, session_id: int, layer):
        self.session_id = session_id
        self.layer = layer
        self.group = events.room_group(session_id)
        self.sockets: dict = {}  # consumer -> None: insertion-ordered, so the order of joining
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self.started = asyncio.get_running_loop().create_future()
        self.stopped = False

    async def start(self) -> None:
        try:
            self.channel = await self.layer.new_channel(prefix="room-feed.")
            await self.layer.group_add(self.group, self.channel)
        except BaseException as error:
            self.started.set_exception(error)
            self.started.exception()  # retrieved: the sockets waiting on it get it; no "never retrieved" log
            raise
        self.task = asyncio.get_running_loop().create_task(self.run())
        self.started.set_result(None)

    async def run(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The layer lost its connection (channels_redis reconnects itself): whatever was
                # published meanwhile is lost for this process, and the sockets find the gap by seq.
                logger.exception("live: room feed %s could not read from the channel layer", self.session_id)
                await asyncio.sleep(0.5)
                continue
            try:
                await self.feed(event)
            except Exception:
                logger.exception("live: room feed %s could not deliver %s", self.session_id, event.get("type"))

    async def feed(self, event: dict) -> None:
        kind = event.get("type")
        if kind == events.ROOM_EVENT:
            for socket in list(self.sockets):
                try:
                    await socket.deliver(event)
                except Exception:  # one socket's failure is not the room's
                    logger.exception("live: room feed %s could not deliver to a socket", self.session_id)
        elif kind in (events.ROOM_REMOVE, events.ROOM_CANCEL):
            # To the sockets it concerns, through their own channel: handled in order with the rest
            # of what that socket does (the leave is recorded, then it closes).
            for socket in list(self.sockets):
                try:
                    if socket.concerned_by(event):
                        await self.layer.send(socket.channel_name, event)
                except Exception:
                    logger.exception("live: room feed %s could not pass on %s", self.session_id, kind)

    async def stop(self) -> None:
        self.stopped = True
        if self.channel is not None:
            try:
                await self.layer.group_discard(self.group, self.channel)
            except Exception:
                logger.exception("live: room feed %s could not leave its group", self.session_id)
        if self.task is not None:
            self.task.cancel()  # the layer drops the feed's channel as its receive is cancelled
            if self.task is not asyncio.current_task():
                # wait(), not gather(return_exceptions=True), which would hand back a cancellation
                # of the caller as the feed's result and go on.
                await asyncio.wait({self.task})


def _room_feeds() -> dict[int, RoomFeed]:
    loop = asyncio.get_running_loop()
    feeds = _feeds.get(loop)
    if feeds is None:
        feeds = _feeds[loop] = {}
    return feeds


async def attach(session_id: int, socket, layer) -> RoomFeed:
    """Add `socket` to the room's feed in this process, starting the feed if it is the first. When
    this returns, the feed is in the room's group: every event sent to the room from then on
    reaches `socket.deliver` (which holds it until the socket has its welcome)."""
    feeds = _room_feeds()
    feed = feeds.get(session_id)
    if feed is None or feed.stopped:
        feed = feeds[session_id] = RoomFeed(session_id, layer)
        feed.sockets[socket] = None
        try:
            await feed.start()
        except BaseException:
            if feeds.get(session_id) is feed:
                del feeds[session_id]
            raise
        return feed
    feed.sockets[socket] = None
    try:
        await asyncio.shield(feed.started)
    except BaseException:
        feed.sockets.pop(socket, None)
        raise
    return feed


def _take_off(session_id: int, socket) -> RoomFeed | None:
    """Take `socket` off the room's feed; the feed, out of the registry, if that was its last."""
    feeds = _room_feeds()
    feed = feeds.get(session_id)
    if feed is None or socket not in feed.sockets:
        return None
    del feed.sockets[socket]
    if feed.sockets:
        return None
    del feeds[session_id]
    return feed


async def detach(session_id: int, socket) -> None:
    """Take `socket` off the room's feed; the last one out stops it."""
    feed = _take_off(session_id, socket)
    if feed is not None:
        await feed.stop()


def forget(session_id: int, socket) -> None:
    """detach() without waiting (the socket's task is being cancelled): the last one out cancels
    the feed's reader at once and leaves the room's group in a task of its own."""
    feed = _take_off(session_id, socket)
    if feed is not None:
        feed.stopped = True
        if feed.task is not None:
            feed.task.cancel()
        asyncio.get_running_loop().create_task(feed.stop())


def local_sockets(session_id: int) -> int:
    """How many sockets of this process and loop the room's feed serves (tests, the bench)."""
    feed = _room_feeds().get(session_id)
    return 0 if feed is None else len(feed.sockets)


def forget_feeds() -> None:
    """Drop this loop's feeds without stopping them (tests: the loop and its layer go with the test)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        _feeds.clear()
        return
    _feeds.pop(loop, None)
