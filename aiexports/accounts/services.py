"""Account writes: sign-up, e-mail confirmation and profile changes, each with its audit row in one transaction.

``require_confirmed_email`` is the one rule "an account must have confirmed its e-mail address before it
creates an organization, creates or joins a consortium, or submits a package": the services of those
actions call it, and the adapters turn its ``EmailNotConfirmed`` into a page with a "send it again" button
or a 403 JSON body.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.accounts.tokens import TokenState, check_token, make_token
from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.errors import NotAllowed
from aiexports.mail import absolute_url
from aiexports.outbox.services import queue_mail

PROFILE_FIELDS = ("full_name", "preferred_language")
EMAIL_FIELDS = ("email", "email_confirmed_at")


class EmailNotConfirmed(NotAllowed, PermissionDenied):
    """The account has not confirmed its e-mail address yet (a domain error and a ``PermissionDenied``)."""

    code = "email_unconfirmed"
    status_code = 403


def require_confirmed_email(user: object) -> None:
    """Refuse with ``EmailNotConfirmed`` unless ``user`` is signed in and has confirmed their e-mail address."""
    if getattr(user, "is_authenticated", False) and getattr(user, "email_confirmed_at", None) is not None:
        return
    raise EmailNotConfirmed(
        _(
            "Confirm your e-mail address first: follow the link we sent you when you created your account. "
            "Until then you can sign in and draft, but not create an organization or a consortium, add "
            "members to a consortium, or submit a package."
        )
    )


def email_confirmation_send(*, user: User) -> bool:
    """E-mail ``user`` a new confirmation link (queued in the outbox, sent after commit); False if already
    confirmed or the account is inactive."""
    if user.email_confirmed_at is not None or not user.is_active:
        return False
    context = {
        "user": user,
        "url": absolute_url(reverse("accounts:email_confirm", args=[make_token(user)])),
        "hours": settings.AIX_EMAIL_CONFIRM_MAX_AGE // 3600,
    }
    queue_mail("accounts/email/confirm_email", context, [user.email], language=user.preferred_language or None)
    return True


def user_sign_up(*, email: str, full_name: str, password: str, ip_address: str | None = None) -> User:
    """Create a company user account and send the link that confirms its e-mail address."""
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("An account with this e-mail address already exists.")})
        user = User.objects.create_user(email=email, password=password, full_name=full_name.strip())
        audit_record(
            actor=user,
            action="account.sign_up",
            target=user,
            changes=field_changes({}, {"email": user.email, "full_name": user.full_name}),
            ip_address=ip_address,
        )
        email_confirmation_send(user=user)
    return user


def user_email_confirm(*, token: str, ip_address: str | None = None) -> tuple[TokenState, User | None]:
    """Confirm the address a link was sent to. Anything but a valid link changes nothing and says why."""
    checked = check_token(token)
    if checked.state is not TokenState.VALID or checked.user is None:
        return checked.state, checked.user
    with transaction.atomic():
        # Lock the row and check again: two clicks at once must not both confirm (the second sees "used").
        user = User.objects.select_for_update().get(pk=checked.user.pk)
        again = check_token(token)
        if again.state is not TokenState.VALID:
            return again.state, user
        before = snapshot(user, EMAIL_FIELDS)
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        audit_record(
            actor=user,
            action="account.email_confirm",
            target=user,
            changes=field_changes(before, snapshot(user, EMAIL_FIELDS)),
            ip_address=ip_address,
        )
    return TokenState.VALID, user


def user_email_change(*, actor: User, user: User, email: str, ip_address: str | None = None) -> User:
    """Change an account's e-mail address: the new address must be confirmed again (a new link is sent)."""
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=user.pk)
        if email == stored.email:
            return stored
        if User.objects.filter(email__iexact=email).exclude(pk=stored.pk).exists():
            raise ValidationError({"email": _("An account with this e-mail address already exists.")})
        before = snapshot(stored, EMAIL_FIELDS)
        stored.email = email
        stored.email_confirmed_at = None
        stored.full_clean(exclude=["password"])
        stored.save(update_fields=list(EMAIL_FIELDS))
        audit_record(
            actor=actor,
            action="account.email_change",
            target=stored,
            changes=field_changes(before, snapshot(stored, EMAIL_FIELDS)),
            ip_address=ip_address,
        )
        email_confirmation_send(user=stored)
    return stored


def user_profile_update(*, user: User, full_name: str, preferred_language: str, ip_address: str | None = None) -> User:
    """Change a user's own name and preferred language; audited only when something changed."""
    with transaction.atomic():
        # The stored row, not the caller's instance (a form may already have changed it).
        before = snapshot(User.objects.select_for_update().get(pk=user.pk), PROFILE_FIELDS)
        user.full_name = full_name.strip()
        user.preferred_language = preferred_language
        user.full_clean(exclude=["password", "email"])
        changes = field_changes(before, snapshot(user, PROFILE_FIELDS))
        if changes:
            user.save(update_fields=list(changes))
            audit_record(
                actor=user, action="account.profile_update", target=user, changes=changes, ip_address=ip_address
            )
    return user
