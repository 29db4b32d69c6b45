"""`python -m bench join`: the handshake's one database hop (`live.consumers.enter_room`), one join
after another in this process, for the youth of one bench room: no server, no load clients, so
the figure is the hop's own cost per join (PostgreSQL + Redis of the bench), and how it grows as
the room fills. `--profile` adds cProfile's costliest functions (cumulative).

Each run uses a room of its own (a new ceremony-sized bench room index) so that no earlier run's
open spans weigh on it; the youth are created once per index.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time

from bench.common import log
from bench.live import setup_django
from bench.server import prepare_database


def main(args) -> dict:
    prepare_database(args.database_url, args.redis_url)
    setup_django(args.database_url, args.redis_url)
    from bench import world
    from camp.models import User
    from live.models import LiveSession

    room = world.ensure_room(args.room, args.youth)
    session = LiveSession.objects.get(pk=room["session_id"])
    users = list(User.objects.filter(pk__in=room["youth_ids"][: args.youth]).order_by("pk"))
    result = joins(session, users, profile=args.profile, profile_rows=args.profile_rows)
    log(f"join: {result['joins']} joins, per join {result['per_join_ms']} ms")
    if args.profile:
        print("\n".join(result["profile"]))
    return result


def _empty(session) -> None:
    """No open spans and no online set: the room as before anyone came."""
    from django.core.cache import cache

    from live.models import AttendanceSpan

    AttendanceSpan.objects.filter(session=session).delete()
    cache.delete(f"live:online:{session.pk}")


def _server_loop():
    """An event loop in a thread, bound as the server's (live.events.bind_loop): a join's presence
    frame is handed to it, as in Daphne, instead of being sent from the joining thread, which
    without a server loop waits for a channel-layer send of its own (~4 ms a join)."""
    import asyncio
    import threading

    from live import events

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def bind():
        events.bind_loop()

    asyncio.run_coroutine_threadsafe(bind(), loop).result(10)
    return loop


def joins(session, users, *, profile: bool = False, profile_rows: int = 40) -> dict:
    """`users` enter `session`'s room one after another (after a warm-up of five, undone), each
    timed; the room is emptied first."""
    loop = _server_loop()
    try:
        return _joins(session, users, profile, profile_rows)
    finally:
        loop.call_soon_threadsafe(loop.stop)


def _joins(session, users, profile, profile_rows) -> dict:
    from live.consumers import enter_room

    _empty(session)
    for user in users[:5]:  # warm: imports, the connection, the shared welcome
        enter_room(user, session.pk, f"bench-join-warm-{user.pk}")
    _empty(session)
    profiler = cProfile.Profile() if profile else None
    per_join = []
    if profiler:
        profiler.enable()
    for user in users:
        began = time.perf_counter()
        entry = enter_room(user, session.pk, f"bench-join-{user.pk}")
        per_join.append((time.perf_counter() - began) * 1000)
        if entry.refusal is not None:
            raise RuntimeError(f"youth {user.pk} was refused with {entry.refusal}")
    if profiler:
        profiler.disable()
    tenth = max(1, len(per_join) // 10)
    result = {
        "joins": len(per_join),
        "per_join_ms": {
            "mean": round(statistics.fmean(per_join), 2),
            "p50": round(statistics.median(per_join), 2),
            "first_tenth_mean": round(statistics.fmean(per_join[:tenth]), 2),
            "last_tenth_mean": round(statistics.fmean(per_join[-tenth:]), 2),
        },
    }
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile_rows)
        result["profile"] = out.getvalue().splitlines()
    return result
