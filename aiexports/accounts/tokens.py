"""Signed, expiring, single-use e-mail confirmation links.

A token is ``django.core.signing`` data (HMAC with the secret key and a salt of its own, plus the time it was
made): the user's id, a digest of the address it was sent to, and the user's confirmation state at that time.
Forging or editing a token breaks the signature; after ``AIX_EMAIL_CONFIRM_MAX_AGE`` seconds it has expired;
once the address is confirmed the state has changed, so the same link cannot confirm anything again; and
after the address changes, a link sent to the old one no longer matches.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from aiexports.accounts.models import User

SALT = "aiexports.accounts.email-confirmation"


class TokenState(enum.Enum):
    VALID = "valid"
    USED = "used"  # authentic, but the address is already confirmed
    EXPIRED = "expired"
    INVALID = "invalid"  # forged, edited, for another address, or for an account that is gone


@dataclass(frozen=True)
class TokenCheck:
    state: TokenState
    user: User | None = None


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def _state(user: User) -> str:
    """The value that changes once the link is used: empty until the address is confirmed."""
    return user.email_confirmed_at.isoformat() if user.email_confirmed_at else ""


def make_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": _digest(user.email), "s": _state(user)}, salt=SALT, compress=True)


def check_token(token: str) -> TokenCheck:
    """What ``token`` is worth now, without changing anything."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.AIX_EMAIL_CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        return TokenCheck(TokenState.EXPIRED)
    except signing.BadSignature:
        return TokenCheck(TokenState.INVALID)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return TokenCheck(TokenState.INVALID)
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or data.get("e") != _digest(user.email):
        return TokenCheck(TokenState.INVALID)
    if data.get("s") != _state(user):
        return TokenCheck(TokenState.USED if user.email_confirmed_at else TokenState.INVALID, user)
    if user.email_confirmed_at:  # a token made after confirmation (never sent) confirms nothing
        return TokenCheck(TokenState.USED, user)
    return TokenCheck(TokenState.VALID, user)
