"""Tests touch only their own keys in Redis: the cache cleared before every test (tests/conftest.py,
`_fresh_cache`) deletes the run's keys and nothing else of a database other programs share.

Runs against REDIS_URL when it is set (the suite's own cache and channel layer), else against the
local default Redis with the very cache settings tests/settings.py would use; without a Redis server
it is skipped by hand and fails under CI=true (marker `redis`).
"""

import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import caches

from tests import settings as test_settings
from tests.conftest import clear_own_cache, redis_url
from tests.redis_cache import PrefixedRedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def run_cache():
    """The cache the suite uses in Redis: the configured one under REDIS_URL, else one built from
    tests/settings.py's own recipe against the local Redis."""
    if settings.REDIS_URL:
        yield caches["default"]
        return
    config = test_settings.redis_cache(redis_url())
    cache = PrefixedRedisCache(config["LOCATION"], {"KEY_PREFIX": config["KEY_PREFIX"]})
    yield cache
    cache.clear()
    cache.close()


def test_prefixes_are_the_runs_and_the_workers_own():
    prefix = test_settings.REDIS_PREFIX
    assert prefix == f"qiaocamp-test-{test_settings.RUN}-{test_settings.WORKER}"
    assert test_settings.redis_cache("redis://x")["KEY_PREFIX"] == prefix
    if settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"] == "tests.redis_cache.PrefixedRedisCache"
        assert caches["default"].key_prefix == prefix
        assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] == f"{prefix}-asgi"


def test_clearing_the_cache_keeps_every_key_that_is_not_ours(run_cache):
    client = redis.Redis.from_url(redis_url())
    token = uuid.uuid4().hex
    prefix = run_cache.key_prefix
    foreign = {
        f"someone-else:{token}": b"another program's key",
        f"qiaocamp:1:{token}": b"a development server's cache",
        f"qiaocamp-test-otherrun-gw0:1:{token}": b"another test run's cache",
        f"{prefix}0:1:{token}": b"a prefix that only starts like ours",
    }
    try:
        for key, value in foreign.items():
            client.set(key, value, ex=300)
        run_cache.set(f"mine-{token}", "ours", 300)
        run_cache.set(f"mine-v2-{token}", "ours too", 300, version=2)
        own = {run_cache.make_key(f"mine-{token}").encode(), run_cache.make_key(f"mine-v2-{token}", version=2).encode()}
        assert own <= set(run_cache.own_keys())
        assert all(client.exists(key) for key in own)

        run_cache.clear()

        assert run_cache.get(f"mine-{token}") is None and run_cache.get(f"mine-v2-{token}", version=2) is None
        assert not any(client.exists(key) for key in own)
        assert {key: client.get(key) for key in foreign} == foreign
    finally:
        client.delete(*foreign)
        client.close()


def test_the_cleanup_before_each_test_is_the_prefixed_clear(run_cache):
    """What runs before and after every test clears the cache through the prefix; handed a plain
    RedisCache (whose clear() is FLUSHDB) it fails instead of flushing."""
    from django.core.cache.backends.redis import RedisCache

    client = redis.Redis.from_url(redis_url())
    foreign = f"someone-else:{uuid.uuid4().hex}"
    try:
        client.set(foreign, b"keep", ex=300)
        run_cache.set("counter", 3, 300)
        clear_own_cache(run_cache)
        assert run_cache.get("counter") is None
        assert client.get(foreign) == b"keep"

        with pytest.raises(pytest.fail.Exception, match="plain RedisCache"):
            clear_own_cache(RedisCache(redis_url(), {"KEY_PREFIX": run_cache.key_prefix}))
        assert client.get(foreign) == b"keep"
    finally:
        client.delete(foreign)
        client.close()
