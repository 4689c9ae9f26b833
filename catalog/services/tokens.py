"""API tokens for submitters: one DRF token per user, shown once when created."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record


@transaction.atomic
def api_token_create(*, actor: User) -> str:
    """Create (or replace) the user's API token and return its key; pages show it once, never again."""
    replaced = Token.objects.filter(user=actor).delete()[0] > 0
    token = Token.objects.create(user=actor)
    # The key itself is a secret: the audit row says only that a token exists now (and whether one was replaced).
    audit_record(
        actor=actor,
        action="api_token.regenerate" if replaced else "api_token.create",
        target=actor,
        changes={"api_token": {"before": "replaced" if replaced else None, "after": "created"}},
    )
    return token.key


@transaction.atomic
def api_token_revoke(*, actor: User) -> bool:
    deleted = Token.objects.filter(user=actor).delete()[0] > 0
    if deleted:
        audit_record(
            actor=actor,
            action="api_token.revoke",
            target=actor,
            changes={"api_token": {"before": "set", "after": None}},
        )
    return deleted
