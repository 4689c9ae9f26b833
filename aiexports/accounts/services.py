"""Account writes: sign-up and profile changes, each with its audit row in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record, field_changes, snapshot

PROFILE_FIELDS = ("full_name", "preferred_language")


def user_sign_up(*, email: str, full_name: str, password: str, ip_address: str | None = None) -> User:
    """Create a company user account. The e-mail address is unique regardless of case."""
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
    return user


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
