"""Public (buyer-facing) reads of the catalog: published packages, their facets, a package page, a consortium page.

Only ``status=published`` rows are ever public. A revision of a published package is a separate draft row,
so the public keeps seeing the published row until the revision is approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django_countries import countries

from catalog.choices import (
    CATEGORY_LAYER,
    Category,
    FederalSupport,
    Layer,
    OrganizationRole,
    PackageStatus,
    SectorChoice,
)
from catalog.filtersets import PackageFilterSet
from catalog.models import Component, Consortium, ConsortiumMember, OrganizationMembership, Package, Region


def published_packages() -> QuerySet[Package]:
    """Published packages with what a list shows (consortium, sectors, target markets), newest first."""
    return (
        Package.objects.filter(status=PackageStatus.PUBLISHED)
        .select_related("consortium")
        .prefetch_related(
            "sectors",
            Prefetch("target_regions", queryset=Region.objects.order_by("name")),
            "target_countries",
        )
        .defer("search_vector", "description", "business_model", "us_content_statement", "federal_support_details")
    )


def attach_layer_counts(packages: Iterable[Package]) -> list[Package]:
    """Set ``package.layer_counts`` (``[(layer label, n), ...]`` in layer order) with one query for the page."""
    packages = list(packages)
    counts: dict[int, dict[str, int]] = {p.pk: {} for p in packages}
    rows = (
        Component.objects.filter(package_id__in=counts)
        .order_by()
        .values_list("package_id", "layer")
        .annotate(n=Count("id"))
    )
    for package_id, layer, n in rows:
        counts[package_id][layer] = n
    for package in packages:
        package.layer_counts = [(label, counts[package.pk].get(value, 0)) for value, label in Layer.choices]
    return packages


# --- facets ----------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facets:
    layer: list[FacetOption] = field(default_factory=list)
    category: list[FacetOption] = field(default_factory=list)
    sector: list[FacetOption] = field(default_factory=list)
    target_region: list[FacetOption] = field(default_factory=list)
    target_country: list[FacetOption] = field(default_factory=list)
    consortium: list[FacetOption] = field(default_factory=list)


def _selected(filterset: PackageFilterSet, name: str) -> set[str]:
    value = filterset.form.cleaned_data.get(name) if hasattr(filterset.form, "cleaned_data") else None
    if not value:
        return set()
    values = value if isinstance(value, list | tuple | QuerySet) else [value]
    return {str(getattr(v, "slug", None) or getattr(v, "pk", v)) for v in values}


def _options(
    choices: Iterable[tuple[str, str]], counts: Mapping[str, int], selected: set[str], *, keep_empty: bool = False
) -> list[FacetOption]:
    """Options in ``choices`` order; those with no package are left out unless selected (or ``keep_empty``)."""
    return [
        FacetOption(value=str(value), label=str(label), count=counts.get(value, 0), selected=str(value) in selected)
        for value, label in choices
        if keep_empty or counts.get(value, 0) or str(value) in selected
    ]


def _country_counts(packages: QuerySet) -> dict[str, int]:
    """Packages per target country, counting a country targeted directly or through a regional bloc once."""
    ids = packages.order_by().values("pk")
    direct = Package.target_countries.through.objects.filter(package_id__in=ids).values_list("package_id", "country_id")
    via_region = Package.target_regions.through.objects.filter(package_id__in=ids).values_list(
        "package_id", "region__countries__code"
    )
    try:
        pairs_sql, params = direct.union(via_region).query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (``queryset.none()``)
        return {}
    with connection.cursor() as cursor:
        # UNION removes duplicate (package, country) pairs; counting them per country is then exact.
        cursor.execute(f"SELECT u.country_id, COUNT(*) FROM ({pairs_sql}) u GROUP BY u.country_id", params)  # noqa: S608
        return {code: n for code, n in cursor.fetchall() if code}


def package_facets(filterset: PackageFilterSet) -> Facets:
    """Counts per facet value. Each facet counts the results of all the *other* filters, so choosing a second
    value within a facet (an alternative) shows how many packages it would add."""
    through_sectors = Package.sectors.through
    through_regions = Package.target_regions.through

    def base(name: str) -> QuerySet:
        return Package.objects.filter(pk__in=filterset.qs_without(name).order_by().values("pk"))

    layer_counts = dict(
        Component.objects.filter(package__in=base("layer"))
        .order_by()
        .values_list("layer")
        .annotate(n=Count("package_id", distinct=True))
    )
    category_counts = dict(
        Component.objects.filter(package__in=base("category"))
        .order_by()
        .values_list("category")
        .annotate(n=Count("package_id", distinct=True))
    )
    sector_counts = dict(
        through_sectors.objects.filter(package__in=base("sector"))
        .order_by()
        .values_list("sector_id")
        .annotate(n=Count("package_id"))
    )
    region_rows = (
        through_regions.objects.filter(package__in=base("target_region"))
        .order_by("region__name")
        .values_list("region_id", "region__name")
        .annotate(n=Count("package_id"))
    )
    consortium_rows = (
        base("consortium").order_by("consortium__name").values_list("consortium__slug", "consortium__name")
    ).annotate(n=Count("pk"))
    country_counts = _country_counts(base("target_country"))

    regions = [(code, name) for code, name, _n in region_rows]
    region_counts = {code: n for code, _name, n in region_rows}
    consortia = [(slug, name) for slug, name, _n in consortium_rows]
    consortium_counts = {slug: n for slug, _name, n in consortium_rows}
    # Categories in layer order, so the list reads hardware → software → data → security.
    categories = sorted(Category.choices, key=lambda c: list(Layer.values).index(CATEGORY_LAYER[c[0]]))
    return Facets(
        layer=_options(Layer.choices, layer_counts, _selected(filterset, "layer"), keep_empty=True),
        category=_options(categories, category_counts, _selected(filterset, "category")),
        sector=_options(SectorChoice.choices, sector_counts, _selected(filterset, "sector")),
        target_region=_options(regions, region_counts, _selected(filterset, "target_region")),
        target_country=_options(list(countries), country_counts, _selected(filterset, "target_country")),
        consortium=_options(consortia, consortium_counts, _selected(filterset, "consortium")),
    )


# --- one package, one consortium -------------------------------------------------------------


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "consortium__members",
        queryset=ConsortiumMember.objects.select_related("organization__country").order_by(
            "-role", "organization__name"
        ),
    )


def published_package_detail(*, slug: str) -> Package:
    """A published package with everything its page shows, or 404. ``package.layers`` holds
    ``[(layer value, label, [components])]`` for the layers that have components, in layer order."""
    queryset = (
        Package.objects.filter(status=PackageStatus.PUBLISHED)
        .select_related("consortium__anchor__country")
        .prefetch_related(
            "sectors",
            Prefetch("target_regions", queryset=Region.objects.order_by("name")),
            "target_countries",
            Prefetch(
                "components",
                queryset=Component.objects.select_related("supplier__country").order_by("layer", "position", "id"),
            ),
            _members_prefetch(),
        )
        .defer("search_vector")
    )
    package = get_object_or_404(queryset, slug=slug)
    grouped: dict[str, list[Component]] = {}
    for component in package.components.all():
        grouped.setdefault(component.layer, []).append(component)
    package.layers = [(value, label, grouped[value]) for value, label in Layer.choices if value in grouped]
    labels = dict(FederalSupport.choices)
    package.federal_support_labels = [labels[v] for v in package.federal_support or [] if v in labels]
    _label_member_layers(package.consortium.members.all())
    return package


def _label_member_layers(members: Iterable[ConsortiumMember]) -> None:
    """Set ``member.layer_labels``: the translated names of the layers each member contributes."""
    labels = dict(Layer.choices)
    for member in members:
        member.layer_labels = [str(labels[v]) for v in member.layers or [] if v in labels]


def public_consortia() -> QuerySet[Consortium]:
    """Consortia with at least one published package (others are not public), with members and countries."""
    published = Package.objects.filter(consortium=OuterRef("pk"), status=PackageStatus.PUBLISHED)
    return (
        Consortium.objects.filter(Exists(published))
        .select_related("anchor__country")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ConsortiumMember.objects.select_related("organization__country").order_by(
                    "-role", "organization__name"
                ),
            )
        )
        .order_by("name")
    )


def public_consortium_detail(*, slug: str) -> Consortium:
    """A public consortium with its members and ``consortium.published_packages`` (a list), or 404."""
    consortium = get_object_or_404(public_consortia(), slug=slug)
    _label_member_layers(consortium.members.all())
    consortium.published_packages = attach_layer_counts(
        published_packages().filter(consortium=consortium).order_by("title")
    )
    return consortium


def consortium_manager_emails(*, consortium_id: int) -> list[str]:
    """E-mail addresses of a consortium's managers: the active admins of its anchor organization."""
    return list(
        OrganizationMembership.objects.filter(
            organization__anchored_consortia__id=consortium_id,
            role=OrganizationRole.ADMIN,
            user__is_active=True,
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()
    )


def facet_labels(name: str) -> dict[str, str]:
    """Labels of a facet's values, for the "active filters" tags of the list page (no query)."""
    labels: dict[str, Any] = {
        "layer": dict(Layer.choices),
        "category": dict(Category.choices),
        "sector": dict(SectorChoice.choices),
    }
    return {k: str(v) for k, v in labels.get(name, {}).items()}
