"""Small middleware the security libraries do not cover."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    """Adds a ``Permissions-Policy`` header that turns off browser features the portal never uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.AIX_PERMISSIONS_POLICY)
        return response


def connection_lost(exception: BaseException) -> bool:
    """Whether ``exception`` means the database connection is gone (not a bad query, not a deadlock).

    Django wraps the driver's error; psycopg's is its ``__cause__``. Connection failures have no SQLSTATE (the
    client saw the socket close or could not connect) or one of class 08 (connection exception) or 57P
    (terminated by the administrator, crash, server starting up). SQLite's "no such table" is an
    OperationalError too, and stays a 500.
    """
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    if not type(cause).__module__.startswith("psycopg"):
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))


class DatabaseUnavailableMiddleware:
    """A lost database connection is a short outage, not a bug: answer 503 with ``Retry-After``, not a 500 trace.

    The request's transaction was rolled back (the services write inside ``transaction.atomic``), so the client
    may safely send it again. Django discards the broken connection at the end of the request and the next one
    reconnects (``CONN_HEALTH_CHECKS``). The page is rendered without the request's context processors, which
    would query the unavailable database again (the signed-in user, the session).
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG or not connection_lost(exception):
            return None  # under DEBUG the developer gets the technical page with the trace
        logger.error("database unavailable during %s %s", request.method, request.path, exc_info=exception)
        message = _("The service is briefly unavailable. Nothing was stored. Please try again in a few seconds.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message, "code": "service_unavailable"}, status=503)
        else:
            html = loader.get_template("503.html").render({"AIX_SITE_NAME": settings.AIX_SITE_NAME})
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
