"""Account pages: sign up, sign in (Django's LoginView, guarded by django-axes), profile."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from aiexports.http import client_ip

from . import services
from .forms import NewPasswordForm, ProfileForm, ResetRequestForm, SignInForm, SignUpForm
from .tokens import TokenState, check_token


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        language = getattr(form.get_user(), "preferred_language", "")
        if language:
            _remember_language(response, language)
        return response


@ratelimit(key="ip", rate=lambda group, request: settings.AIX_RATE_SIGNUP, method="POST", block=True)
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_sign_up(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome! Your account has been created and you are signed in. We have sent a link to "
                    "%(email)s: follow it to confirm your address before you create an organization."
                )
                % {"email": user.email},
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"full_name": user.full_name, "preferred_language": user.preferred_language}  # type: ignore[union-attr]
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(
                user=user,  # type: ignore[arg-type]
                full_name=form.cleaned_data["full_name"],
                preferred_language=form.cleaned_data["preferred_language"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            language = form.cleaned_data["preferred_language"]
            if language:
                translation.activate(language)
            messages.success(request, _("Your profile has been saved."))
            response = redirect("accounts:profile")
            if language:
                _remember_language(response, language)
            return response
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


def _remember_language(response: HttpResponse, language: str) -> None:
    """The same cookie Django's ``set_language`` view writes, so the choice sticks across visits."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a settings string
    )


_reset_limit = method_decorator(
    ratelimit(key="ip", rate=lambda group, request: settings.AIX_RATE_PASSWORD_RESET, method="POST", block=True),
    name="dispatch",
)


@_reset_limit
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ResetRequestForm
    email_template_name = "accounts/password_reset.txt"  # sent by ResetRequestForm.send_mail (aiexports.mail)
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        return {"site_name": settings.AIX_SITE_NAME}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- E-mail confirmation ---------------------------------------------------------------------------


def email_unconfirmed_response(request: HttpRequest, error: Exception) -> HttpResponse:
    """The page shown instead of an action refused by ``require_confirmed_email`` (403), with "send it again"."""
    return render(request, "accounts/email_unconfirmed.html", {"message": str(error)}, status=403)


def _resend_rate(group: str, request: HttpRequest) -> str:
    return settings.AIX_RATE_EMAIL_CONFIRM_RESEND


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=_resend_rate, method="POST", block=True)
@ratelimit(key="ip", rate=_resend_rate, method="POST", block=True)
def email_confirmation(request: HttpRequest) -> HttpResponse:
    """Whether the signed-in account's address is confirmed; POST sends the confirmation link again."""
    user = request.user
    if request.method == "POST":
        if services.email_confirmation_send(user=user):  # type: ignore[arg-type]
            messages.success(
                request,
                _("We have sent a new confirmation link to %(email)s. It works once.") % {"email": user.email},  # type: ignore[union-attr]
            )
        else:
            messages.info(request, _("Your e-mail address is already confirmed."))
        return redirect("accounts:email_confirmation")
    return render(request, "accounts/email_confirmation.html", {"confirmed": user.email_confirmed})  # type: ignore[union-attr]


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation e-mail. GET asks (so a mail scanner opening links confirms nothing);
    POST confirms. A used, edited or expired link shows why and changes nothing."""
    if request.method == "POST":
        state, _user = services.user_email_confirm(token=token, ip_address=client_ip(request))
    else:
        state = check_token(token).state
    context = {"state": state.value, "token": token, "done": request.method == "POST" and state is TokenState.VALID}
    return render(request, "accounts/email_confirm.html", context, status=200 if state is TokenState.VALID else 400)
