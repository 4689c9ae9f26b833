"""The visitor's time zone for showing dates: chosen in a small selector (a cookie), UTC by default.

Without JavaScript the selector is a plain GET form. With JavaScript, ``rfi/timezone.js`` pre-selects the
browser's zone so one click applies it. Dates are always rendered on the server with the zone named.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

COOKIE = "aix_tz"
COMMON_ZONES = [
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Riyadh",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Sydney",
]


@functools.cache
def _valid_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def clean_zone(name: str | None) -> str | None:
    name = (name or "").strip()
    return name if name in _valid_zones() else None


def zone_choices(current: str) -> list[str]:
    return COMMON_ZONES if current in COMMON_ZONES else [current, *COMMON_ZONES]


def with_user_timezone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Activate the visitor's zone (``?tz=`` or the cookie) for the view; remember a new choice in the cookie."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = clean_zone(request.GET.get("tz"))
        name = chosen or clean_zone(request.COOKIES.get(COOKIE)) or "UTC"
        request.aix_timezone = name  # type: ignore[attr-defined]
        timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            response = view(request, *args, **kwargs)
        finally:
            timezone.deactivate()
        if chosen:
            # Readable by rfi/timezone.js (not secret); Secure whenever the session cookie is.
            response.set_cookie(
                COOKIE,
                chosen,
                max_age=60 * 60 * 24 * 365,
                samesite="Lax",
                httponly=False,
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    return wrapper
