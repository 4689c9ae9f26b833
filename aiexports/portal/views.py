from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import health


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {})


def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in {"about", "how-to-take-part", "faq"}:
        raise Http404
    return render(request, "portal/page.html", {"slug": slug})


def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/contact.html", {})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every configured backing service answers, 503 otherwise, with the state of each."""
    db_ok, db_detail = health.check_database()
    checks: dict[str, dict[str, object]] = {"database": {"ok": db_ok, "detail": db_detail}}
    redis_state = health.check_redis()
    if redis_state is not None:
        checks["redis"] = {"ok": redis_state[0], "detail": redis_state[1]}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
