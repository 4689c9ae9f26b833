"""The signed status link of a package request (``/requests/status/<token>/``).

A token is ``django.core.signing`` data (HMAC with the secret key and a salt of its own, plus the time it was
made): the request's reference and a digest of the address it was sent to. Editing a token breaks the
signature; after ``AIX_PACKAGE_REQUEST_LINK_MAX_AGE`` seconds it has expired. The link only shows the request
and lets the requester withdraw it once: a link used again on a closed request changes nothing (the service
refuses), so holding an old link is worth no more than reading the status.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from .models import PackageRequest

SALT = "buyer_requests.status-link"


class LinkState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"  # forged, edited, or for a request that is gone


@dataclass(frozen=True)
class LinkCheck:
    state: LinkState
    request: PackageRequest | None = None


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def make_status_token(request: PackageRequest) -> str:
    return signing.dumps({"r": request.reference, "e": _digest(request.email)}, salt=SALT, compress=True)


def check_status_token(token: str) -> LinkCheck:
    """What ``token`` is worth now, without changing anything."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.AIX_PACKAGE_REQUEST_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return LinkCheck(LinkState.EXPIRED)
    except signing.BadSignature:
        return LinkCheck(LinkState.INVALID)
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        return LinkCheck(LinkState.INVALID)
    row = (
        PackageRequest.objects.select_related("country", "sector")
        .prefetch_related("replies", "matches__package")
        .filter(reference=data["r"])
        .first()
    )
    if row is None or data.get("e") != _digest(row.email):
        return LinkCheck(LinkState.INVALID)
    return LinkCheck(LinkState.VALID, row)
