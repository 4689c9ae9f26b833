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
