"""The project's Redis cache (qiaocamp.cache: one connection pool per process), except that
`clear()` deletes only this cache's own keys.

Django's RedisCache.clear() is FLUSHDB: every key of the Redis database goes, whoever set it (a
developer's other project, another test run on the same server). Tests clear the cache before each
test, so tests/settings.py gives every run and worker its own KEY_PREFIX and this backend, whose
clear() walks that prefix with SCAN (never KEYS, never FLUSHDB) and deletes what it finds.
"""

from qiaocamp.cache import SharedPoolRedisCache


class PrefixedRedisCache(SharedPoolRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        if not self.key_prefix or any(char in self.key_prefix for char in "*?[]\\"):
            raise ValueError(f"PrefixedRedisCache needs a plain KEY_PREFIX, not {self.key_prefix!r}")

    def own_keys(self) -> list[bytes]:
        """Every key under this cache's prefix, whatever the version."""
        client = self._cache.get_client(write=False)
        return list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))

    def clear(self) -> bool:
        client = self._cache.get_client(write=True)
        keys = self.own_keys()
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start:start + 1000])
        return True
