"""Small helpers for adapters (views, admin, API) that deal with HTTP requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from aiexports.clientip import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

    from aiexports.accounts.models import User

__all__ = ["client_ip", "signed_in_user"]  # client_ip: derived from AIX_TRUSTED_PROXY_COUNT (see aiexports/clientip.py)


def signed_in_user(request: HttpRequest | Request) -> User:
    """``request.user`` where the framework has already refused anonymous visitors: the admin site (staff only) and
    API views whose permission classes require a signed-in user. Only narrows the type for mypy; checks nothing."""
    return cast("User", request.user)
