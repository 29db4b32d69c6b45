"""Real daphne processes for tests that need real WebSockets (several processes, a browser).

They serve the test database: the SQLite file pytest-django created, or the PostgreSQL test
database when DATABASE_URL is set. Data must be committed (django_db(transaction=True)). They run
the test process's settings module (tests/settings.py: same password hasher; the same run and
xdist worker in the environment, so the same Redis cache and channel-layer prefix), and listen on
port 0: the kernel picks a free port as daphne binds, so parallel workers never race for one.
"""

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = Path(sys.executable).with_name("daphne")


def database_env() -> dict[str, str]:
    """Environment that points a new process at the database this test uses."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": str(db["NAME"])}
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or "5432"
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"}


def server_env(*, redis: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(database_env())
    # tests.settings, like this process (under override_settings, e.g. live_server's, the wrapped
    # settings no longer name their module: the environment still does).
    env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE or os.environ["DJANGO_SETTINGS_MODULE"]
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    if redis:
        env["REDIS_URL"] = redis
    return env


LISTENING = re.compile(r"Listening on TCP address 127\.0\.0\.1:(\d+)")


@contextlib.contextmanager
def daphne(*, redis: str | None):
    """Start `daphne qiaocamp.asgi:application` on a port the kernel picks (port 0, read back from
    daphne's log); yields its host:port once it answers."""
    log = tempfile.NamedTemporaryFile(prefix="daphne-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [str(DAPHNE), "-b", "127.0.0.1", "-p", "0", "qiaocamp.asgi:application"],
        cwd=ROOT, env=server_env(redis=redis), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not (listening := LISTENING.search(Path(log.name).read_text(errors="replace"))):
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited with {process.returncode}:\n{Path(log.name).read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"daphne did not listen:\n{Path(log.name).read_text()}")
            time.sleep(0.1)
        yield f"127.0.0.1:{listening.group(1)}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        os.unlink(log.name)


def session_cookie_value(user) -> str:
    """A real Django session for `user`, stored in the shared database."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
