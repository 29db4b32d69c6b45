"""The bare limit: a `websockets`-library broadcast server with no Django, no Redis, no database.

Same wire shape as the product for the parts the bench uses: a welcome with last_seq on connect,
chat → ack to the sender and one pre-serialized message broadcast to the room with a seq.
Run: `python -m bench.bare --port 8790`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import signal

from websockets.asyncio.server import broadcast, serve


class Rooms:
    def __init__(self) -> None:
        self.members: dict[str, set] = {}
        self.last_seq: dict[str, int] = {}
        self.acked: dict[str, dict[str, int]] = {}

    async def handler(self, websocket) -> None:
        parts = [p for p in websocket.request.path.split("/") if p]
        room = parts[-1] if parts else "default"
        members = self.members.setdefault(room, set())
        members.add(websocket)
        try:
            await websocket.send(json.dumps({"type": "welcome", "protocol": 1, "last_seq": self.last_seq.get(room, 0)}))
            async for raw in websocket:
                data = json.loads(raw)
                if data.get("type") != "chat":
                    continue
                client_id = str(data.get("client_id", ""))
                known = self.acked.setdefault(room, {})
                if client_id in known:  # same idempotency rule as the product
                    await websocket.send(json.dumps({"type": "ack", "client_id": client_id, "seq": known[client_id]}))
                    continue
                seq = self.last_seq.get(room, 0) + 1
                self.last_seq[room] = seq
                known[client_id] = seq
                await websocket.send(json.dumps({"type": "ack", "client_id": client_id, "seq": seq}))
                frame = json.dumps(
                    {
                        "type": "message",
                        "seq": seq,
                        "author": {"id": 0, "name": "bench", "role": "youth"},
                        "text": str(data.get("text", ""))[:500],
                        "sent_at": datetime.datetime.now(datetime.UTC).isoformat(),
                        "client_id": client_id,
                    }
                )
                broadcast(members, frame)
        except Exception:  # a client vanishing mid-frame is normal under load
            pass
        finally:
            members.discard(websocket)


async def main(port: int) -> None:
    rooms = Rooms()
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(rooms.handler, "127.0.0.1", port, compression=None, ping_interval=None, max_size=2**16):
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8790)
    asyncio.run(main(parser.parse_args().port))
