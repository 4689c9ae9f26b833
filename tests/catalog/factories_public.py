"""Helpers for the public catalog's tests: published packages with components, sectors and target markets."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from catalog.choices import Category, PackageStatus
from catalog.models import Package
from tests.factories import (
    ComponentFactory,
    ConsortiumFactory,
    MembershipFactory,
    OrganizationFactory,
    PackageFactory,
)

# One component of each layer: what a submittable package has at least.
FOUR_LAYERS = (Category.ACCELERATOR, Category.FOUNDATION_MODEL, Category.PIPELINE, Category.CYBERSECURITY)


def published_package(
    *,
    categories: Iterable[str] = FOUR_LAYERS,
    sectors: Iterable[str] = (),
    countries: Iterable[str] = (),
    regions: Iterable[str] = (),
    status: str = PackageStatus.PUBLISHED,
    **fields,
) -> Package:
    """A package (published unless ``status`` says otherwise) with one component per category given."""
    if status == PackageStatus.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    package = PackageFactory(status=status, **fields)
    for position, category in enumerate(categories):
        ComponentFactory(package=package, category=category, position=position)
    package.sectors.set(list(sectors))
    package.target_countries.set(list(countries))
    package.target_regions.set(list(regions))
    return package


def consortium_with_manager(*, email: str = "manager@example.com", **fields):
    """A consortium whose anchor organization has one admin (a "manager") with ``email``."""
    anchor = OrganizationFactory()
    consortium = ConsortiumFactory(anchor=anchor, **fields)
    MembershipFactory(organization=anchor, user__email=email)
    return consortium


def ensure_reference_data() -> None:
    """Countries, regions and sectors come from a data migration; a transactional test flushes them."""
    import importlib

    from django.apps import apps

    from catalog.models import Country

    if not Country.objects.exists():
        importlib.import_module("catalog.migrations.0002_reference_data").load(apps, None)
        importlib.import_module("catalog.migrations.0008_country_names_cldr").cldr_english_names(apps, None)
