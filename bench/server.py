"""Start and stop the servers under test: daphne (1 to 4 processes) and the bare websockets server."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil

from bench.common import PYTHON, ROOT, log

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/qc_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
LOG_DIR = Path("/tmp/qc-bench-logs")


def server_env(database_url: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_PREFIX": "qc-bench",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "",
            # The bench logs many users in from one address.
            "JOIN_RATE_LIMIT_PER_IP": "100000",
        }
    )
    return env


def prepare_database(database_url: str, redis_url: str, *, fresh: bool = False) -> None:
    """Create the bench database if needed (or anew with fresh=True) and migrate it."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(database_url, redis_url),
        check=True,
    )


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not become ready: {last}")


def _wait_port(port: int, timeout: float) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class Servers:
    """A set of server processes of one kind; `kind` is "daphne" or "bare"."""

    def __init__(
        self,
        kind: str,
        *,
        processes: int = 1,
        base_port: int = 8780,
        env: dict | None = None,
        daphne_args: list[str] | None = None,
    ):
        self.kind = kind
        self.daphne_args = list(daphne_args or [])
        self.processes = processes if kind == "daphne" else 1
        self.ports = [base_port + i for i in range(self.processes)]
        self.env = env or dict(os.environ)
        self.procs: list[subprocess.Popen] = []

    def _command(self, port: int) -> list[str]:
        if self.kind == "bare":
            return [PYTHON, "-m", "bench.bare", "--port", str(port)]
        return [
            PYTHON,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            *self.daphne_args,
            "bench.asgi:application",
        ]

    def start(self, timeout: float = 60) -> None:
        LOG_DIR.mkdir(exist_ok=True)
        for port in self.ports:
            logfile = (LOG_DIR / f"{self.kind}-{port}.log").open("ab")
            self.procs.append(
                subprocess.Popen(
                    self._command(port), cwd=ROOT, env=self.env, stdout=logfile, stderr=subprocess.STDOUT
                )
            )
        for port in self.ports:
            if self.kind == "daphne":
                _wait_http(f"http://127.0.0.1:{port}/healthz", timeout)
            else:
                _wait_port(port, timeout)

    def stop(self, timeout: float = 10) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self.procs = []

    def restart(self, timeout: float = 60) -> float:
        """Stop and start again; returns the seconds the service was away. The stop's and the
        start's seconds are kept in `last_stop_s` and `last_start_s` (a stop that needs the kill
        after `stop`'s timeout shows there)."""
        began = time.monotonic()
        self.stop()
        stopped = time.monotonic()
        self.start(timeout)
        self.last_stop_s, self.last_start_s = stopped - began, time.monotonic() - stopped
        return time.monotonic() - began

    @property
    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs if proc.poll() is None]

    def rss_bytes(self) -> int:
        total = 0
        for pid in self.pids:
            try:
                total += psutil.Process(pid).memory_info().rss
            except psutil.Error:
                pass
        return total

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self.pids:
            try:
                times = psutil.Process(pid).cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def urls(self, path: str) -> list[str]:
        return [f"ws://127.0.0.1:{port}{path}" for port in self.ports]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
