"""Public pages of availability alerts (``/alerts/``): sign up from a catalog search, confirm, unsubscribe, manage.

The links in the e-mails are signed (``alerts.tokens``); a forged, edited, expired or used link changes nothing
and the page says which. Pages that act on a link ask first (GET shows a button) so that mail scanners opening
links change nothing; the one exception is RFC 8058's one-click unsubscribe POST.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from aiexports.http import client_ip
from aiexports.views import ratelimited
from catalog import selectors as catalog_selectors
from catalog.filtersets import PackageFilterSet
from eligibility.buyer import buyer_country

from . import selectors, services, tokens
from .forms import AlertForm, ManageLinkForm
from .tokens import LinkState


def _subscribe_rate(group: str, request: HttpRequest) -> str:
    return settings.AIX_RATE_ALERT_SUBSCRIBE


def _search_errors(query: dict[str, list[str]]) -> list[str]:
    """What is wrong with a saved search, in the catalog's own words (empty when it is valid)."""
    data = selectors.filter_data(query, "")
    filterset = PackageFilterSet(data, queryset=catalog_selectors.published_packages().none())
    if filterset.is_valid():
        return []
    fields = filterset.form.fields
    return [f"{fields[name].label}: {error}" for name, errors in filterset.form.errors.items() for error in errors]


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=_subscribe_rate, method="POST", block=False, group="alerts.subscribe")
def subscribe(request: HttpRequest) -> HttpResponse:
    """``/alerts/new/?<catalog filters>``: save this search for the buyer's country, after a confirmation e-mail."""
    source = request.POST if request.method == "POST" else request.GET
    query = selectors.saved_filters(source)
    country = (request.GET.get("available_in") or buyer_country(request) or "").upper()
    form = AlertForm(initial={"country": country})
    search_errors = _search_errors(query)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return ratelimited(request)
        form = AlertForm(request.POST)
        if form.is_spam():  # a bot sees the same "check your inbox" page and stores nothing
            return redirect("alerts:subscribe_sent")
        if search_errors:
            form.add_error(None, search_errors[0])
        if form.is_valid():
            services.alert_subscribe(
                email=form.cleaned_data["email"], country_code=form.cleaned_data["country"], query=query,
                label=form.cleaned_data["label"], language=get_language() or "en", ip_address=client_ip(request),
            )  # fmt: skip
            return redirect("alerts:subscribe_sent")
    hidden = QueryDict(mutable=True)
    for name, values in query.items():
        hidden.setlist(name, values)
    context = {
        "form": form,
        "filters": selectors.describe_filters(query),
        "hidden": [(name, value) for name, values in query.items() for value in values],
        "search_errors": search_errors,
        "catalog_query": hidden.urlencode(),
    }
    return render(request, "alerts/subscribe.html", context, status=400 if form.errors or search_errors else 200)


def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/subscribe_sent.html")


def _link_page(request: HttpRequest, template: str, check: tokens.LinkCheck, **context: object) -> HttpResponse:
    status = 200 if check.state is LinkState.VALID else 400
    return render(request, template, {"state": check.state.value, "check": check, **context}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link: GET asks, POST confirms (once)."""
    if request.method == "POST":
        check = services.alert_confirm(token=token, ip_address=client_ip(request))
        done = check.state is LinkState.VALID
    else:
        check, done = tokens.check_confirm(token), False
    filters = selectors.describe_filters(check.alert.query) if check.alert else []
    manage_url = (
        reverse("alerts:manage", args=[tokens.manage_token(check.subscriber)]) if done and check.subscriber else ""
    )
    return _link_page(request, "alerts/confirm.html", check, done=done, filters=filters, manage_url=manage_url)


def _no_view(request: HttpRequest) -> HttpResponse:  # a callback that is not csrf_exempt, for the check below
    return HttpResponse()


def _one_click(request: HttpRequest) -> bool:
    """RFC 8058: a mail client's one-click POST carries exactly ``List-Unsubscribe=One-Click`` and no cookie."""
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_exempt  # only for the RFC 8058 one-click POST (signed token in the URL); every other POST is checked below
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link of every alert e-mail (and its ``List-Unsubscribe`` header)."""
    if request.method == "POST":
        if not _one_click(request):
            refused = CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {})
            if refused is not None:
                return refused
        check = services.alert_unsubscribe(token=token, ip_address=client_ip(request))
        done = check.state is LinkState.VALID
    else:
        check, done = tokens.check_unsubscribe(token), False
    return _link_page(request, "alerts/unsubscribe.html", check, done=done)


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """``/alerts/manage/<signed link>/``: the subscriber's running alerts, each with a button to end it, and one to
    end them all (which also voids every link sent so far)."""
    check = tokens.check_manage(token)
    if check.state is not LinkState.VALID or check.subscriber is None:
        return _link_page(request, "alerts/manage.html", check)
    subscriber, ended = check.subscriber, ""
    if request.method == "POST":
        if request.POST.get("action") == "end_all":
            services.subscriber_unsubscribe_all(subscriber=subscriber, ip_address=client_ip(request))
            return render(request, "alerts/manage.html", {"state": "valid", "all_ended": True})
        raw = request.POST.get("alert", "")
        if raw.isdigit() and services.alert_end(
            subscriber=subscriber, alert_id=int(raw), ip_address=client_ip(request)
        ):
            ended = "?ended=1"
        return redirect(request.path + ended)
    alerts = [
        {"alert": a, "filters": selectors.describe_filters(a.query)} for a in selectors.subscriber_alerts(subscriber)
    ]
    context = {"state": "valid", "subscriber": subscriber, "alerts": alerts, "ended": request.GET.get("ended") == "1"}
    return render(request, "alerts/manage.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=_subscribe_rate, method="POST", block=False, group="alerts.manage_link")
def manage_request(request: HttpRequest) -> HttpResponse:
    """``/alerts/manage/``: e-mail me the link to my alerts (the same answer whether or not the address has any)."""
    form = ManageLinkForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return ratelimited(request)
        if form.is_spam():
            return render(request, "alerts/manage_request.html", {"sent": True})
        if form.is_valid():
            services.manage_link_request(email=form.cleaned_data["email"])
            return render(request, "alerts/manage_request.html", {"sent": True})
    return render(request, "alerts/manage_request.html", {"form": form}, status=400 if form.errors else 200)
