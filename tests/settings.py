"""Settings for the test suite: qiaocamp.settings, plus what makes tests fast and keeps test runs apart.

pyproject.toml points pytest at this module, and tests/live/servers.py starts its daphne processes
with it, so a server and the test that drives it hash passwords alike and share one cache and
channel-layer prefix. It lives in tests/ (not installed with the product) so no deployment can
pick it by mistake.

One test run is one `QC_TEST_RUN` id (made here by the first process that imports this module and
inherited through the environment by pytest-xdist workers and daphne processes); one process
within it is one `PYTEST_XDIST_WORKER` (`gw0`, `gw1`, …, or `main` without xdist). From those two:

- the SQLite test database is a file of its own (pytest-django adds the worker suffix), the
  PostgreSQL test database a database of its own: concurrent runs on one machine do not drop each
  other's database;
- in Redis, the cache's KEY_PREFIX and the channel layer's prefix are the run's and worker's own,
  and `cache.clear()` deletes only keys under that prefix (tests/redis_cache.py) instead of
  flushing the database, which other programs may share.
"""

import os
import tempfile
import uuid
from pathlib import Path

from qiaocamp.settings import *  # noqa: F403
from qiaocamp.settings import BASE_DIR, CACHES, CHANNEL_LAYERS, DATABASES, REDIS_URL
from tests.clock import install as install_clock

RUN = os.environ.setdefault("QC_TEST_RUN", uuid.uuid4().hex[:10])
# "Now" that a test can move, the same in pytest and in the daphne servers it starts (tests/clock.py).
install_clock()
WORKER = os.environ.get("PYTEST_XDIST_WORKER") or "main"
# Letters, digits and dashes only: the prefix is used as a Redis SCAN pattern.
REDIS_PREFIX = f"qiaocamp-test-{RUN}-{WORKER}"

# The real PBKDF2 costs ~0.1 s per password; the suite creates thousands of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

_database = DATABASES["default"]
if _database["ENGINE"].endswith("sqlite3"):
    # Named to match .gitignore's .test-db.sqlite3*; pytest-xdist workers add _gw0, _gw1, …
    _database["TEST"] = {"NAME": os.environ.get("QC_TEST_DB") or str(BASE_DIR / f".test-db.sqlite3-{RUN}")}
    # Durability is worthless for a database dropped at the end of the run.
    _database["OPTIONS"] = {**_database.get("OPTIONS", {}), "init_command": "PRAGMA synchronous=OFF"}
else:
    _database["TEST"] = {"NAME": f"test_{_database['NAME']}_{RUN}"}


def redis_cache(location: str, prefix: str = REDIS_PREFIX) -> dict:
    """The cache settings for a Redis at `location` under `prefix` (also used by the isolation test)."""
    return {"BACKEND": "tests.redis_cache.PrefixedRedisCache", "LOCATION": location, "KEY_PREFIX": prefix}


if REDIS_URL:
    CACHES = {**CACHES, "default": redis_cache(REDIS_URL)}
    CHANNEL_LAYERS = {
        **CHANNEL_LAYERS,
        "default": {**CHANNEL_LAYERS["default"],
                    "CONFIG": {**CHANNEL_LAYERS["default"]["CONFIG"], "prefix": f"{REDIS_PREFIX}-asgi"}},
    }

# Lesson attachments the tests upload go to a folder of the run, not ./media.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"qiaocamp-test-{RUN}" / "media"

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# tests/live/servers.py starts daphne on port 0 and reads the port from its "Listening on" line.
LOGGING = {**LOGGING, "loggers": {**LOGGING.get("loggers", {}), "daphne.server": {"level": "INFO"}}}  # noqa: F405
