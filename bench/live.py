"""`python -m bench live`: the live classroom under load, ours against the naive and bare baselines.

Each scenario runs the product (`ours`, ws/live/<session>/?v=2 on daphne), the naive Channels-tutorial
consumer (ws/naive/<room>/ on the same bench ASGI app, its own daphne start) and the bare
`websockets` server, one after the other on the same machine, each on a freshly started server.
`--targets ours,naive,bare` keeps the baselines in the same run (default: also `ours-fix`).
The product's clients ask protocol version 2 (`?v=2`: batched presence, aggregated reactions,
`busy` + close 4503 when the server sheds); `--protocol 1` connects as an old client (no `?v`).
Every command prints progress on stderr and ONE JSON object as the last line of stdout (appended
to bench/results/live-<scenario>.jsonl unless `--no-record`).

Scenarios (full runs; the issue's targets in brackets):

    # one class, the room filled 8 handshakes at a time per load process [p50 ≤ 30, p99 ≤ 150 ms, 0 lost]
    python -m bench live --scenario class --targets ours,naive,bare
    # joining at once: 250 youth + teacher start their first handshake in the same instant, then
    # retry like static/js/live-room.js (bench.load.retry_delay: closed 4503 after `busy` →
    # max(1 s, retry_after) + up to 1 s; otherwise 0.5 s doubling to 30 s ±25 %), one daphne process;
    # then 5 msg/s for 60 s
    # [all in within 10 s, 0 handshakes dropped; p50 ≤ 30, p99 ≤ 100 ms; 0 lost/dup/reordered]
    python -m bench live --scenario join-rush --targets ours,naive,bare
    # opening ceremony: 4 groups × 250 youth of the phase + the organizer in ONE room (a LiveSession
    # of kind "opening"), all at once, 2 daphne processes (clients alternate between their ports);
    # 5 msg/s chat + 10 reactions/s + 1 hand change/s for 60 s [all in within 30 s; p99 ≤ 250 ms; 0 lost]
    python -m bench live --scenario ceremony --targets ours,naive,bare
    # reconnect storm: 4 × 251 clients, the server restarted 8 s in [99.9 % resumed within 15 s, 0 lost, 0 dup]
    python -m bench live --scenario storm --targets ours,naive,bare
    # growth: one room of 50 … 1,000 clients; the plot's third panel is the connect time, and the
    # JSON's connect_slope gives the connect cost per client in ms per extra 100 clients [flat]
    python -m bench live --scenario growth --duration 10 --targets ours,naive,bare
    python -m bench live --scenario camp-hour | max | idle      # see docs/performance.md

What join-rush and ceremony print (per target, under "joins" and "verdict"; "join" = ours):
all_in_s (rush instant → the last welcome; null if someone never got in within --join-timeout),
in_within (welcomed within --join-within s, default the target), first_attempt_failures (and by
kind), handshakes_dropped (closed unanswered, e.g. daphne's 5-s connect timeout; reset; refused),
handshakes_timed_out (the client's --open-timeout), handshakes_shed (busy / room_full), retries,
retry_after_honoured, attempts_per_client, connect (rush → welcome percentiles); then the
message phase as every scenario: p50_ms, p99_ms, lost, duplicated, reordered, clients_never_in,
extras_sent / frames_received (reactions, hands, presence.batch / presence.join frames and
presence_changes); "verdict" = [measured, bound, met] per target of the issue.

Small smoke runs (a shared machine): add e.g. `--youth 29 --duration 10 --no-record` (join-rush),
`--rooms 3 --youth 10 --duration 10 --no-record` (ceremony), `--sizes 10,20,30 --duration 5
--plot /tmp/growth.png --no-record` (growth).
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

from bench import backend
from bench.common import log, percentile, ratio, summarize_ms
from bench.load import join_figures, lost_count, worker_main
from bench.server import Servers, prepare_database, server_env

TARGETS = ("ours", "ours-fix", "naive", "bare")
SCENARIOS = ("class", "join-rush", "ceremony", "camp-hour", "max", "storm", "idle", "growth")
# Scenarios whose clients all open the room in the same instant (no handshake limit), then retry
# like static/js/live-room.js; the others fill the room 8 handshakes at a time per load process.
RUSH_SCENARIOS = ("join-rush", "ceremony")
PROFILE_DIR = Path("/tmp/qc-bench-profiles")


def setup_django(database_url: str, redis_url: str) -> None:
    os.environ.update(server_env(database_url, redis_url))
    import django

    django.setup()


class World:
    """The rooms and logged-in users of one bench run (built once, shared by every target)."""

    def __init__(self, rooms: int, youth: int, *, ceremony: bool = False):
        from bench import world

        self.rooms = [world.ensure_room(index, youth) for index in range(rooms)]
        if ceremony:
            # The rooms are the phase's groups; everybody meets in the one ceremony room.
            self.rooms = [world.ensure_ceremony(self.rooms)]
        user_ids = [r["teacher_id"] for r in self.rooms] + [u for r in self.rooms for u in r["youth_ids"]]
        self.cookies = world.session_cookies(user_ids)

    def login_teachers_for_real(self, base_url: str) -> int:
        """Teachers log in through the real login form; youth get sessions written directly."""
        from bench import world

        rooms = [
            room for room in self.rooms if room.get("teacher_email")
        ]  # a ceremony's host: session written
        for room in rooms:
            self.cookies[room["teacher_id"]] = world.real_login(base_url, room["teacher_email"])
        return len(rooms)


def client_specs(
    target: str, world: World, servers: Servers, youth: int, senders_per_room: int, protocol: int = 2
) -> list[dict]:
    """One spec per client. The product's clients ask protocol version `protocol` (`?v=2`: batched
    presence and reactions, `busy` before a 4503 shed; 1: the old frames, no query string)."""
    from django.conf import settings

    query = f"?v={protocol}" if protocol > 1 else ""

    specs = []
    ports = servers.ports
    n = 0
    for room in world.rooms:
        members = [room["teacher_id"], *room["youth_ids"][:youth]]
        for rank, user_id in enumerate(members):
            port = ports[n % len(ports)]  # two processes: alternate clients between them
            n += 1
            if target == "ours":
                path = f"/ws/live/{room['session_id']}/{query}"
            elif target == "ours-fix":
                path = f"/ws/live-fix/{room['session_id']}/{query}"
            elif target == "naive":
                path = f"/ws/naive/r{room['index']}/"
            else:
                path = f"/ws/bare/r{room['index']}/"
            specs.append(
                {
                    "protocol": "ours" if target.startswith("ours") else target,
                    "url": f"ws://127.0.0.1:{port}{path}",
                    "origin": f"http://127.0.0.1:{port}",
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={world.cookies[user_id]}"
                    if target != "bare"
                    else None,
                    "room": room["index"],
                    "sender": room["index"] * 10000 + rank if rank < senders_per_room else None,
                    "sender_rank": rank,
                }
            )
    return specs


def senders_for(rate: float, per_sender: float, room_size: int) -> int:
    return max(1, min(room_size, math.ceil(rate / per_sender)))


class LoadRun:
    """Load processes holding one target's clients open across one or more phases."""

    def __init__(
        self,
        specs: list[dict],
        workers: int,
        nonce: str,
        handshake_concurrency: int = 8,
        open_timeout: float = 60,
    ):
        ctx = mp.get_context("spawn")
        self.conns, self.procs = [], []
        for w in range(workers):
            mine = specs[w::workers]
            if not mine:
                continue
            parent, child = ctx.Pipe()
            config = {
                "nonce": nonce,
                "clients": mine,
                "handshake_concurrency": handshake_concurrency,
                "open_timeout": open_timeout,
            }
            proc = ctx.Process(target=worker_main, args=(config, child), daemon=True)
            proc.start()
            self.conns.append(parent)
            self.procs.append(proc)

    def _ask(self, command: tuple, expect: str, timeout: float) -> list[dict]:
        for conn in self.conns:
            conn.send(command)
        answers = []
        deadline = time.monotonic() + timeout
        for conn in self.conns:
            if not conn.poll(max(0.1, deadline - time.monotonic())):
                raise RuntimeError(f"a load process did not answer {command[0]!r} in {timeout:.0f} s")
            kind, payload = conn.recv()
            assert kind == expect, (kind, expect)
            answers.append(payload)
        return answers

    def connect(
        self,
        timeout: float = 300,
        *,
        rush: bool = False,
        join_timeout: float = 120.0,
        within_s: float | None = None,
    ) -> dict:
        """Fill the room. rush=True: every client of every load process starts its first handshake
        at the same instant (0.5 s after all load processes answered) and keeps retrying like a phone for join_timeout s."""
        # Every load process up (imported, listening) before the clock starts or the instant is set.
        self._ask(("hello",), "hello", 120)
        began = time.monotonic()
        if rush:
            command = ("connect", time.time() + 0.5, join_timeout)
            timeout = max(timeout, join_timeout + 60)
        else:
            command = ("connect",)
        answers = self._ask(command, "connected", timeout)
        if rush:
            began += 0.5
        connect_ms = [v for a in answers for v in a["connect_ms"]]
        refused = [r for a in answers for r in a["refused"]]
        errors: dict[str, int] = {}
        for a in answers:
            for k, v in a["errors"].items():
                errors[k] = errors.get(k, 0) + v
        return {
            "clients": sum(a["clients"] for a in answers),
            "ready": sum(a["ready"] for a in answers),
            "connect_all_s": round(time.monotonic() - began, 2),
            "connect": summarize_ms(connect_ms),
            "refused": len(refused),
            "refused_examples": sorted(set(refused))[:3],
            "errors": errors,
            "join": join_figures([j for a in answers for j in a.get("joins", [])], within_s=within_s),
            "frames_while_joining": _sum_dicts(a.get("frames", {}) for a in answers),
            # How late the load processes started the rush (ms after the instant; should be ~0).
            "rush_late_ms": max(
                (round(a["rush_late_ms"], 1) for a in answers if a.get("rush_late_ms") is not None),
                default=None,
            ),
        }

    def phase(
        self,
        t0: float,
        duration: float,
        rate: float,
        senders: int,
        drain: float,
        timeout: float,
        extras: dict | None = None,
    ) -> list[dict]:
        return self._ask(("phase", t0, duration, rate, senders, drain, extras), "phase", timeout)

    def close(self) -> None:
        try:
            self._ask(("close",), "closed", 60)
        except Exception as exc:  # a dead worker must not hide the results we already have
            log(f"closing load processes: {exc}")
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()


def analyze(
    target: str, reports: list[dict], duration: float, rate: float, senders: int, t0: float = 0.0
) -> dict:
    clients = [c for r in reports for c in r["clients"]]
    sender_rows = [s for r in reports for s in r["senders"]]
    latencies = [v for r in reports for values in r["latencies_ms"].values() for v in values]
    accepted_by_room: dict[int, list[tuple[str, int]]] = {}
    for s in sender_rows:
        items = accepted_by_room.setdefault(s["room"], [])
        if target.startswith("ours"):
            items.extend(("seq", seq) for seq in s["accepted"])
        else:
            items.extend((str(s["index"]), counter) for counter in s["accepted"])
    lost = 0
    clients_with_loss = 0
    # A client that never got in (a rush whose stragglers were still retrying) saw nothing to judge:
    # it is counted apart, not as every message lost.
    never_in = [c for c in clients if not c.get("ready", True)]
    clients = [c for c in clients if c.get("ready", True)]
    for c in clients:
        missing = lost_count(c["streams"], accepted_by_room.get(c["room"], []))
        lost += missing
        clients_with_loss += 1 if missing else 0
    rejected: dict[str, int] = {}
    for s in sender_rows:
        for code, count in s["rejected"].items():
            rejected[code] = rejected.get(code, 0) + count
    lags = [v for s in sender_rows for v in s["lag_ms"]]
    errors: dict[str, int] = {}
    for r in reports:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    stats = summarize_ms(latencies)
    worst: dict[int, float] = {}
    for r in reports:
        for second, value in r["worst_by_second"].items():
            worst[second] = max(worst.get(second, 0.0), value)
    timeline = [round(worst[s]) for s in sorted(worst) if s >= int(t0)]
    return {
        "clients": len(clients) + len(never_in),
        "clients_never_in": len(never_in),
        "rooms": len({c["room"] for c in clients}),
        "rate": rate,
        "senders_per_room": senders,
        "duration_s": duration,
        **{k: stats[k] for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")},
        "deliveries": len(latencies),
        "deliveries_per_s": round(len(latencies) / duration, 1),
        "sent": sum(s["sent"] for s in sender_rows),
        "accepted": sum(len(v) for v in accepted_by_room.values()),
        "rejected": rejected,
        "unacked": sum(s["unacked"] for s in sender_rows),
        "not_sent": sum(s["not_sent"] for s in sender_rows),
        "lost": lost,
        "clients_with_loss": clients_with_loss,
        "duplicated": sum(c["duplicated"] for c in clients),
        "reordered": sum(c["reordered"] for c in clients),
        "gaps_resumed": sum(c["gaps"] for c in clients),
        "recovered_by_resume": sum(c["recovered"] for c in clients),
        "reloads": sum(c["reloads"] for c in clients),
        "send_lag_p99_ms": None if not lags else round(percentile(lags, 99), 1),
        "client_errors": errors,
        # Worst latency of the messages sent in each second of the phase: shows a backlog growing.
        "worst_ms_by_second": timeline,
        # Reactions and hands sent (the ceremony), and the non-chat frames the clients received.
        "extras_sent": _sum_dicts(r.get("extras_sent", {}) for r in reports),
        "frames_received": _sum_dicts(r.get("frames", {}) for r in reports),
    }


def _sum_dicts(dicts) -> dict:
    total: dict = {}
    for d in dicts:
        for k, v in d.items():
            total[k] = total.get(k, 0) + v
    return total


def storm_figures(reports: list[dict], kill_ns: int, within_s: float) -> dict:
    clients = [c for r in reports for c in r["clients"]]
    times = []
    dropped = 0
    for c in clients:
        drops = [d for d in c["drops"] if d[0] >= kill_ns - 2e9]
        if not drops:
            continue
        dropped += 1
        if drops[0][2] is not None:
            times.append((drops[0][2] - kill_ns) / 1e9)
    within = sum(1 for t in times if t <= within_s)
    return {
        "dropped": dropped,
        "resumed": len(times),
        f"resumed_within_{int(within_s)}s_share": round(within / dropped, 4) if dropped else None,
        "resume_p50_s": None if not times else round(percentile(times, 50), 2),
        "resume_p99_s": None if not times else round(percentile(times, 99), 2),
        "resume_max_s": None if not times else round(max(times), 2),
    }


class Profiler:
    """py-spy on the server processes for the length of a phase (raw collapsed stacks)."""

    def __init__(self, pids: list[int], seconds: float, label: str, *, idle: bool = False):
        PROFILE_DIR.mkdir(exist_ok=True)
        self.files = []
        self.procs = []
        spy = Path(os.sys.executable).parent / "py-spy"
        for pid in pids:
            out = PROFILE_DIR / f"{label}-{pid}.txt"
            self.files.append(out)
            self.procs.append(
                subprocess.Popen(
                    [
                        str(spy),
                        "record",
                        "-p",
                        str(pid),
                        "-d",
                        str(int(seconds)),
                        "-r",
                        "50",
                        "-f",
                        "raw",
                        "-o",
                        str(out),
                        "--nonblocking",
                        # idle: samples of threads waiting too (the database thread's PostgreSQL
                        # round trips, the reactor's epoll), so that shares are of wall time.
                        *(["--idle"] if idle else []),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def stop(self, top: int = 15) -> dict:
        """Stop sampling now (py-spy writes what it has on SIGINT) and summarise."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        return self.finish(top)

    def finish(self, top: int = 15) -> dict:
        for proc in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGINT)
        own: dict[str, int] = {}
        inclusive: dict[str, int] = {}
        total = 0
        for path in self.files:
            if not path.exists():
                continue
            for line in path.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                if not count.isdigit():
                    continue
                n = int(count)
                total += n
                frames = stack.split(";")
                own[frames[-1]] = own.get(frames[-1], 0) + n
                for frame in set(frames):
                    inclusive[frame] = inclusive.get(frame, 0) + n

        def share(table):
            rows = sorted(table.items(), key=lambda kv: -kv[1])[:top]
            return [[name, round(100 * n / total, 1)] for name, n in rows] if total else []

        return {
            "samples": total,
            "files": [str(p) for p in self.files],
            "self_pct": share(own),
            "inclusive_pct": share(inclusive),
        }


def live_setting_env(items: list[str] | None) -> dict:
    """--live-setting NAME=VALUE items as the environment bench/settings.py reads."""
    out = {}
    for item in items or []:
        name, _, value = item.partition("=")
        out[f"BENCH_SETTING_{name}"] = value
    return out


def run_target(
    target: str,
    args,
    world: World,
    *,
    youth: int,
    phases: list[dict],
    storm_at: float | None = None,
    idle_only: bool = False,
    servers: Servers | None = None,
) -> dict:
    """One target: fresh servers, connect everybody, run the phases, close; figures per phase."""
    env = server_env(args.database_url, args.redis_url)
    env.update(live_setting_env(getattr(args, "live_setting", None)))
    own_servers = servers is None
    if own_servers:
        kind = "bare" if target == "bare" else "daphne"
        daphne_args = []
        if getattr(args, "websocket_connect_timeout", None):
            daphne_args = ["--websocket_connect_timeout", str(args.websocket_connect_timeout)]
        servers = Servers(
            kind,
            processes=args.processes,
            base_port=8790 if kind == "bare" else 8780,
            env=env,
            daphne_args=daphne_args,
        )
        servers.start()
    max_senders = max([senders_for(p["rate"], args.per_sender_rate, youth + 1) for p in phases] or [1])
    specs = client_specs(target, world, servers, youth, max_senders, protocol=getattr(args, "protocol", 2))
    result: dict = {"target": target, "server_processes": len(servers.ports)}
    load = None
    ours = target.startswith("ours")
    try:
        rss_before = servers.rss_bytes()
        backend_before = backend.snapshot(args.database_url, args.redis_url) if ours else None
        rush = args.scenario in RUSH_SCENARIOS
        load = LoadRun(
            specs,
            args.workers,
            secrets.token_hex(3),
            0 if rush else args.connect_concurrency,
            open_timeout=args.open_timeout,
        )
        join_profiler = (
            Profiler(
                servers.pids,
                args.join_timeout + 60,
                f"{args.scenario}-{target}-join",
                idle=os.environ.get("BENCH_PROFILE_IDLE") == "1",
            )
            if args.profile and ours
            else None
        )
        result["connect"] = load.connect(rush=rush, join_timeout=args.join_timeout, within_s=args.join_within)
        if join_profiler:
            result["connect"]["profile"] = join_profiler.stop(top=25)
        if rush:
            j = result["connect"]["join"]
            log(
                f"{target}: {j['in']}/{j['clients']} in, all in after {j['all_in_s']} s "
                f"({j.get('in_within')} within {j.get('within_s')} s), first-attempt failures "
                f"{j['first_attempt_failures']}, dropped {j['handshakes_dropped']} (timed out "
                f"{j['handshakes_timed_out']}), shed {j['handshakes_shed']}, retries {j['retries']}, "
                f"attempts p99 {j['attempts_per_client']['p99']}, welcome p50/p99 {j['connect']['p50_ms']}/"
                f"{j['connect']['p99_ms']} ms"
            )
        backend_joined = backend.snapshot(args.database_url, args.redis_url) if ours else None
        time.sleep(args.settle)
        rss_after = servers.rss_bytes()
        ready = max(1, result["connect"]["ready"])
        result["server_rss_mib"] = round(rss_after / 2**20, 1)
        result["rss_per_conn_kib"] = round((rss_after - rss_before) / ready / 1024, 1)
        if idle_only:
            return result
        result["phases"] = []
        for phase in phases:
            senders = senders_for(phase["rate"], args.per_sender_rate, youth + 1)
            t0 = time.time() + 1.0
            cpu_before = servers.cpu_seconds()
            profiler = None
            if args.profile and target.startswith("ours"):
                profiler = Profiler(
                    servers.pids, phase["duration"] + 1, f"{args.scenario}-{target}-{phase['rate']}"
                )
            kill_ns = None
            if storm_at is not None:
                for conn in load.conns:
                    conn.send(("phase", t0, phase["duration"], phase["rate"], senders, phase["drain"], None))
                time.sleep(max(0.0, t0 + storm_at - time.time()))
                kill_ns = time.time_ns()
                away = servers.restart()
                log(f"{target}: server restarted, away {away:.1f} s "
                    f"(stop {servers.last_stop_s:.1f} s, start {servers.last_start_s:.1f} s)")
                reports = []
                deadline = time.monotonic() + phase["duration"] + phase["drain"] + 120
                for conn in load.conns:
                    if not conn.poll(max(0.1, deadline - time.monotonic())):
                        raise RuntimeError("a load process did not report the storm phase")
                    reports.append(conn.recv()[1])
            else:
                reports = load.phase(
                    t0,
                    phase["duration"],
                    phase["rate"],
                    senders,
                    phase["drain"],
                    timeout=phase["duration"] + phase["drain"] + 120,
                    extras=phase.get("extras") if target.startswith("ours") else None,
                )
            figures = analyze(target, reports, phase["duration"], phase["rate"], senders, t0)
            figures["server_cpu_pct"] = (
                round(
                    100 * (servers.cpu_seconds() - cpu_before) / (phase["duration"] + phase["drain"] + 1), 1
                )
                if storm_at is None
                else None
            )
            if kill_ns is not None:
                figures["storm"] = storm_figures(reports, kill_ns, args.resume_within)
                figures["storm"]["server_away_s"] = round(away, 2)
                figures["storm"]["server_stop_s"] = round(servers.last_stop_s, 2)
                figures["storm"]["server_start_s"] = round(servers.last_start_s, 2)
            if profiler:
                figures["profile"] = profiler.finish()
            log(
                f"{target}: rate {phase['rate']}/room → p50 {figures['p50_ms']} p99 {figures['p99_ms']} ms, "
                f"{figures['deliveries_per_s']} deliveries/s, lost {figures['lost']}, dup {figures['duplicated']}, "
                f"reordered {figures['reordered']}"
            )
            result["phases"].append(figures)
            if phase.get("stop_if") and phase["stop_if"](figures):
                break
        if ours and storm_at is None:
            # Redis and PostgreSQL per joining client and per 1,000 clients a second (docs/scaling.md).
            result["backend"] = backend.load_figures(
                backend_before,
                backend_joined,
                backend.snapshot(args.database_url, args.redis_url),
                clients=result["connect"]["ready"],
            )
            log(f"{target}: backend {result['backend']}")
        return result
    finally:
        if load is not None:
            load.close()
        if own_servers:
            servers.stop()


def _flat(result: dict) -> dict:
    """One phase's figures lifted next to the connect/RSS figures."""
    phase = result["phases"][-1] if result.get("phases") else {}
    return {**{k: v for k, v in result.items() if k != "phases"}, **phase}


def _with_ratios(ours: dict, naive: dict | None, bare: dict | None, keys=("deliveries_per_s",)) -> dict:
    ratios = {}
    for name, other in (("naive", naive), ("bare", bare)):
        if other is None:
            continue
        for key in ("p50_ms", "p99_ms", *keys):
            ratios[f"{key}_vs_{name}"] = ratio(ours.get(key), other.get(key))
    return ratios


def steady(args, world: World, *, youth: int, rate: float, duration: float) -> dict:
    phases = [{"rate": rate, "duration": duration, "drain": args.drain}]
    runs = {t: _flat(run_target(t, args, world, youth=youth, phases=phases)) for t in args.targets}
    return _compose(runs)


def _compose(runs: dict) -> dict:
    ours = runs.get("ours") or {}
    out = {
        **{
            k: ours.get(k)
            for k in (
                "clients",
                "rooms",
                "rate",
                "p50_ms",
                "p99_ms",
                "deliveries_per_s",
                "lost",
                "duplicated",
                "reordered",
            )
        },
        "ours": ours,
        "naive": runs.get("naive"),
        "bare": runs.get("bare"),
        # The product consumer with the one change proposed in docs/performance.md (bench/patched.py).
        "ours_fix": runs.get("ours-fix"),
    }
    out["ratios"] = _with_ratios(ours, runs.get("naive"), runs.get("bare"))
    if runs.get("ours-fix"):
        out["ratios_ours_fix"] = _with_ratios(runs["ours-fix"], runs.get("naive"), runs.get("bare"))
    return out


# The targets for the two "joining at once" scenarios (None: no target on that figure).
RUSH_TARGETS = {
    "join-rush": {
        "all_in_s": 10.0,
        "handshakes_dropped": 0,
        "p50_ms": 30.0,
        "p99_ms": 100.0,
        "lost": 0,
        "duplicated": 0,
        "reordered": 0,
    },
    "ceremony": {
        "all_in_s": 30.0,
        "handshakes_dropped": None,
        "p50_ms": None,
        "p99_ms": 250.0,
        "lost": 0,
        "duplicated": None,
        "reordered": None,
    },
}


def rush_verdict(run: dict, targets: dict) -> dict:
    """Each target of a rush scenario against one target's figures: {name: [measured, bound, met]}.
    met is None when the figure is missing (e.g. not all clients got in: all_in_s is None)."""
    join = (run.get("connect") or {}).get("join") or {}
    measured = {
        "all_in_s": join.get("all_in_s"),
        "handshakes_dropped": join.get("handshakes_dropped"),
        **{k: run.get(k) for k in ("p50_ms", "p99_ms", "lost", "duplicated", "reordered")},
    }
    out = {}
    for name, bound in targets.items():
        if bound is None:
            continue
        value = measured.get(name)
        if name == "all_in_s" and value is None and join.get("clients"):
            out[name] = [None, bound, False]  # somebody never got in
            continue
        out[name] = [value, bound, None if value is None else value <= bound]
    out["all_met"] = all(v[2] for v in out.values()) if out else None
    return out


def join_rush(args, world: World, *, youth: int, extras: dict | None = None) -> dict:
    """Everybody opens the room in the same instant (then retries like live-room.js), then the
    class (or ceremony) runs at args.rate for args.duration; the join figures of every target."""
    room_size = len(world.rooms[0]["youth_ids"]) if extras is not None else youth
    phases = [{"rate": args.rate, "duration": args.duration, "drain": args.drain, "extras": extras}]
    runs = {t: _flat(run_target(t, args, world, youth=room_size, phases=phases)) for t in args.targets}
    out = _compose(runs)
    joins = {t.replace("-", "_"): (r.get("connect") or {}).get("join") for t, r in runs.items()}
    out["join"] = joins.get("ours")
    out["joins"] = joins
    out["join_within_s"] = args.join_within
    out["join_timeout_s"] = args.join_timeout
    targets = RUSH_TARGETS[args.scenario]
    if args.join_within is not None:
        targets = {**targets, "all_in_s": args.join_within}
    out["targets"] = targets
    out["verdict"] = {t.replace("-", "_"): rush_verdict(r, targets) for t, r in runs.items()}
    if extras is not None:
        out["extras"] = extras
        out["groups"] = world.rooms[0].get("groups")
    for t, v in out["verdict"].items():
        log(
            f"{t}: targets "
            + ", ".join(
                f"{k} {m[0]} ≤ {m[1]}: {'met' if m[2] else 'MISSED'}" for k, m in v.items() if k != "all_met"
            )
        )
    return out


def ceremony_extras(args, room_size: int, senders: int) -> dict:
    """Reactions and hands in the ceremony: the room's rates spread over the youth ranked after the
    chat senders (about 0.1 reactions/s and 0.05 hand changes/s each in a big room; the person's
    bucket allows 1/s), hands on a quarter of them at most in a small room."""
    available = max(0, room_size - senders)
    handers = (
        min(math.ceil(args.hand_rate / 0.05), max(1, available // 4), available) if args.hand_rate > 0 else 0
    )
    reactors = min(math.ceil(args.reaction_rate / 0.1), available - handers) if args.reaction_rate > 0 else 0
    out = {
        "reaction_rate": args.reaction_rate,
        "reactors": reactors,
        "hand_rate": args.hand_rate,
        "handers": handers,
    }
    for kind, rate, count in (
        ("reactions", args.reaction_rate, reactors),
        ("hands", args.hand_rate, handers),
    ):
        if rate > 0 and (count == 0 or rate / count > 1.0):
            log(
                f"ceremony: {count} youth cannot send {rate} {kind}/s under the per-person limit; room too small"
            )
    return out


def max_throughput(args, world: World, *, youth: int) -> dict:
    """Ramp the rate in one room until p99 passes the bound; the best step within it counts."""
    bound = args.p99_bound

    failures = []

    def stop_if(figures):
        # Two failing steps in a row end the ramp: one may only be the room still settling.
        failures.append((figures["p99_ms"] or 1e9) > bound or figures["lost"] > 0)
        return failures[-2:] == [True, True]

    phases = [
        {"rate": r, "duration": args.step_duration, "drain": args.drain, "stop_if": stop_if}
        for r in args.ramp
    ]
    runs = {}
    for target in args.targets:
        failures.clear()
        result = run_target(target, args, world, youth=youth, phases=phases)
        ok = [p for p in result["phases"] if (p["p99_ms"] or 1e9) <= bound and p["lost"] == 0]
        best = max(ok, key=lambda p: p["deliveries_per_s"]) if ok else None
        runs[target] = {
            "best_deliveries_per_s": best["deliveries_per_s"] if best else 0,
            "best_rate": best["rate"] if best else None,
            "best_p99_ms": best["p99_ms"] if best else None,
            "ramp_exhausted": bool(ok)
            and result["phases"][-1] is ok[-1]
            and len(result["phases"]) == len(phases),
            "steps": result["phases"],
            "connect": result["connect"],
        }
    ours = runs.get("ours", {})
    out = {
        "clients": youth + 1,
        "rooms": 1,
        "p99_bound_ms": bound,
        "deliveries_per_s": ours.get("best_deliveries_per_s"),
        "ours": ours,
        "naive": runs.get("naive"),
        "bare": runs.get("bare"),
        "ours_fix": runs.get("ours-fix"),
    }
    if runs.get("ours-fix") and runs.get("naive"):
        out["ours_fix_vs_naive"] = ratio(
            runs["ours-fix"]["best_deliveries_per_s"], runs["naive"]["best_deliveries_per_s"]
        )
    if runs.get("naive"):
        out["vs_naive"] = ratio(ours.get("best_deliveries_per_s"), runs["naive"]["best_deliveries_per_s"])
    if runs.get("bare"):
        out["share_of_bare"] = ratio(ours.get("best_deliveries_per_s"), runs["bare"]["best_deliveries_per_s"])
    return out


def storm(args, world: World, *, youth: int) -> dict:
    phases = [{"rate": args.rate, "duration": args.duration, "drain": args.storm_drain}]
    runs = {}
    for target in args.targets:
        runs[target] = _flat(
            run_target(target, args, world, youth=youth, phases=phases, storm_at=args.storm_at)
        )
    out = _compose(runs)
    out["storm"] = (runs.get("ours") or {}).get("storm")
    return out


def idle(args, world: World, *, youth: int) -> dict:
    runs = {t: run_target(t, args, world, youth=youth, phases=[], idle_only=True) for t in args.targets}
    ours = runs.get("ours", {})
    return {
        "clients": ours.get("connect", {}).get("ready"),
        "rooms": len(world.rooms),
        "rss_per_conn_kib": ours.get("rss_per_conn_kib"),
        "ours": ours,
        "naive": runs.get("naive"),
        "bare": runs.get("bare"),
        "ours_fix": runs.get("ours-fix"),
    }


def growth(args, world: World) -> dict:
    rows = {t: [] for t in args.targets}
    for size in args.sizes:
        youth = size - 1  # the teacher is one of the clients
        phases = [{"rate": args.rate, "duration": args.duration, "drain": args.drain}]
        for target in args.targets:
            flat = _flat(run_target(target, args, world, youth=youth, phases=phases))
            rows[target].append(
                {
                    k: flat.get(k)
                    for k in (
                        "clients",
                        "p50_ms",
                        "p99_ms",
                        "deliveries_per_s",
                        "lost",
                        "duplicated",
                        "reordered",
                        "rss_per_conn_kib",
                        "server_cpu_pct",
                    )
                }
                | connect_row(flat["connect"])
            )
    from bench.plot import growth_plot

    slopes = {t.replace("-", "_"): connect_slopes(v) for t, v in rows.items()}
    for t, points in rows.items():
        for point, marginal in zip(
            points, slopes[t.replace("-", "_")]["marginal_ms_per_client"], strict=True
        ):
            point["connect_marginal_ms"] = marginal
    png = growth_plot(rows, args.plot, slopes)
    for t, v in slopes.items():
        log(
            f"{t}: connect cost per added client {v['marginal_ms_per_client']} ms → slope "
            f"{v['marginal_ms_per_100_clients']} ms per extra 100 clients (flat = 0); average fill time per "
            f"client: slope {v['per_join_ms_per_100_clients']}"
        )
    return {
        "sizes": args.sizes,
        "rate": args.rate,
        "rooms": 1,
        "plot": png,
        **{t.replace("-", "_"): v for t, v in rows.items()},
        # Connect cost per client against the room's size: ms per extra 100 clients (flat = 0).
        "connect_slope": slopes,
        "connect_slope_ms_per_100_clients": (slopes.get("ours") or {}).get("marginal_ms_per_100_clients"),
        "clients": args.sizes[-1],
        "p99_ms": rows.get("ours", [{}])[-1].get("p99_ms") if rows.get("ours") else None,
    }


def connect_row(connect: dict) -> dict:
    """A growth row's connect figures: per-client handshake→welcome times and the server's cost
    per join (the time to fill the room / clients, the handshakes being paced)."""
    ready = connect.get("ready") or 0
    return {
        "connect_p50_ms": connect["connect"]["p50_ms"],
        "connect_p99_ms": connect["connect"]["p99_ms"],
        "connect_all_s": connect["connect_all_s"],
        "connect_per_join_ms": round(1000 * connect["connect_all_s"] / ready, 2) if ready else None,
    }


def slope(xs: list[float], ys: list[float | None]) -> float | None:
    """Least-squares slope of ys against xs (pairs with a None left out); None under two points."""
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    if len(pairs) < 2:
        return None
    mx = sum(x for x, _ in pairs) / len(pairs)
    my = sum(y for _, y in pairs) / len(pairs)
    var = sum((x - mx) ** 2 for x, _ in pairs)
    if var == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in pairs) / var


def marginal_connect_ms(points: list[dict]) -> list[float | None]:
    """Per row: ms the room took to fill per client added since the previous size (Δ fill time /
    Δ clients), None for the first row: the cost of one more join at that size, without the fixed
    start-up that an average over few clients carries."""
    out: list[float | None] = [None] * len(points)
    for i in range(1, len(points)):
        a, b = points[i - 1], points[i]
        if a.get("connect_all_s") is None or b.get("connect_all_s") is None or b["clients"] == a["clients"]:
            continue
        out[i] = round(1000 * (b["connect_all_s"] - a["connect_all_s"]) / (b["clients"] - a["clients"]), 2)
    return out


def connect_slopes(points: list[dict]) -> dict:
    """How much more a join costs per extra 100 clients in the room (the issue's "flat" target:
    0). The headline is the slope of the marginal cost (marginal_connect_ms); the average fill time
    per client and the handshake→welcome times are given too."""
    xs = [p["clients"] for p in points]

    def per_100(ys, at=xs):
        value = slope(at, ys)
        return None if value is None else round(100 * value, 2)

    marginal = marginal_connect_ms(points)
    # Each marginal cost belongs to the middle of its interval of sizes.
    middles = [xs[0]] + [(xs[i - 1] + xs[i]) / 2 for i in range(1, len(xs))] if xs else []
    first, last = (points[0], points[-1]) if points else ({}, {})
    return {
        "marginal_ms_per_client": marginal,
        "marginal_ms_per_100_clients": per_100(marginal, middles),
        "per_join_ms_per_100_clients": per_100([p.get("connect_per_join_ms") for p in points]),
        "p50_ms_per_100_clients": per_100([p.get("connect_p50_ms") for p in points]),
        "p99_ms_per_100_clients": per_100([p.get("connect_p99_ms") for p in points]),
        "p99_latency_ratio_last_vs_first": ratio(last.get("p99_ms"), first.get("p99_ms")),
    }


def main(args) -> dict:
    prepare_database(args.database_url, args.redis_url, fresh=args.fresh_db)
    setup_django(args.database_url, args.redis_url)
    scenario = args.scenario
    defaults = {  # rooms, youth per room
        "class": (1, 250),
        "join-rush": (1, 250),
        "camp-hour": (4, 250),
        "max": (1, 250),
        "storm": (4, 250),
        "idle": (4, 250),
        "growth": (1, max(args.sizes) - 1),
        "ceremony": (4, 250),  # 4 groups of the phase × 250 youth, all in ONE room, + the organizer
    }
    rooms, youth = defaults[scenario]
    rooms = args.rooms or rooms
    youth = args.youth or youth
    world = World(rooms, youth, ceremony=scenario == "ceremony")
    if scenario == "ceremony":
        log(
            f"world: ONE ceremony room of {rooms} groups × {youth} youth + the organizer; targets {args.targets}"
        )
    else:
        log(f"world: {rooms} room(s) × {youth} youth + teacher; scenario {scenario}; targets {args.targets}")
    if "ours" in args.targets:
        # Teachers log in through the real form once per run; it also proves the login page works.
        env = server_env(args.database_url, args.redis_url)
        with Servers("daphne", processes=1, base_port=8780, env=env) as s:
            world.login_teachers_for_real(f"http://127.0.0.1:{s.ports[0]}")
    common = {
        "scenario": scenario,
        "server_processes": args.processes,
        "load_processes": args.workers,
        "protocol": getattr(args, "protocol", 2),
        "live_settings": getattr(args, "live_setting", None) or [],
    }
    if scenario == "class":
        figures = steady(args, world, youth=youth, rate=args.rate, duration=args.duration)
    elif scenario == "join-rush":
        figures = join_rush(args, world, youth=youth)
    elif scenario == "ceremony":
        size = len(world.rooms[0]["youth_ids"]) + 1
        extras = ceremony_extras(args, size, senders_for(args.rate, args.per_sender_rate, size))
        figures = join_rush(args, world, youth=youth, extras=extras)
    elif scenario == "camp-hour":
        figures = steady(args, world, youth=youth, rate=args.rate, duration=args.duration)
    elif scenario == "max":
        figures = max_throughput(args, world, youth=youth)
    elif scenario == "storm":
        figures = storm(args, world, youth=youth)
    elif scenario == "idle":
        figures = idle(args, world, youth=youth)
    else:
        figures = growth(args, world)
    return {**common, **figures}
