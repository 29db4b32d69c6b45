"""Django's Redis cache with one connection pool per process instead of one per cache object.

Django keeps a cache object per thread and per async context (`caches` is context-local), and each
RedisCache builds its own redis-py pool, so every WebSocket consumer and every request opened a new
TCP connection to Redis (and redis-py read its package metadata for the connection's driver info).
In the profile of a class joining at once that was 6 % of the handshakes' time (docs/performance.md).
redis-py's ConnectionPool is thread-safe and notices a fork, so the processes' pools are shared here,
one per server URL and options.

The redis-py client object is shared too: Django builds a new `redis.Redis` for every cache call,
and its constructor fills a table of ~170 response callbacks each time (about 0.25 ms, four times
in a live-room handshake: the profile of `enter_room`, docs/performance.md). A client holds no
connection of its own between commands, so one per pool serves every thread.
"""

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict = {}
_clients: dict = {}  # id(pool) -> the redis-py client on it
_lock = threading.Lock()


class SharedPoolClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], tuple(sorted((k, repr(v)) for k, v in self._pool_options.items())))
        pool = _pools.get(key)
        if pool is None:
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None:
            with _lock:
                client = _clients.get(id(pool))
                if client is None:
                    client = _clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolClient
