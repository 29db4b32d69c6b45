"""`python -m bench live|http|jobs …` — every command ends with one JSON object on its last line."""

from __future__ import annotations

import argparse
import sys

from bench.common import emit
from bench.server import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="the bench's own PostgreSQL database")
    p.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="a Redis db of its own")
    p.add_argument("--fresh-db", action="store_true", help="drop and re-create the bench database first")
    p.add_argument("--no-record", action="store_true", help="print the JSON but do not append it to bench/results/")
    sub = p.add_subparsers(dest="command", required=True)

    live = sub.add_parser("live", help="WebSocket load: ours vs naive vs bare")
    live.add_argument("--scenario", default="class", choices=["class", "camp-hour", "max", "storm", "idle", "growth"])
    live.add_argument("--targets", type=lambda s: s.split(","), default=["ours", "ours-fix", "naive", "bare"],
                      help="ours-fix: the product consumer with the change proposed in docs/performance.md")
    live.add_argument("--processes", type=int, default=1, choices=[1, 2], help="daphne processes")
    live.add_argument("--workers", type=int, default=2, help="load-generator processes")
    live.add_argument("--rooms", type=int, default=0, help="override the scenario's rooms")
    live.add_argument("--youth", type=int, default=0, help="override the scenario's youth per room")
    live.add_argument("--rate", type=float, default=5.0, help="messages per second per room")
    live.add_argument("--duration", type=float, default=None, help="seconds of sending (scenario default)")
    live.add_argument("--drain", type=float, default=3.0, help="seconds to wait for stragglers after sending")
    live.add_argument("--settle", type=float, default=3.0, help="seconds after connecting before measuring RSS")
    live.add_argument("--per-sender-rate", type=float, default=0.5,
                      help="messages/s per sending user (the room's per-user rate limit is 1/s)")
    live.add_argument("--ramp", type=_floats, default=[1, 2, 3, 5, 8, 12, 20, 40, 80, 160],
                      help="max scenario: messages/s in the room, one step each")
    live.add_argument("--step-duration", type=float, default=10.0, help="max scenario: seconds per step")
    live.add_argument("--p99-bound", type=float, default=250.0, help="max scenario: p99 bound in ms")
    live.add_argument("--storm-at", type=float, default=8.0, help="storm: restart the server this many s in")
    live.add_argument("--storm-drain", type=float, default=25.0, help="storm: seconds allowed to resume")
    live.add_argument("--resume-within", type=float, default=15.0, help="storm: the resume target in s")
    live.add_argument("--sizes", type=_ints, default=[50, 100, 250, 500, 1000], help="growth: clients per run")
    live.add_argument("--plot", default=None, help="growth: PNG path (default docs/performance-growth.png)")
    live.add_argument("--connect-concurrency", type=int, default=8,
                      help="handshakes in flight per load process while the room fills (daphne drops a "
                           "handshake its app has not accepted within 5 s)")
    live.add_argument("--profile", action="store_true", help="py-spy the product's server during each phase")

    http = sub.add_parser("http", help="key pages on the scale dataset vs a trivial view")
    http.add_argument("--requests", type=int, default=200, help="single-client requests per page")
    http.add_argument("--concurrency", type=int, default=8)
    http.add_argument("--seconds", type=float, default=8.0, help="seconds of 8-client load per page")
    http.add_argument("--processes", type=int, default=1, choices=[1, 2])
    http.add_argument("--profile", action="store_true", help="pyinstrument + query count of each page that misses")
    http.add_argument("--conn-max-age", type=int, default=None,
                      help="experiment: override the product's CONN_MAX_AGE in the bench server (seconds)")

    jobs = sub.add_parser("jobs", help="roster import, certificates ZIP, camp report export")
    jobs.add_argument("--rows", type=int, default=1000)
    jobs.add_argument("--certificates", type=int, default=250)
    return p


SCENARIO_DURATION = {"class": 60.0, "camp-hour": 30.0, "storm": 30.0, "growth": 15.0, "max": 10.0, "idle": 0.0}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "live":
        from bench import live

        if args.duration is None:
            args.duration = SCENARIO_DURATION[args.scenario]
        result = live.main(args)
    elif args.command == "http":
        from bench import http

        result = http.main(args)
    else:
        from bench import jobs

        result = jobs.main(args)
    name = args.command if args.command != "live" else f"live-{args.scenario}"
    if args.no_record:
        import json

        print(json.dumps(result, ensure_ascii=False))
    else:
        emit(name, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
