"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "AIX_SITE_NAME": settings.AIX_SITE_NAME,
        "AIX_BANNER_TEXT": settings.AIX_BANNER_TEXT,
    }
