"""The product consumer with ONE proposed change, mounted on a bench-only route to measure it.

Channels 4.2+ `AsyncConsumer.dispatch` awaits `aclose_old_connections()` before every handler:
a `sync_to_async` hop into the single thread-sensitive executor, the same thread that runs all
`database_sync_to_async` work. For a room of 250 every chat message becomes 250 such hops queued
behind the room's database work. `room.event` only forwards already-serialized text and never
touches the database (every DB call already closes stale connections in DatabaseSyncToAsync), so
the proposed fix in live/consumers.py is to dispatch it directly. live/ is not the bench's to
edit: this subclass shows what that change gains, and docs/performance.md relays it.

The change has been in the product since (LiveRoomConsumer.dispatch), so this target now measures
the same consumer as "ours"; it stays for comparing with the recorded runs. Since issue #13's room
feed (live/fanout.py) the room's own events no longer come through the consumer's channel at all.
"""

from live.consumers import LiveRoomConsumer


class DirectDispatchLiveRoomConsumer(LiveRoomConsumer):
    async def dispatch(self, message):
        if message["type"] == "room.event":
            await self.deliver(message)
            return
        await super().dispatch(message)
