"""Reads of package requests: the staff queue and match suggestions."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from catalog.models import Component, Package
from catalog.selectors import published_packages
from eligibility.models import EligibilityResult
from eligibility.selectors import packages_available_in, ruleset_active

from .models import PackageRequest

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _SuggestionOutcome(TypedDict):
    outcome: str  # an ``Outcome`` value: eligible or license required


if TYPE_CHECKING:
    Suggestion = WithAnnotations[Package, _SuggestionOutcome]


def request_queue() -> QuerySet[PackageRequest]:
    """Requests with what a queue row shows, newest first."""
    return PackageRequest.objects.select_related("country", "sector", "assigned_to").order_by("-created_at", "-id")


def request_detail(*, reference: str) -> PackageRequest | None:
    return (
        request_queue()
        .prefetch_related("notes__author", "replies__author", "matches__package")
        .filter(reference=reference)
        .first()
    )


def match_suggestions(request: PackageRequest, *, limit: int = 50) -> list[Suggestion]:
    """Published packages that fit ``request``: available in its country under the active rule set (eligible or
    license required, ``package.outcome`` says which), with a component in every layer asked, serving its sector.
    Packages already confirmed as matches are left out. Empty while no rule set is active."""
    ruleset = ruleset_active()
    if ruleset is None:
        return []
    country = request.country_id
    queryset = packages_available_in(published_packages(), country=country, include_license_required=True)
    current = EligibilityResult.objects.filter(package_id=OuterRef("pk"), country_id=country, ruleset=ruleset)
    queryset = queryset.filter(Exists(current)).annotate(outcome=Subquery(current.values("outcome")[:1]))
    for layer in request.layers:
        queryset = queryset.filter(Exists(Component.objects.filter(package_id=OuterRef("pk"), layer=layer)))
    queryset = queryset.filter(sectors=request.sector_id)
    queryset = queryset.exclude(request_matches__request=request)
    return list(queryset.order_by("title", "pk")[:limit])
