"""qiaocamp.cache: every cache object of a process (Django keeps one per thread and per async
context) shares one Redis connection pool, instead of a new pool, and a new TCP connection, for each
WebSocket consumer and request. Marker `redis`: fails under CI=true without a Redis server."""

import threading
import uuid

import pytest

from qiaocamp.cache import SharedPoolRedisCache
from tests.conftest import redis_url

pytestmark = pytest.mark.redis


def _cache(prefix: str) -> SharedPoolRedisCache:
    return SharedPoolRedisCache(redis_url(), {"KEY_PREFIX": prefix})


def test_cache_objects_of_many_threads_share_one_pool_and_few_connections():
    prefix = f"qiaocamp-test-pool-{uuid.uuid4().hex[:8]}"
    first = _cache(prefix)
    first.set("k", "v", 30)
    pools, values = set(), []

    def one_context():
        # What a consumer's context does: its own cache object, one read.
        cache = _cache(prefix)
        values.append(cache.get("k"))
        pools.add(id(cache._cache._get_connection_pool(write=False)))

    threads = [threading.Thread(target=one_context) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pool = first._cache._get_connection_pool(write=True)
    assert values == ["v"] * 40
    assert pools == {id(pool)}
    # One connection per thread at a time at most, reused: not one per cache object ever made.
    assert pool._created_connections <= 40
    before = pool._created_connections
    for _ in range(20):
        assert _cache(prefix).get("k") == "v"
    assert pool._created_connections == before
    first.delete("k")


def test_other_options_or_servers_get_pools_of_their_own():
    plain = _cache("p1")._cache._get_connection_pool(write=False)
    other_db = SharedPoolRedisCache(redis_url().rsplit("/", 1)[0] + "/15", {"KEY_PREFIX": "p1"})
    timeout = SharedPoolRedisCache(redis_url(), {"KEY_PREFIX": "p1", "OPTIONS": {"socket_timeout": 3}})
    assert other_db._cache._get_connection_pool(write=False) is not plain
    assert timeout._cache._get_connection_pool(write=False) is not plain
    assert _cache("p2")._cache._get_connection_pool(write=False) is plain  # the prefix is not the pool's


def test_cache_objects_share_one_client_per_pool_and_it_works_from_many_threads():
    prefix = f"qiaocamp-test-client-{uuid.uuid4().hex[:8]}"
    first, second = _cache(prefix), _cache(prefix)
    client = first._cache.get_client(write=True)
    assert second._cache.get_client(write=False) is client  # one server: reads and writes share a pool
    errors = []

    def writes(n: int):
        cache = _cache(prefix)
        try:
            for i in range(50):
                cache.set(f"k{n}-{i}", i, 30)
                assert cache.get(f"k{n}-{i}") == i
            assert cache.incr(f"k{n}-0", 5) == 5
        except Exception as error:  # reported below, with the thread's number
            errors.append((n, error))

    threads = [threading.Thread(target=writes, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert first.get_many([f"k{n}-49" for n in range(8)]) == {f"k{n}-49": 49 for n in range(8)}
    first.delete_many([f"k{n}-{i}" for n in range(8) for i in range(50)])
