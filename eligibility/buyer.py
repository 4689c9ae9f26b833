"""The buyer's country: chosen once, remembered in the session, defaulting from the browser's language region."""

from __future__ import annotations

import re

from django.http import HttpRequest

SESSION_KEY = "aix_buyer_country"
_REGION_RE = re.compile(r"^[a-z]{2,3}[-_]([a-z]{2})$", re.I)


def _known(code: str) -> bool:
    from catalog.models import Country

    return Country.objects.filter(pk=code).exists()


def country_from_accept_language(header: str) -> str | None:
    """The region of the most preferred language tag that has one (``ja-JP,ja;q=0.9`` → ``JP``)."""
    tags = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        tags.append((-quality, position, tag.strip()))
    for _q, _p, tag in sorted(tags):
        match = _REGION_RE.match(tag)
        if match:
            return match.group(1).upper()
    return None


def buyer_country(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if chosen:
        return chosen
    guessed = country_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    return guessed if guessed and _known(guessed) else None


def remember_country(request: HttpRequest, code: str) -> None:
    request.session[SESSION_KEY] = code.upper()
