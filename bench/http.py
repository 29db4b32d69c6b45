"""`python -m bench http`: key pages on the scale dataset against a trivial view in the same server.

For each page: p50/p99 of one client's sequential requests (keep-alive), then throughput with 8
concurrent clients (2 load processes × 4 threads), both next to the trivial Django view
/bench/trivial/ served by the same daphne process(es) through the same middleware.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import threading
import time
from pathlib import Path

from bench.common import log, ratio, summarize_ms
from bench.jobs import ensure_scale
from bench.live import setup_django
from bench.server import Servers, prepare_database, server_env

PROFILE_DIR = Path("/tmp/qc-bench-profiles")
TARGET_P99_MS = 150.0
TARGET_SHARE = 0.40


def pages() -> tuple[list[dict], dict[int, str]]:
    """The key pages of the scale camp, each with the user who opens it."""
    from bench.management.commands.seed_scale import (
        FEDERATION,
        SCALE_ORGANIZER_EMAIL,
        scale_coordinator_email,
    )
    from bench.world import session_cookies
    from camp.models import Camp, Group, User
    from courses.models import CalendarFeed, Plan
    from live.models import LiveSession

    camp = Camp.objects.get(federation=FEDERATION)
    group = Group.objects.get(camp=camp, name="Scale group 0000")
    plan = Plan.objects.get(group=group)
    session = LiveSession.objects.filter(plan_item__plan=plan).order_by("-plan_item__starts_at").first()
    feed = CalendarFeed.objects.filter(group=group, revoked_at__isnull=True).first()
    organizer = User.objects.get(username=SCALE_ORGANIZER_EMAIL)
    coordinator = User.objects.get(username=scale_coordinator_email(0))
    teacher = session.plan_item.teacher
    cookies = session_cookies([organizer.pk, coordinator.pk, teacher.pk])
    rows = [
        {"name": "trivial view (ceiling)", "path": "/bench/trivial/", "user": organizer.pk},
        {"name": "coordinator roster (250 youth)", "path": f"/groups/{group.pk}/roster/", "user": coordinator.pk},
        {"name": "group plan", "path": f"/plans/{plan.pk}/", "user": coordinator.pk},
        {"name": "plan builder", "path": f"/plans/{plan.pk}/build/", "user": teacher.pk},
        {"name": "organizer dashboard", "path": f"/reports/camps/{camp.pk}/", "user": organizer.pk},
        {"name": "group report", "path": f"/reports/groups/{group.pk}/", "user": organizer.pk},
        {"name": "live room page", "path": f"/live/{session.pk}/", "user": teacher.pk},
        {"name": "ics feed", "path": f"/calendar/{feed.token}.ics" if feed else None, "user": None},
    ]
    return rows, cookies


def _get(conn: http.client.HTTPConnection, path: str, cookie: str | None) -> tuple[int, int]:
    headers = {"Cookie": cookie} if cookie else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


def single_client(port: int, path: str, cookie: str | None, requests: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    statuses: dict[int, int] = {}
    for _ in range(5):  # warm caches, templates and the connection
        _get(conn, path, cookie)
    times, size = [], 0
    for _ in range(requests):
        began = time.perf_counter()
        status, size = _get(conn, path, cookie)
        times.append((time.perf_counter() - began) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    conn.close()
    return {**summarize_ms(times), "statuses": statuses, "bytes": size}


def _load_process(port: int, path: str, cookie: str | None, threads: int, until: float, out) -> None:
    counts = [0] * threads
    errors = [0] * threads
    statuses: dict[int, int] = {}

    def loop(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.time() < until:
            try:
                status, _size = _get(conn, path, cookie)
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            if status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
                statuses[status] = statuses.get(status, 0) + 1

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((sum(counts), sum(errors), statuses))


def concurrent(ports: list[int], path: str, cookie: str | None, clients: int, seconds: float) -> dict:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    processes = 2
    began = time.time()
    until = began + seconds
    procs = [ctx.Process(target=_load_process, args=(ports[i % len(ports)], path, cookie, clients // processes,
                                                     until, queue)) for i in range(processes)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.time() - began
    ok = sum(r[0] for r in results)
    statuses: dict[int, int] = {}
    for r in results:
        for code, n in r[2].items():
            statuses[code] = statuses.get(code, 0) + n
    return {"requests_per_s": round(ok / elapsed, 1), "ok": ok, "errors": sum(r[1] for r in results),
            "error_statuses": statuses}


def pg_connections(database_url: str) -> int:
    """Connections open to the bench database; -1 when PostgreSQL has none left to give."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()[0]
    except psycopg.OperationalError:
        return -1  # PostgreSQL refused even this one connection: max_connections is exhausted


def profile_page(path: str, user_id: int | None, top: int = 14) -> dict:
    """One request in-process under pyinstrument, with its SQL query count: why a page is slow."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from camp.models import User

    client = Client()
    if user_id:
        client.force_login(User.objects.get(pk=user_id))
    client.get(path)  # warm
    profiler = Profiler(interval=0.001)
    with CaptureQueriesContext(connection) as queries:
        profiler.start()
        response = client.get(path)
        profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    out_file = PROFILE_DIR / (path.strip("/").replace("/", "_") + ".txt")
    PROFILE_DIR.mkdir(exist_ok=True)
    out_file.write_text(text)
    # The project's own frames, heaviest first: where a fix belongs.
    own = [line.strip() for line in text.splitlines()
           if any(app in line for app in ("camp/", "courses/", "live/")) and "site-packages" not in line]
    return {"status": response.status_code, "queries": len(queries), "seconds": round(profiler.last_session.duration, 3),
            "file": str(out_file), "project_frames": own[:top]}


def conn_max_age():
    from django.conf import settings

    return settings.DATABASES["default"].get("CONN_MAX_AGE")


def main(args) -> dict:
    from django.conf import settings

    if args.conn_max_age is not None:
        # An experiment knob (bench/settings.py reads it): the product's own setting is the default.
        os.environ["BENCH_CONN_MAX_AGE"] = str(args.conn_max_age)

    prepare_database(args.database_url, args.redis_url)
    setup_django(args.database_url, args.redis_url)
    ensure_scale(args.database_url, args.redis_url)
    rows, cookies = pages()
    env = server_env(args.database_url, args.redis_url)
    results = []
    with Servers("daphne", processes=args.processes, base_port=8780, env=env) as servers:
        for row in rows:
            if row["path"] is None:
                results.append({"page": row["name"], "available": False, "reason": "no calendar feed in the dataset"})
                continue
            cookie = f"{settings.SESSION_COOKIE_NAME}={cookies[row['user']]}" if row["user"] else None
            single = single_client(servers.ports[0], row["path"], cookie, args.requests)
            if set(single["statuses"]) != {200}:
                results.append({"page": row["name"], "path": row["path"], "available": False,
                                "reason": f"HTTP statuses {single['statuses']}"})
                log(f"{row['name']}: {single['statuses']}")
                continue
            before = pg_connections(args.database_url)
            many = concurrent(servers.ports, row["path"], cookie, args.concurrency, args.seconds)
            after = pg_connections(args.database_url)
            results.append({"page": row["name"], "path": row["path"], "p50_ms": single["p50_ms"],
                            "p99_ms": single["p99_ms"], "bytes": single["bytes"],
                            f"rps_{args.concurrency}_clients": many["requests_per_s"], "errors": many["errors"],
                            "error_statuses": many["error_statuses"],
                            "pg_connections_before_after": [before, after]})
            log(f"{row['name']}: p50 {single['p50_ms']} p99 {single['p99_ms']} ms, {many['requests_per_s']} req/s")
    if args.profile:
        for row, r in zip(rows, results, strict=True):
            if row["path"] and (r.get("p99_ms") is None or r["p99_ms"] > TARGET_P99_MS):
                r["profile"] = profile_page(row["path"], row["user"])
    ceiling = results[0].get(f"rps_{args.concurrency}_clients")
    for r in results[1:]:
        if r.get("p99_ms") is None:
            continue
        r["share_of_trivial"] = ratio(r[f"rps_{args.concurrency}_clients"], ceiling)
        r["met"] = r["p99_ms"] <= TARGET_P99_MS and (r["share_of_trivial"] or 0) >= TARGET_SHARE
    return {"server_processes": args.processes, "conn_max_age": conn_max_age(), "requests_single": args.requests, "concurrency": args.concurrency,
            "seconds_each": args.seconds, "targets": {"p99_ms": TARGET_P99_MS, "share_of_trivial": TARGET_SHARE},
            "pages": results}
