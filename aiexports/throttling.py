"""DRF throttles keyed by ``aiexports.clientip.client_ip`` instead of DRF's own reading of ``X-Forwarded-For``.

DRF's ``BaseThrottle.get_ident`` believes the whole ``X-Forwarded-For`` header unless ``NUM_PROXIES`` is set, so a
client that changes the header per request gets a fresh counter each time. Every throttle of the API is one of
these (``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`` and the views that pick their own).

The API's default throttle: DRF's anonymous and user rates checked together, in one Redis round trip.

``AnonAndUserRateThrottle`` holds an anonymous client to the ``anon`` *and* the ``user`` rate (both keyed by
``self.get_ident(request)``, the client address from ``client_ip``) and a signed-in one to the ``user`` rate
(keyed by the user id) — exactly what ``AnonRateThrottle`` + ``UserRateThrottle`` did — with DRF's sliding
window (a request is refused when the window already holds ``num_requests``; a refused request is not
counted). On Redis all the client's windows are checked and updated by one Lua script (one round trip instead of
a get and a set per throttle); on any other cache (tests on SQLite, ``make dev``) DRF's own classes do the work.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling
from rest_framework.throttling import SimpleRateThrottle

from aiexports.clientip import client_ip


class ClientIpMixin:
    def get_ident(self, request: Any) -> str:
        return client_ip(request)


class AnonRateThrottle(ClientIpMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientIpMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientIpMixin, throttling.ScopedRateThrottle):
    pass


# KEYS: one sorted set per window; ARGV: now, member, then (limit, duration) per key.
# Returns one number per key: -1 when the request was counted, else the seconds until the window has room.
_SCRIPT = """
local now = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local duration = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
  local n = redis.call('ZCARD', key)
  if n < limit then
    redis.call('ZADD', key, now, ARGV[2])
    redis.call('EXPIRE', key, math.ceil(duration))
    out[i] = -1
  else
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local remaining = duration - (now - tonumber(oldest[2]))
    local free = limit - n + 1
    out[i] = tostring(remaining / math.max(free, 1))
  end
end
return out
"""


class AnonAndUserRateThrottle(ClientIpMixin, SimpleRateThrottle):
    """``anon`` + ``user`` rates of DRF in one throttle (see the module docstring)."""

    cache_format = "throttle_%(scope)s_%(ident)s"
    _script: Any = None

    def __init__(self) -> None:  # no single scope: the rates are read per request
        self._wait: float | None = None

    def _windows(self, request: Any) -> list[tuple[str, int, int]]:
        """``[(cache key, num_requests, duration)]`` of the windows this request counts against."""
        scopes = ["user"] if request.user and request.user.is_authenticated else ["anon", "user"]
        ident = str(request.user.pk) if request.user and request.user.is_authenticated else self.get_ident(request)
        windows: list[tuple[str, int, int]] = []
        for scope in scopes:
            rate = self.THROTTLE_RATES.get(scope)
            if rate is None:
                continue
            num, duration = self.parse_rate(rate)
            if num is None or duration is None:
                continue
            windows.append((self.cache_format % {"scope": scope, "ident": ident}, num, duration))
        return windows

    def allow_request(self, request: Any, view: Any) -> bool:
        cache = caches["default"]
        if not isinstance(cache, RedisCache):
            return self._allow_with_drf(request, view)
        windows = self._windows(request)
        if not windows:
            return True
        client = cache._cache.get_client(write=True)
        script = type(self)._script
        if script is None or script.registered_client is not client:
            script = type(self)._script = client.register_script(_SCRIPT)
        args: list[Any] = [repr(time.time()), uuid.uuid4().hex]
        for _key, num, duration in windows:
            args += [num, duration]
        waits = [float(w) for w in script(keys=[cache.make_key(k) for k, _n, _d in windows], args=args)]
        refused = [w for w in waits if w >= 0]
        self._wait = max(refused) if refused else None
        return not refused

    def _allow_with_drf(self, request: Any, view: Any) -> bool:
        waits = []
        for throttle in (AnonRateThrottle(), UserRateThrottle()):
            if not throttle.allow_request(request, view):
                waits.append(throttle.wait())
        self._wait = max((w for w in waits if w is not None), default=None) if waits else None
        return not waits

    def wait(self) -> float | None:
        return self._wait
