"""Factories for the catalog's submitter and review tests (on top of ``tests.factories``)."""

from __future__ import annotations

from decimal import Decimal

from catalog.choices import Category, ConsortiumRole, MemberStatus, OrganizationRole, PackageStatus
from catalog.models import Consortium, ConsortiumMember, Organization, Package
from tests.factories import (
    ComponentFactory,
    ConsortiumFactory,
    MembershipFactory,
    OrganizationFactory,
    PackageFactory,
    UserFactory,
)

FULL_STACK = [Category.ACCELERATOR, Category.FOUNDATION_MODEL, Category.PIPELINE, Category.CYBERSECURITY]


def company(name: str = "") -> tuple:
    """A user who is admin of an organization that anchors a consortium: (user, organization, consortium)."""
    org = OrganizationFactory(**({"name": name} if name else {}))
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=OrganizationRole.ADMIN)
    consortium = ConsortiumFactory(anchor=org)
    return user, org, consortium


def add_member(
    consortium: Consortium,
    *,
    role: str = ConsortiumRole.TECHNOLOGY,
    organization: Organization | None = None,
    status: str = MemberStatus.ACCEPTED,
) -> ConsortiumMember:
    """An organization's membership of ``consortium``: accepted unless ``status`` says otherwise."""
    return ConsortiumMember.objects.create(
        consortium=consortium, organization=organization or OrganizationFactory(), role=role, status=status
    )


def complete_package(consortium: Consortium, *, status: str = PackageStatus.DRAFT, **kwargs) -> Package:
    """A package with one component in each layer and a target country: ready to submit."""
    package = PackageFactory(consortium=consortium, status=status, **kwargs)
    package.target_countries.add("KE")
    for category in FULL_STACK:
        ComponentFactory(
            package=package,
            category=category,
            unit_value_usd=Decimal("1000") if category == Category.ACCELERATOR else None,
            us_origin_share=Decimal("80") if category == Category.ACCELERATOR else None,
        )
    return package


def ensure_reference_data() -> None:
    """Reload countries, regions and sectors if a transactional test's flush removed them.

    Transactional tests (live server, real worker) empty every table afterwards, including the rows the
    ``0002_reference_data`` migration loads; tests that run after them call this first.
    """
    from importlib import import_module

    from django.apps import apps

    from catalog.models import Country

    if not Country.objects.exists():
        import_module("catalog.migrations.0002_reference_data").load(apps, None)


def publish_over_warnings(staff, package: Package, reason: str = "Weighed by the review board.", **kwargs) -> Package:
    """Publish through ``package_publish`` overriding whatever the decision panel warns about (with a reason)."""
    from catalog import services
    from catalog.review_panel import publication_warnings

    codes = [w.code for w in publication_warnings(package)]
    return services.package_publish(actor=staff, package=package, overrides=codes, override_reason=reason, **kwargs)
