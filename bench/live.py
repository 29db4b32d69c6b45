"""`python -m bench live`: the live classroom under load, ours against the naive and bare baselines.

Each scenario runs the product (`ours`, ws/live/<session>/ on daphne), the naive Channels-tutorial
consumer (ws/naive/<room>/ on the same bench ASGI app, its own daphne start) and the bare
`websockets` server, one after the other on the same machine, each on a freshly started server.
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

from bench.common import log, percentile, ratio, summarize_ms
from bench.load import lost_count, worker_main
from bench.server import Servers, prepare_database, server_env

TARGETS = ("ours", "ours-fix", "naive", "bare")
SCENARIOS = ("class", "camp-hour", "max", "storm", "idle", "growth")
PROFILE_DIR = Path("/tmp/qc-bench-profiles")


def setup_django(database_url: str, redis_url: str) -> None:
    os.environ.update(server_env(database_url, redis_url))
    import django

    django.setup()


class World:
    """The rooms and logged-in users of one bench run (built once, shared by every target)."""

    def __init__(self, rooms: int, youth: int):
        from bench import world

        self.rooms = [world.ensure_room(index, youth) for index in range(rooms)]
        user_ids = [r["teacher_id"] for r in self.rooms] + [u for r in self.rooms for u in r["youth_ids"]]
        self.cookies = world.session_cookies(user_ids)

    def login_teachers_for_real(self, base_url: str) -> int:
        """Teachers log in through the real login form; youth get sessions written directly."""
        from bench import world

        for room in self.rooms:
            self.cookies[room["teacher_id"]] = world.real_login(base_url, room["teacher_email"])
        return len(self.rooms)


def client_specs(target: str, world: World, servers: Servers, youth: int, senders_per_room: int) -> list[dict]:
    from django.conf import settings

    specs = []
    ports = servers.ports
    n = 0
    for room in world.rooms:
        members = [room["teacher_id"], *room["youth_ids"][:youth]]
        for rank, user_id in enumerate(members):
            port = ports[n % len(ports)]  # two processes: alternate clients between them
            n += 1
            if target == "ours":
                path = f"/ws/live/{room['session_id']}/"
            elif target == "ours-fix":
                path = f"/ws/live-fix/{room['session_id']}/"
            elif target == "naive":
                path = f"/ws/naive/r{room['index']}/"
            else:
                path = f"/ws/bare/r{room['index']}/"
            specs.append(
                {
                    "protocol": "ours" if target.startswith("ours") else target,
                    "url": f"ws://127.0.0.1:{port}{path}",
                    "origin": f"http://127.0.0.1:{port}",
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={world.cookies[user_id]}" if target != "bare" else None,
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

    def __init__(self, specs: list[dict], workers: int, nonce: str, handshake_concurrency: int = 8):
        ctx = mp.get_context("spawn")
        self.conns, self.procs = [], []
        for w in range(workers):
            mine = specs[w::workers]
            if not mine:
                continue
            parent, child = ctx.Pipe()
            config = {"nonce": nonce, "clients": mine, "handshake_concurrency": handshake_concurrency}
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

    def connect(self, timeout: float = 300) -> dict:
        began = time.monotonic()
        answers = self._ask(("connect",), "connected", timeout)
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
        }

    def phase(self, t0: float, duration: float, rate: float, senders: int, drain: float, timeout: float) -> list[dict]:
        return self._ask(("phase", t0, duration, rate, senders, drain), "phase", timeout)

    def close(self) -> None:
        try:
            self._ask(("close",), "closed", 60)
        except Exception as exc:  # a dead worker must not hide the results we already have
            log(f"closing load processes: {exc}")
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()


def analyze(target: str, reports: list[dict], duration: float, rate: float, senders: int, t0: float = 0.0) -> dict:
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
        "clients": len(clients),
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
    }


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

    def __init__(self, pids: list[int], seconds: float, label: str):
        PROFILE_DIR.mkdir(exist_ok=True)
        self.files = []
        self.procs = []
        spy = Path(os.sys.executable).parent / "py-spy"
        for pid in pids:
            out = PROFILE_DIR / f"{label}-{pid}.txt"
            self.files.append(out)
            self.procs.append(subprocess.Popen(
                [str(spy), "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "50", "-f", "raw", "-o", str(out),
                 "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))

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

        return {"samples": total, "files": [str(p) for p in self.files], "self_pct": share(own),
                "inclusive_pct": share(inclusive)}


def run_target(target: str, args, world: World, *, youth: int, phases: list[dict], storm_at: float | None = None,
               idle_only: bool = False, servers: Servers | None = None) -> dict:
    """One target: fresh servers, connect everybody, run the phases, close; figures per phase."""
    env = server_env(args.database_url, args.redis_url)
    own_servers = servers is None
    if own_servers:
        kind = "bare" if target == "bare" else "daphne"
        servers = Servers(kind, processes=args.processes, base_port=8790 if kind == "bare" else 8780, env=env)
        servers.start()
    max_senders = max([senders_for(p["rate"], args.per_sender_rate, youth + 1) for p in phases] or [1])
    specs = client_specs(target, world, servers, youth, max_senders)
    result: dict = {"target": target, "server_processes": len(servers.ports)}
    load = None
    try:
        rss_before = servers.rss_bytes()
        load = LoadRun(specs, args.workers, secrets.token_hex(3), args.connect_concurrency)
        result["connect"] = load.connect()
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
                profiler = Profiler(servers.pids, phase["duration"] + 1, f"{args.scenario}-{target}-{phase['rate']}")
            kill_ns = None
            if storm_at is not None:
                for conn in load.conns:
                    conn.send(("phase", t0, phase["duration"], phase["rate"], senders, phase["drain"]))
                time.sleep(max(0.0, t0 + storm_at - time.time()))
                kill_ns = time.time_ns()
                away = servers.restart()
                log(f"{target}: server restarted, away {away:.1f} s")
                reports = []
                deadline = time.monotonic() + phase["duration"] + phase["drain"] + 120
                for conn in load.conns:
                    if not conn.poll(max(0.1, deadline - time.monotonic())):
                        raise RuntimeError("a load process did not report the storm phase")
                    reports.append(conn.recv()[1])
            else:
                reports = load.phase(t0, phase["duration"], phase["rate"], senders, phase["drain"],
                                     timeout=phase["duration"] + phase["drain"] + 120)
            figures = analyze(target, reports, phase["duration"], phase["rate"], senders, t0)
            figures["server_cpu_pct"] = round(
                100 * (servers.cpu_seconds() - cpu_before) / (phase["duration"] + phase["drain"] + 1), 1
            ) if storm_at is None else None
            if kill_ns is not None:
                figures["storm"] = storm_figures(reports, kill_ns, args.resume_within)
                figures["storm"]["server_away_s"] = round(away, 2)
            if profiler:
                figures["profile"] = profiler.finish()
            log(f"{target}: rate {phase['rate']}/room → p50 {figures['p50_ms']} p99 {figures['p99_ms']} ms, "
                f"{figures['deliveries_per_s']} deliveries/s, lost {figures['lost']}, dup {figures['duplicated']}, "
                f"reordered {figures['reordered']}")
            result["phases"].append(figures)
            if phase.get("stop_if") and phase["stop_if"](figures):
                break
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
        **{k: ours.get(k) for k in ("clients", "rooms", "rate", "p50_ms", "p99_ms", "deliveries_per_s", "lost",
                                    "duplicated", "reordered")},
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


def max_throughput(args, world: World, *, youth: int) -> dict:
    """Ramp the rate in one room until p99 passes the bound; the best step within it counts."""
    bound = args.p99_bound

    failures = []

    def stop_if(figures):
        # Two failing steps in a row end the ramp: one may only be the room still settling.
        failures.append((figures["p99_ms"] or 1e9) > bound or figures["lost"] > 0)
        return failures[-2:] == [True, True]

    phases = [{"rate": r, "duration": args.step_duration, "drain": args.drain, "stop_if": stop_if}
              for r in args.ramp]
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
            "ramp_exhausted": bool(ok) and result["phases"][-1] is ok[-1] and len(result["phases"]) == len(phases),
            "steps": result["phases"],
            "connect": result["connect"],
        }
    ours = runs.get("ours", {})
    out = {
        "clients": youth + 1, "rooms": 1, "p99_bound_ms": bound,
        "deliveries_per_s": ours.get("best_deliveries_per_s"),
        "ours": ours, "naive": runs.get("naive"), "bare": runs.get("bare"), "ours_fix": runs.get("ours-fix"),
    }
    if runs.get("ours-fix") and runs.get("naive"):
        out["ours_fix_vs_naive"] = ratio(runs["ours-fix"]["best_deliveries_per_s"],
                                         runs["naive"]["best_deliveries_per_s"])
    if runs.get("naive"):
        out["vs_naive"] = ratio(ours.get("best_deliveries_per_s"), runs["naive"]["best_deliveries_per_s"])
    if runs.get("bare"):
        out["share_of_bare"] = ratio(ours.get("best_deliveries_per_s"), runs["bare"]["best_deliveries_per_s"])
    return out


def storm(args, world: World, *, youth: int) -> dict:
    phases = [{"rate": args.rate, "duration": args.duration, "drain": args.storm_drain}]
    runs = {}
    for target in args.targets:
        runs[target] = _flat(run_target(target, args, world, youth=youth, phases=phases, storm_at=args.storm_at))
    out = _compose(runs)
    out["storm"] = (runs.get("ours") or {}).get("storm")
    return out


def idle(args, world: World, *, youth: int) -> dict:
    runs = {t: run_target(t, args, world, youth=youth, phases=[], idle_only=True) for t in args.targets}
    ours = runs.get("ours", {})
    return {
        "clients": ours.get("connect", {}).get("ready"), "rooms": len(world.rooms),
        "rss_per_conn_kib": ours.get("rss_per_conn_kib"),
        "ours": ours, "naive": runs.get("naive"), "bare": runs.get("bare"), "ours_fix": runs.get("ours-fix"),
    }


def growth(args, world: World) -> dict:
    rows = {t: [] for t in args.targets}
    for size in args.sizes:
        youth = size - 1  # the teacher is one of the clients
        phases = [{"rate": args.rate, "duration": args.duration, "drain": args.drain}]
        for target in args.targets:
            flat = _flat(run_target(target, args, world, youth=youth, phases=phases))
            rows[target].append({k: flat.get(k) for k in (
                "clients", "p50_ms", "p99_ms", "deliveries_per_s", "lost", "duplicated", "reordered",
                "rss_per_conn_kib", "server_cpu_pct")} | {"connect_p99_ms": flat["connect"]["connect"]["p99_ms"],
                                                   "connect_all_s": flat["connect"]["connect_all_s"]})
    from bench.plot import growth_plot

    png = growth_plot(rows, args.plot)
    return {"sizes": args.sizes, "rate": args.rate, "rooms": 1, "plot": png,
            **{t.replace("-", "_"): v for t, v in rows.items()},
            "clients": args.sizes[-1],
            "p99_ms": rows.get("ours", [{}])[-1].get("p99_ms") if rows.get("ours") else None}


def main(args) -> dict:
    prepare_database(args.database_url, args.redis_url, fresh=args.fresh_db)
    setup_django(args.database_url, args.redis_url)
    scenario = args.scenario
    defaults = {  # rooms, youth per room
        "class": (1, 250), "camp-hour": (4, 250), "max": (1, 250), "storm": (4, 250), "idle": (4, 250),
        "growth": (1, max(args.sizes) - 1),
    }
    rooms, youth = defaults[scenario]
    rooms = args.rooms or rooms
    youth = args.youth or youth
    world = World(rooms, youth)
    log(f"world: {rooms} room(s) × {youth} youth + teacher; scenario {scenario}; targets {args.targets}")
    if "ours" in args.targets:
        # Teachers log in through the real form once per run; it also proves the login page works.
        env = server_env(args.database_url, args.redis_url)
        with Servers("daphne", processes=1, base_port=8780, env=env) as s:
            world.login_teachers_for_real(f"http://127.0.0.1:{s.ports[0]}")
    common = {"scenario": scenario, "server_processes": args.processes, "load_processes": args.workers}
    if scenario == "class":
        figures = steady(args, world, youth=youth, rate=args.rate, duration=args.duration)
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
