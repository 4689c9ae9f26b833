"""Django's Redis cache backend with one client per process.

Django's ``RedisCache`` builds a new ``redis.Redis`` object (from the shared connection pool) for every cache
call; profiling the catalog showed that as ~0.3 ms of CPU per command. This backend keeps one client per
connection pool — ``redis.Redis`` is thread-safe and its pool reconnects after a fork — and skips Django's
memcached-compatibility key check (a warning only, for keys that Redis accepts anyway).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers (not in django-stubs); this backend is pinned to Django 5.2's RedisCacheClient.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class PooledRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` keeping its client (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = PooledRedisCacheClient

    def make_and_validate_key(self, key: Any, version: int | None = None) -> str:
        return self.make_key(key, version=version)
