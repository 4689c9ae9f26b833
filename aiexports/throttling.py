"""DRF throttles keyed by ``aiexports.clientip.client_ip`` instead of DRF's own reading of ``X-Forwarded-For``.

DRF's ``BaseThrottle.get_ident`` believes the whole ``X-Forwarded-For`` header unless ``NUM_PROXIES`` is set, so a
client that changes the header per request gets a fresh counter each time. Every throttle of the API is one of
these (``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`` and the views that pick their own).
"""

from __future__ import annotations

from typing import Any

from rest_framework import throttling

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
