"""Public pages of package requests: the form, its receipt, and the status page behind the signed link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from aiexports.errors import DomainError
from aiexports.http import client_ip

from .forms import PackageRequestForm
from .selectors import request_detail
from .services import RequestInvalid, package_request_create, package_request_withdraw
from .tokens import LinkState, check_status_token

SESSION_RECEIPT = "buyer_request_last_reference"


def _submit_rate(group: str, request: HttpRequest) -> str:
    return settings.AIX_RATE_PACKAGE_REQUEST


def _status_rate(group: str, request: HttpRequest) -> str:
    return settings.AIX_RATE_PACKAGE_REQUEST_STATUS


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=_submit_rate, method="POST", block=False, group="buyer_requests.create")
def request_create(request: HttpRequest) -> HttpResponse:
    """``/requests/new/``. A bot that fills the honeypot sees the receipt page and stores nothing. Over the rate
    limit the form comes back (429) with what was typed, so a legitimate requester loses nothing."""
    if request.method != "POST":
        return render(request, "buyer_requests/request_form.html", {"form": PackageRequestForm()})
    form = PackageRequestForm(request.POST)
    if getattr(request, "limited", False):
        form.is_valid()
        form.add_error(None, _("Too many requests were sent from your network. Wait a while and send it again."))
        return render(request, "buyer_requests/request_form.html", {"form": form}, status=429)
    if form.is_spam():
        request.session.pop(SESSION_RECEIPT, None)
        return redirect("buyer_requests:sent")
    if form.is_valid():
        try:
            row = package_request_create(
                **form.service_kwargs(), language=translation.get_language() or "", ip_address=client_ip(request)
            )
        except RequestInvalid as error:
            form.add_service_errors(error)
        else:
            request.session[SESSION_RECEIPT] = row.reference
            return redirect("buyer_requests:sent")
    return render(request, "buyer_requests/request_form.html", {"form": form}, status=400)


@require_GET
@never_cache
def request_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SESSION_RECEIPT)
    row = request_detail(reference=reference) if reference else None
    return render(request, "buyer_requests/request_sent.html", {"row": row})


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@ratelimit(key="ip", rate=_status_rate, block=False, group="buyer_requests.status")
def request_status(request: HttpRequest, token: str) -> HttpResponse:
    """``/requests/status/<token>/``: the request, its status and the staff's replies. POST withdraws it.
    A forged or expired link shows why and changes nothing; a withdrawal sent again says nothing changed."""
    from aiexports.views import ratelimited

    if getattr(request, "limited", False):
        return ratelimited(request)
    check = check_status_token(token)
    if check.state is not LinkState.VALID or check.request is None:
        return render(request, "buyer_requests/request_status_invalid.html", {"state": check.state.value}, status=400)
    row = check.request
    if request.method == "POST":
        try:
            package_request_withdraw(request_id=row.pk, ip_address=client_ip(request))
        except DomainError as error:
            messages.warning(request, str(error))
            return redirect(request.path)
        messages.success(request, _("Your request is withdrawn. We will not act on it any further."))
        return redirect(request.path)
    return render(request, "buyer_requests/request_status.html", {"row": row})
