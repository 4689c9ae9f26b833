"""The client's address, derived in one place for throttles, rate limits, the sign-in lockout and audit rows.

``X-Forwarded-For`` is written by the client as much as by proxies: only the entries appended by proxies we run
can be believed. ``AIX_TRUSTED_PROXY_COUNT`` says how many there are in front of the application server (0: none,
the peer address ``REMOTE_ADDR`` is the client). Each trusted proxy appends the address it received the request
from, so with N trusted proxies the client is the N-th entry from the right of ``X-Forwarded-For``, the peer
being the last proxy. Whatever the client put further left is ignored. A header shorter than expected (a request
that reached the server without passing every proxy) falls back to its left-most entry, as DRF's ``NUM_PROXIES``
does; a value that is not an IP address falls back to the peer address, so a row or counter key is always valid.

Used by DRF (``aiexports.throttling``), django-ratelimit (``RATELIMIT_IP_META_KEY``), django-axes
(``AXES_CLIENT_IP_CALLABLE``) and every audit row (``aiexports.http.client_ip`` re-exports it).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str:
    """The address of the client that sent ``request`` (a Django or DRF request); ``""`` when unknown."""
    remote = request.META.get("REMOTE_ADDR") or ""
    trusted = getattr(settings, "AIX_TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not forwarded:
        return remote
    return _valid(forwarded[-min(trusted, len(forwarded))]) or remote


def ratelimit_ip(request: Any) -> str:
    """``RATELIMIT_IP_META_KEY``: django-ratelimit needs an address, even for a request with no peer address."""
    return client_ip(request) or "0.0.0.0"  # noqa: S104 - a counter key, not a bind address
