"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# The default banner of ``AIX_BANNER_TEXT`` (settings/base.py), translated; a banner set in the environment is
# shown as it is written.
DEFAULT_BANNER = "A demonstration portal. This site is not operated by the U.S. government."
DEFAULT_BANNER_TRANSLATED = _("A demonstration portal. This site is not operated by the U.S. government.")


def site(request: HttpRequest) -> dict[str, object]:
    banner = settings.AIX_BANNER_TEXT
    return {
        "AIX_SITE_NAME": settings.AIX_SITE_NAME,
        "AIX_BANNER_TEXT": DEFAULT_BANNER_TRANSLATED if banner == DEFAULT_BANNER else banner,
    }
