from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from aiexports.http import client_ip
from aiexports.markdown import render_markdown

from . import health, selectors, services
from .forms import ContactForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"figures": selectors.home_figures()})


def page(request: HttpRequest, slug: str) -> HttpResponse:
    info = selectors.info_page_for(slug, get_language() or "en")
    context = {
        "info": info,
        "body_html": render_markdown(info.body),
        "is_fallback": info.language != (get_language() or "en"),
    }
    return render(request, "portal/page.html", context)


@ratelimit(key="ip", rate=lambda group, request: settings.AIX_RATE_CONTACT, method="POST", block=True)
def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
        services.contact_message_create(language=get_language() or "en", ip_address=client_ip(request), **data)
        return redirect("portal:contact_sent")
    return render(request, "portal/contact.html", {"form": form}, status=400 if form.errors else 200)


def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/contact_sent.html")


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
