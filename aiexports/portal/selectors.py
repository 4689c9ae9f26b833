"""Portal reads: information pages with their language fallback, and the home page's figures."""

from __future__ import annotations

from django.http import Http404

from .models import InfoPage

FALLBACK_LANGUAGE = "en"


def info_page_for(slug: str, language: str) -> InfoPage:
    """The page in ``language``, else in English; 404 when neither exists. One query."""
    candidates = {p.language: p for p in InfoPage.objects.filter(slug=slug, language__in={language, FALLBACK_LANGUAGE})}
    page = candidates.get(language) or candidates.get(FALLBACK_LANGUAGE)
    if page is None:
        raise Http404
    return page


def home_figures() -> dict[str, int]:
    from catalog.models import Consortium, Package
    from rfi.selectors import open_notice_count

    return {
        "published_packages": Package.objects.filter(status="published").count(),
        "consortia": Consortium.objects.count(),
        "open_rfis": open_notice_count(),
    }
