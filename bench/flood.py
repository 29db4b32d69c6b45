"""`python -m bench.flood`: one youth floods a live room (hand toggles, pings, resumes, as fast as
the socket takes them, connecting again whenever the server closes it) while the teacher chats.

Measures the teacher's chat ack time (send to `ack`) in a quiet phase and in the flood phase, and
counts what the flood got: answers, `rate_limited` refusals, 4429 closes, connections refused at
the door, and the `hand` broadcasts the teacher received. The flooder runs in a process of its
own, so it does not share the teacher's event loop. Uses the bench database and Redis (see
docs/performance.md, "The machine and how to reproduce"); ends with one JSON line, appended to
bench/results/flood.jsonl unless --no-record.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import time
from collections import Counter

from bench.common import emit, log, summarize_ms
from bench.server import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, Servers, prepare_database, server_env

FLOOD = [{"type": "hand", "raised": True}, {"type": "hand", "raised": False}, {"type": "ping"},
         {"type": "resume", "after": 0}]
ROOM_INDEX = 90  # a bench room of its own (bench.world), apart from the load scenarios' rooms


def _connect(url: str, origin: str, cookie: str):
    from websockets.asyncio.client import connect

    return connect(url, origin=origin, additional_headers={"Cookie": cookie}, max_size=None, open_timeout=10)


async def _flood(url: str, origin: str, cookie: str, seconds: float) -> dict:
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    tally: Counter = Counter()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            ws = await _connect(url, origin, cookie)
        except (InvalidStatus, OSError) as refused:
            tally[f"connect failed {type(refused).__name__}"] += 1
            await asyncio.sleep(0.1)
            continue
        tally["connects"] += 1
        welcomed = []

        async def reader(ws=ws, welcomed=welcomed):
            async for text in ws:
                frame = json.loads(text)
                if frame["type"] == "welcome":
                    welcomed.append(True)
                key = f"error {frame['code']}" if frame["type"] == "error" else f"answer {frame['type']}"
                tally[key] += 1

        reading = asyncio.ensure_future(reader())
        n = 0
        try:
            while time.monotonic() < deadline:
                await ws.send(json.dumps(FLOOD[n % len(FLOOD)]))
                n += 1
                tally["sent"] += 1
                if n % 50 == 0:
                    await asyncio.sleep(0)
        except ConnectionClosed:
            pass
        await ws.close()
        try:
            await asyncio.wait_for(reading, 5)
        except (ConnectionClosed, TimeoutError):
            pass
        code = ws.close_code if ws.close_code is not None else 1006
        if not welcomed:  # accepted and closed at once: the door (connection rate, flood cool-down)
            tally[f"refused at connect {code}"] += 1
        else:
            tally[f"closed {code}"] += 1
    return dict(tally)


def _flood_process(url, origin, cookie, seconds, queue) -> None:
    queue.put(asyncio.run(_flood(url, origin, cookie, seconds)))


async def _teacher(url: str, origin: str, cookie: str, seconds: float, prefix: str) -> dict:
    """Chat lines 1.1 s apart (the teacher's own bucket is 1 a second) for `seconds`."""
    ack_ms, hands, errors = [], 0, Counter()
    async with _connect(url, origin, cookie) as ws:
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            client_id = f"{prefix}-{int(time.time() * 1000)}-{n}"
            started = time.monotonic()
            await ws.send(json.dumps({"type": "chat", "text": f"line {n}", "client_id": client_id}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == "hand":
                    hands += 1
                elif frame["type"] == "error":
                    errors[frame["code"]] += 1
                    break
                elif frame["type"] == "ack" and frame.get("client_id") == client_id:
                    ack_ms.append((time.monotonic() - started) * 1000)
                    break
            n += 1
            await asyncio.sleep(1.1)
    return {"lines": n, "acked": len(ack_ms), "ack_ms": summarize_ms(ack_ms), "hand_broadcasts": hands,
            "errors": dict(errors)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    p.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    p.add_argument("--quiet", type=float, default=15.0, help="seconds of teacher chat without the flood")
    p.add_argument("--seconds", type=float, default=30.0, help="seconds of flood (teacher chatting throughout)")
    p.add_argument("--port", type=int, default=8785)
    p.add_argument("--no-record", action="store_true")
    args = p.parse_args(argv)

    import os

    env = server_env(args.database_url, args.redis_url)
    prepare_database(args.database_url, args.redis_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache

    from bench import world
    from live.models import RaisedHand

    room = world.ensure_room(ROOM_INDEX, 1)
    RaisedHand.objects.filter(session_id=room["session_id"]).delete()
    cookies = world.session_cookies([room["teacher_id"], room["youth_ids"][0]])
    cache.clear()  # the bench's own Redis db: the per-user connection counts of an earlier run
    name = settings.SESSION_COOKIE_NAME
    teacher_cookie = f"{name}={cookies[room['teacher_id']]}"
    youth_cookie = f"{name}={cookies[room['youth_ids'][0]]}"

    with Servers("daphne", processes=1, base_port=args.port, env=env) as servers:
        host = f"127.0.0.1:{servers.ports[0]}"
        url, origin = f"ws://{host}/ws/live/{room['session_id']}/", f"http://{host}"
        log(f"quiet phase: {args.quiet:.0f} s")
        quiet = asyncio.run(_teacher(url, origin, teacher_cookie, args.quiet, "quiet"))
        log(f"flood phase: {args.seconds:.0f} s")
        queue: mp.Queue = mp.Queue()
        flooder = mp.Process(target=_flood_process, args=(url, origin, youth_cookie, args.seconds, queue))
        flooder.start()
        flooded = asyncio.run(_teacher(url, origin, teacher_cookie, args.seconds, "flood"))
        flood = queue.get(timeout=args.seconds + 60)
        flooder.join(timeout=30)
    result = {"quiet_seconds": args.quiet, "flood_seconds": args.seconds, "teacher_quiet": quiet,
              "teacher_flooded": flooded, "flood": flood}
    if args.no_record:
        print(json.dumps(result, ensure_ascii=False))
    else:
        emit("flood", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
