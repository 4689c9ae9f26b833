"""Project-wide views: the rate-limit response and error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """What a visitor sees when a public form refuses more submissions for now (HTTP 429)."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": _("Too many requests. Please wait and try again later.")}, status=429)
    return render(request, "429.html", status=429)


def request_too_large(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """HTTP 413: the body is over ``AIX_MAX_REQUEST_BYTES`` (refused from its length, or while it arrived)."""
    from django.http import JsonResponse

    from aiexports.uploads import request_too_large_message

    message = request_too_large_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "too_large"}, status=413)
    response = render(request, "413.html", {"message": message}, status=413)
    response["Connection"] = "close"  # the rest of the body is not read
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """HTTP 400: a request Django could not read. Upload limits say which limit; nothing else is shown.

    The body of such a request was never parsed, so nothing of it was stored (the parser removes its
    temporary files) and the form cannot be shown again with what was typed.
    """
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.http import JsonResponse

    from aiexports.uploads import UploadTooLarge, too_many_files_message

    if isinstance(exception, UploadTooLarge):
        return request_too_large(request, exception)
    if isinstance(exception, TooManyFilesSent):
        message = too_many_files_message()
    elif isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        message = _("The form sent too much data at once. Nothing was stored; please send less.")
    else:
        message = _("The request could not be understood.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "bad_request"}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
