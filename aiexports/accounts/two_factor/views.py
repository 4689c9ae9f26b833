"""The second-factor pages of staff: enrolment (QR code, then recovery codes once), verification, recovery codes.

Thin adapters: the writes and their audit events are in ``services``. ``next`` is only ever followed to this
site (``safe_next``), so the pages cannot be used as an open redirect.
"""

from __future__ import annotations

import math
from base64 import b32encode
from collections.abc import Callable
from datetime import UTC
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from aiexports.http import client_ip

from . import selectors, services
from .forms import EnrolmentCodeForm, VerificationCodeForm
from .qr import qr_svg

NEW_CODES_SESSION_KEY = "aix_mfa_new_recovery_codes"


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` if it stays on this site (and on HTTPS when the request is), else the admin index."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def second_factor_url(request: HttpRequest, next_url: str | None) -> str:
    """Where a password-only staff session goes next: the verification page (which sends it on to enrolment
    when there is no authenticator app yet)."""
    return _with_next(reverse("mfa:verify"), safe_next(request, next_url))


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else the sign-in page), staff (else 403); never cached (the pages show secrets)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied(_("The second factor is for staff accounts."))
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper))


def _refusal(result: services.Verification, *, enrolment: bool = False) -> tuple[str, int]:
    """The form error for a refused code, and the status of the page that shows it."""
    if result.outcome is services.Outcome.THROTTLED:
        seconds = max(1, math.ceil((result.retry_at - timezone.now()).total_seconds())) if result.retry_at else 1
        text = ngettext(
            "Too many wrong codes in a row: wait %(seconds)d second, then try again.",
            "Too many wrong codes in a row: wait %(seconds)d seconds, then try again.",
            seconds,
        ) % {"seconds": seconds}
        return text, 429
    if result.outcome is services.Outcome.LOCKED:
        until = timezone.localtime(result.retry_at, UTC) if result.retry_at else None
        text = _(
            "Too many wrong codes: for your security, codes are refused until %(time)s UTC. If you have lost "
            "your authenticator app and your recovery codes, ask an operator to reset your second factor."
        ) % {"time": until.strftime("%H:%M") if until else "—"}
        return text, 429
    if enrolment:
        text = _("This code is not correct. Check that the app shows this account, and type the code it shows now.")
        return text, 400
    return _("This code is not correct. Check it and try again, or use one of your recovery codes."), 400


@staff_only
def verify(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if selectors.is_verified(request):
        return HttpResponseRedirect(next_url)
    user = request.user
    if not selectors.has_totp_device(user):  # type: ignore[arg-type]
        return HttpResponseRedirect(_with_next(reverse("mfa:setup"), next_url))
    form = VerificationCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = services.mfa_verify(user=user, code=form.cleaned_data["code"], ip_address=client_ip(request))  # type: ignore[arg-type]
        if result.ok:
            django_otp.login(request, result.device)
            if result.outcome is services.Outcome.RECOVERY_CODE_USED:
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code. It no longer works; %(count)d recovery code is left.",
                        "You signed in with a recovery code. It no longer works; %(count)d recovery codes are left.",
                        result.recovery_codes_left or 0,
                    )
                    % {"count": result.recovery_codes_left or 0},
                )
                return HttpResponseRedirect(_with_next(reverse("mfa:recovery_codes"), next_url))
            return HttpResponseRedirect(next_url)
        error, status = _refusal(result)
        form.add_error("code", error)
    elif form.errors:
        status = 400
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": next_url}, status=status)


@staff_only
def setup(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    user = request.user
    if selectors.has_totp_device(user):  # type: ignore[arg-type]
        return HttpResponseRedirect(_with_next(reverse("mfa:verify"), next_url))
    device = services.mfa_enrolment_begin(user=user, ip_address=client_ip(request))  # type: ignore[arg-type]
    form = EnrolmentCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = services.mfa_enrolment_confirm(
            user=user,  # type: ignore[arg-type]
            code=form.cleaned_data["code"],
            ip_address=client_ip(request),
        )
        if result.ok:
            django_otp.login(request, result.device)
            request.session[NEW_CODES_SESSION_KEY] = result.new_recovery_codes
            messages.success(request, _("Your authenticator app is set up. Keep your recovery codes safe."))
            return HttpResponseRedirect(_with_next(reverse("mfa:recovery_codes"), next_url))
        error, status = _refusal(result, enrolment=True)
        form.add_error("code", error)
    elif form.errors:
        status = 400
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr_svg(device.config_url, title=_("QR code for your authenticator app")),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "account_name": user.get_username(),
    }
    return render(request, "accounts/two_factor/setup.html", context, status=status)


@staff_only
def recovery_codes(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    user = request.user
    if not selectors.is_verified(request):
        here = _with_next(reverse("mfa:recovery_codes"), next_url)
        return HttpResponseRedirect(_with_next(reverse("mfa:verify"), here))
    if request.method == "POST":
        codes = services.mfa_recovery_codes_regenerate(user=user, ip_address=client_ip(request))  # type: ignore[arg-type]
        request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(request, _("New recovery codes were generated. The previous ones no longer work."))
        return redirect(_with_next(reverse("mfa:recovery_codes"), next_url))
    context = {
        # Shown once: the codes leave the session as soon as this page shows them.
        "new_codes": request.session.pop(NEW_CODES_SESSION_KEY, None),
        "codes_left": selectors.recovery_codes_left(user),  # type: ignore[arg-type]
        "next": next_url,
    }
    return render(request, "accounts/two_factor/recovery_codes.html", context)
