"""What a run costs Redis and PostgreSQL: counters read before and after, turned into per-youth
figures for docs/scaling.md.

Redis: `INFO stats` of the whole server (commands processed, bytes in and out); run nothing else on
it while measuring. PostgreSQL: `pg_stat_database` of the bench database (transactions, rows read
and written, blocks read from disk). Both are cumulative counters, so a snapshot costs nothing and
the difference between two is the run's load.
"""

from __future__ import annotations

import time

REDIS_KEYS = ("total_commands_processed", "total_net_input_bytes", "total_net_output_bytes")
PG_COLUMNS = (
    "xact_commit",
    "xact_rollback",
    "tup_returned",
    "tup_fetched",
    "tup_inserted",
    "tup_updated",
    "tup_deleted",
    "blks_read",
    "blks_hit",
)


def snapshot(database_url: str, redis_url: str) -> dict:
    """The counters now (a key is None when its server could not be read)."""
    out: dict = {"at": time.monotonic(), "redis": None, "pg": None}
    try:
        import redis

        info = redis.Redis.from_url(redis_url, socket_timeout=5).info("stats")
        out["redis"] = {key: int(info[key]) for key in REDIS_KEYS}
    except Exception:  # noqa: BLE001 - a figure the run goes on without, said as None
        pass
    if database_url.startswith("postgres"):
        try:
            import psycopg

            with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
                # Statistics are flushed by each backend at the end of its transactions (at most
                # once a second when busy): read a fresh snapshot of them.
                conn.execute("SELECT pg_stat_clear_snapshot()")
                row = conn.execute(
                    f"SELECT {', '.join(PG_COLUMNS)} FROM pg_stat_database WHERE datname = current_database()"
                ).fetchone()
            out["pg"] = dict(zip(PG_COLUMNS, (int(v) for v in row), strict=True))
        except Exception:  # noqa: BLE001
            pass
    return out


def _diff(after: dict | None, before: dict | None) -> dict | None:
    if after is None or before is None:
        return None
    return {key: after[key] - before[key] for key in after}


def load_figures(before: dict, joined: dict, after: dict, *, clients: int) -> dict:
    """Per joining client (the connect phase: `before` → `joined`) and per 1,000 clients a second
    (the message phase: `joined` → `after`), for Redis and PostgreSQL."""
    clients = max(1, clients)
    seconds = max(1e-6, after["at"] - joined["at"])
    out: dict = {"clients": clients, "message_phase_s": round(seconds, 1)}
    for server in ("redis", "pg"):
        join = _diff(joined[server], before[server])
        steady = _diff(after[server], joined[server])
        if join is None or steady is None:
            out[server] = None
            continue
        out[server] = {
            "per_join": {key: round(value / clients, 2) for key, value in join.items()},
            "per_1000_clients_per_s": {
                key: round(value / seconds * 1000 / clients, 1) for key, value in steady.items()
            },
        }
    return out
