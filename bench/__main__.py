"""`python -m bench live|http|join|jobs …` — every command ends with one JSON object on its last line."""

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
    p.add_argument(
        "--no-record", action="store_true", help="print the JSON but do not append it to bench/results/"
    )
    sub = p.add_subparsers(dest="command", required=True)

    live = sub.add_parser("live", help="WebSocket load: ours vs naive vs bare")
    live.add_argument(
        "--scenario",
        default="class",
        choices=["class", "join-rush", "ceremony", "camp-hour", "max", "storm", "idle", "growth"],
        help="join-rush: 250 youth + teacher open the room in the same instant, then 5 msg/s; "
        "ceremony: 4 groups × 250 youth + the organizer in ONE room, all at once, with "
        "reactions and hands (default 2 daphne processes)",
    )
    live.add_argument(
        "--targets",
        type=lambda s: s.split(","),
        default=["ours", "ours-fix", "naive", "bare"],
        help="ours-fix: the product consumer with the change proposed in docs/performance.md",
    )
    live.add_argument(
        "--processes",
        type=int,
        default=None,
        choices=[1, 2, 3, 4],
        help="daphne processes (default 1; the ceremony 2)",
    )
    live.add_argument(
        "--join-timeout",
        type=float,
        default=120.0,
        help="join-rush/ceremony: seconds the clients keep retrying before the figures are taken",
    )
    live.add_argument(
        "--join-within",
        type=float,
        default=None,
        help="join-rush/ceremony: also count the clients in within this many s (default: the target, "
        "10 s for join-rush, 30 s for the ceremony)",
    )
    live.add_argument(
        "--open-timeout",
        type=float,
        default=60.0,
        help="seconds a client waits for one handshake's answer before it counts as failed and retries",
    )
    live.add_argument(
        "--websocket-connect-timeout",
        type=int,
        default=None,
        help="daphne's --websocket_connect_timeout (its default 5 s drops a handshake not accepted by then)",
    )
    live.add_argument(
        "--protocol",
        type=int,
        default=2,
        choices=[1, 2],
        help="the product's live protocol version its clients ask (2: ?v=2, batched presence "
        "and reactions, `busy` sheds; 1: the old frames, as a client without ?v)",
    )
    live.add_argument(
        "--live-setting",
        action="append",
        default=[],
        metavar="QIAOCAMP_LIVE_NAME=INT",
        help="experiment: set one of the live room's integer settings in the bench servers, e.g. "
        "QIAOCAMP_LIVE_HANDSHAKES_IN_FLIGHT=8 (repeatable; recorded in the JSON)",
    )
    live.add_argument(
        "--reaction-rate", type=float, default=10.0, help="ceremony: reactions per second in the room"
    )
    live.add_argument(
        "--hand-rate", type=float, default=1.0, help="ceremony: hands raised or lowered per second"
    )
    live.add_argument("--workers", type=int, default=2, help="load-generator processes")
    live.add_argument("--rooms", type=int, default=0, help="override the scenario's rooms")
    live.add_argument("--youth", type=int, default=0, help="override the scenario's youth per room")
    live.add_argument("--rate", type=float, default=5.0, help="messages per second per room")
    live.add_argument("--duration", type=float, default=None, help="seconds of sending (scenario default)")
    live.add_argument("--drain", type=float, default=3.0, help="seconds to wait for stragglers after sending")
    live.add_argument(
        "--settle", type=float, default=3.0, help="seconds after connecting before measuring RSS"
    )
    live.add_argument(
        "--per-sender-rate",
        type=float,
        default=0.5,
        help="messages/s per sending user (the room's per-user rate limit is 1/s)",
    )
    live.add_argument(
        "--ramp",
        type=_floats,
        default=[1, 2, 3, 5, 8, 12, 20, 40, 80, 160],
        help="max scenario: messages/s in the room, one step each",
    )
    live.add_argument("--step-duration", type=float, default=10.0, help="max scenario: seconds per step")
    live.add_argument("--p99-bound", type=float, default=250.0, help="max scenario: p99 bound in ms")
    live.add_argument("--storm-at", type=float, default=8.0, help="storm: restart the server this many s in")
    live.add_argument("--storm-drain", type=float, default=25.0, help="storm: seconds allowed to resume")
    live.add_argument("--resume-within", type=float, default=15.0, help="storm: the resume target in s")
    live.add_argument(
        "--sizes", type=_ints, default=[50, 100, 250, 500, 1000], help="growth: clients per run"
    )
    live.add_argument("--plot", default=None, help="growth: PNG path (default docs/performance-growth.png)")
    live.add_argument(
        "--connect-concurrency",
        type=int,
        default=8,
        help="handshakes in flight per load process while the room fills (daphne drops a "
        "handshake its app has not accepted within 5 s)",
    )
    live.add_argument("--profile", action="store_true", help="py-spy the product's server during each phase")

    http = sub.add_parser("http", help="key pages on the scale dataset vs a trivial view")
    http.add_argument("--requests", type=int, default=200, help="single-client requests per page")
    http.add_argument("--concurrency", type=int, default=8)
    http.add_argument("--seconds", type=float, default=8.0, help="seconds of 8-client load per page")
    http.add_argument("--processes", type=int, default=1, choices=[1, 2])
    http.add_argument(
        "--profile", action="store_true", help="pyinstrument + query count of each page that misses"
    )
    http.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="experiment: override the product's CONN_MAX_AGE in the bench server (seconds)",
    )

    join = sub.add_parser("join", help="the handshake's database hop, one join after another, no server")
    join.add_argument("--youth", type=int, default=500, help="youth who join the room, one by one")
    join.add_argument("--room", type=int, default=7, help="the bench room's index (not the live scenarios' 0-3)")
    join.add_argument("--profile", action="store_true", help="cProfile the joins")
    join.add_argument("--profile-rows", type=int, default=40)

    jobs = sub.add_parser("jobs", help="roster import, certificates ZIP, camp report export")
    jobs.add_argument("--rows", type=int, default=1000)
    jobs.add_argument("--certificates", type=int, default=250)
    return p


SCENARIO_DURATION = {
    "class": 60.0,
    "join-rush": 60.0,
    "ceremony": 60.0,
    "camp-hour": 30.0,
    "storm": 30.0,
    "growth": 15.0,
    "max": 10.0,
    "idle": 0.0,
}
JOIN_WITHIN = {"join-rush": 10.0, "ceremony": 30.0}  # the "all in within" targets


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "live":
        from bench import live

        if args.duration is None:
            args.duration = SCENARIO_DURATION[args.scenario]
        if args.processes is None:
            args.processes = 2 if args.scenario == "ceremony" else 1
        for item in args.live_setting:
            name, _, value = item.partition("=")
            if not name.startswith("QIAOCAMP_LIVE_") or not value.lstrip("-").isdigit():
                parser().error(f"--live-setting {item!r}: expected QIAOCAMP_LIVE_<NAME>=<integer>")
        if args.join_within is None:
            args.join_within = JOIN_WITHIN.get(args.scenario)
        result = live.main(args)
    elif args.command == "http":
        from bench import http

        result = http.main(args)
    elif args.command == "join":
        from bench import join

        result = join.main(args)
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
