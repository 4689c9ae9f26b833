"""Public (buyer-facing) reads of the catalog: published packages, their facets, a package page, a consortium page.

Only ``status=published`` rows are ever public. A revision of a published package is a separate draft row,
so the public keeps seeing the published row until the revision is approved.

An organization's reads for its own members live in ``catalog.selectors.organizations``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import ngettext

from aiexports.typed import StrOrPromise
from catalog import cache as catalog_cache
from catalog.choices import (
    CATEGORY_LAYER,
    Category,
    FederalSupport,
    Layer,
    OrganizationRole,
    PackageStatus,
    SectorChoice,
)
from catalog.countries import region_name, sort_by_country, sort_by_region
from catalog.filtersets import PackageFilterSet, country_choices
from catalog.models import Component, Consortium, ConsortiumMember, OrganizationMembership, Package, Region
from catalog.models.reference import localized_country_name
from catalog.translations import PACKAGE_TEXT_FIELDS, localize_components, localize_packages

T = TypeVar("T")

# What a list row (an HTML card, an API list item) reads from the package and its consortium: the wide text
# columns stay in the database.
LIST_FIELDS = ("id", "consortium_id", "title", "slug", "summary", "status", "published_at",
               "consortium__id", "consortium__name", "consortium__slug")  # fmt: skip


def published_packages() -> QuerySet[Package]:
    """Published packages with their consortium, newest first. A page of them gets its sectors, target markets
    and layer counts from ``attach_list_data``."""
    return Package.objects.filter(status=PackageStatus.PUBLISHED).select_related("consortium").only(*LIST_FIELDS)


def attach_list_data(packages: Iterable[Package], *, layer_counts: bool = True, localize: bool = True) -> list[Package]:
    """Prepare packages for a list, with one query per relation for the whole page:

    - ``package.sector_codes`` (by code) and ``package.sector_labels``;
    - ``package.target_region_codes`` and ``package.target_country_codes`` (by name, as the admin lists them),
      and ``package.target_markets``: region names, then country names in the active language;
    - with ``layer_counts``, ``package.layer_counts``: ``[(layer label, n), ...]`` in layer order;
    - with ``localize``, the title and summary in the active language where the consortium gave a version, and
      ``package.lang`` / ``package.english_only`` (``catalog.translations``; the API keeps the English fields).

    Plain values instead of prefetched model instances: building a manager and a model per related row was
    most of a list request's time. Labels are translated once per request, not per package.
    """
    packages = list(packages)
    ids = [p.pk for p in packages]
    sectors: dict[int, list[str]] = {pk: [] for pk in ids}
    regions: dict[int, list[tuple[str, str]]] = {pk: [] for pk in ids}
    countries: dict[int, list[tuple[str, str]]] = {pk: [] for pk in ids}
    if ids:
        through: QuerySet[Any] = Package.sectors.through.objects.filter(package_id__in=ids)
        for package_id, code in through.order_by("sector_id").values_list("package_id", "sector_id"):
            sectors[package_id].append(code)
        through = Package.target_regions.through.objects.filter(package_id__in=ids)
        for package_id, code, name in through.order_by("region__name").values_list(
            "package_id", "region_id", "region__name"
        ):
            regions[package_id].append((code, name))
        through = Package.target_countries.through.objects.filter(package_id__in=ids)
        for package_id, code, name in through.order_by("country__name").values_list(
            "package_id", "country_id", "country__name"
        ):
            countries[package_id].append((code, name))
    sector_labels = {value: str(label) for value, label in SectorChoice.choices}
    for package in packages:
        package.sector_codes = sectors[package.pk]
        package.sector_labels = [sector_labels.get(code, code) for code in package.sector_codes]
        package.target_region_codes = [code for code, _name in regions[package.pk]]
        package.target_country_codes = [code for code, _name in countries[package.pk]]
        # Blocs, then countries, each named and ordered in the active language.
        package.target_markets = [
            region_name(code, name)
            for code, name in sort_by_region(regions[package.pk], lambda r: r[0], lambda r: r[1])
        ] + [
            localized_country_name(code) or name
            for code, name in sort_by_country(countries[package.pk], lambda c: c[0])
        ]
    if layer_counts:
        _attach_layer_counts(packages)
    if localize:
        localize_packages(packages)
    return packages


def _attach_layer_counts(packages: list[Package]) -> None:
    layer_labels = [(value, str(label)) for value, label in Layer.choices]
    counts: dict[int, dict[str, int]] = {p.pk: {} for p in packages}
    if counts:
        rows = (
            Component.objects.filter(package_id__in=counts)
            .order_by()
            .values_list("package_id", "layer")
            .annotate(n=Count("id"))
        )
        for package_id, layer, n in rows:
            counts[package_id][layer] = n
    for package in packages:
        package.layer_counts = [(label, counts[package.pk].get(value, 0)) for value, label in layer_labels]


def catalog_cache_seconds() -> int:
    """How long derived catalog data (totals, facet counts, rendered fragments) is cached; 0 disables it."""
    return catalog_cache.cache_seconds()


def cached_per_package(
    packages: list[Package], kind: str, build: Callable[[list[Package]], list[T]], *, vary: str = ""
) -> list[T]:
    """``build(packages)``, one cached value per package (a rendered card, an API list item) under the catalog
    version, the language and ``vary`` (see ``catalog.cache.get_many_or_build``): only the packages missing from
    the cache are built, so a warm page reads none of its relations."""
    by_id = {p.pk: p for p in packages}
    return catalog_cache.get_many_or_build(
        kind, [p.pk for p in packages], lambda ids: build([by_id[pk] for pk in ids]), vary=vary, local=True
    )


def cached_catalog_value(kind: str, key: str, build: Callable[[], T]) -> T:
    """``build()``, cached under the catalog version, the language, ``kind`` and ``key`` (a package page's
    rendered fragments, an API detail; see ``catalog.cache``). A ``build()`` that raises (404) caches nothing."""
    return catalog_cache.get_or_build(kind, (key,), build, local=True)


class CachedCountPaginator(Paginator):
    """A paginator whose total is cached under the catalog version: counting 10,000 wide rows for every page
    view cost more than fetching the page itself. The key is ``count_key`` when the caller knows one (the
    normalised filter parameters), else a digest of the query's SQL. Disabled with
    ``AIX_CATALOG_FACETS_CACHE_SECONDS=0``."""

    count_key: str | None = None

    @cached_property
    def count(self) -> int:
        if not catalog_cache_seconds() or not isinstance(self.object_list, QuerySet):
            return super().count
        part = self.count_key
        if part is None:
            try:
                sql = str(self.object_list.query)
            except EmptyResultSet:
                return 0
            part = hashlib.sha256(sql.encode()).hexdigest()[:32]
        count = Paginator.count.func  # type: ignore[attr-defined]  # the cached_property's own function
        return catalog_cache.get_or_build("count", (part,), lambda: count(self), language=False,
                                          local=True)  # fmt: skip


# --- facets ----------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False

    @property
    def unit(self) -> str:
        """ "package" or "packages" for screen readers (translated here: a template tag per option was slow)."""
        return ngettext("package", "packages", self.count)


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
    choices: Iterable[tuple[str, StrOrPromise]],
    counts: Mapping[str, int],
    selected: set[str],
    *,
    keep_empty: bool = False,
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


def _facets_digest(filterset: PackageFilterSet) -> str:
    data = filterset.form.cleaned_data if hasattr(filterset.form, "cleaned_data") else {}
    parts = [(name, sorted(_selected(filterset, name))) for name in sorted(data) if name != "ordering"]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def filters_digest(filterset: PackageFilterSet) -> str:
    """A digest of every filter but the ordering: the key part of a filtered list's cached total and counts
    (normalised by the form, so it needs no SQL to be compiled)."""
    return _facets_digest(filterset)


def facets_cache_key(filterset: PackageFilterSet) -> str:
    """The key of a filterset's facet counts (the catalog version and every filter but the ordering)."""
    digest = _facets_digest(filterset)
    return catalog_cache.key("facets", digest, language=False)


def _facet_counts(filterset: PackageFilterSet) -> dict[str, Any]:
    """The raw counts of every facet, computed with 6 grouped queries (cached, see ``package_facets``)."""
    through_sectors = Package.sectors.through
    through_regions = Package.target_regions.through

    def base(name: str) -> QuerySet:
        return Package.objects.filter(pk__in=filterset.qs_without(name).order_by().values("pk"))

    def grouped(queryset: QuerySet, *fields: str, distinct: bool = False) -> list[tuple]:
        return list(queryset.order_by().values_list(*fields).annotate(n=Count("package_id", distinct=distinct)))

    return {
        "layer": dict(grouped(Component.objects.filter(package__in=base("layer")), "layer", distinct=True)),
        "category": dict(grouped(Component.objects.filter(package__in=base("category")), "category", distinct=True)),
        "sector": dict(grouped(through_sectors.objects.filter(package__in=base("sector")), "sector_id")),
        "regions": grouped(
            through_regions.objects.filter(package__in=base("target_region")), "region_id", "region__name"
        ),
        "consortia": list(
            base("consortium").order_by().values_list("consortium__slug", "consortium__name").annotate(n=Count("pk"))
        ),
        "country": _country_counts(base("target_country")),
    }


def package_facets(filterset: PackageFilterSet) -> Facets:
    """Counts per facet value. Each facet counts the results of all the *other* filters, so choosing a second
    value within a facet (an alternative) shows how many packages it would add.

    At 10,000 packages the unfiltered counts take most of a list request, so they are cached for
    ``AIX_CATALOG_FACETS_CACHE_SECONDS`` (0 disables it) under a version that any catalog change bumps.
    """
    counts = catalog_cache.get_or_build("facets", (_facets_digest(filterset),), lambda: _facet_counts(filterset),
                                        language=False, local=True)  # fmt: skip

    # A chosen region or consortium stays in its list (with its count, possibly 0) so it can be unticked.
    regions = {code: name for code, name, _n in counts["regions"]}
    consortia = {slug: name for slug, name, _n in counts["consortia"]}
    cleaned = getattr(filterset.form, "cleaned_data", {})
    for name, known in (("target_region", regions), ("consortium", consortia)):
        for obj in cleaned.get(name) or []:
            known.setdefault(str(getattr(obj, "slug", None) or obj.pk), obj.name)
    # Categories in layer order, so the list reads hardware → software → data → security.
    categories = sorted(Category.choices, key=lambda c: list(Layer.values).index(CATEGORY_LAYER[c[0]]))
    return Facets(
        layer=_options(Layer.choices, counts["layer"], _selected(filterset, "layer"), keep_empty=True),
        category=_options(categories, counts["category"], _selected(filterset, "category")),
        sector=_options(SectorChoice.choices, counts["sector"], _selected(filterset, "sector")),
        target_region=_options(
            [
                (code, region_name(code, name))
                for code, name in sort_by_region(regions.items(), lambda r: r[0], lambda r: r[1])
            ],
            {code: n for code, _name, n in counts["regions"]},
            _selected(filterset, "target_region"),
        ),
        target_country=_options(country_choices(), counts["country"], _selected(filterset, "target_country")),
        consortium=_options(
            sorted(consortia.items(), key=lambda c: c[1].lower()),
            {slug: n for slug, _name, n in counts["consortia"]},
            _selected(filterset, "consortium"),
        ),
    )


# --- one package, one consortium -------------------------------------------------------------


def public_members() -> QuerySet[ConsortiumMember]:
    """The members the public sees: accepted ones only (never an invitation, a refusal or a past member)."""
    return (
        ConsortiumMember.objects.accepted()
        .select_related("organization__country")
        .order_by("-role", "organization__name")
    )


def public_components() -> QuerySet[Component]:
    """Components with ``supplier_is_member``: whether the supplier is an accepted member of the package's
    consortium. A supplier that is not (it left after publication) is not shown: see ``hide_non_member_suppliers``."""
    is_member = ConsortiumMember.objects.accepted().filter(
        consortium_id=OuterRef("package__consortium_id"), organization_id=OuterRef("supplier_id")
    )
    return Component.objects.select_related("supplier__country").annotate(supplier_is_member=Exists(is_member))


def hide_non_member_suppliers(components: Iterable[Component]) -> None:
    """Blank (in memory, for display only) the supplier of components whose supplier is not an accepted member."""
    for component in components:
        if component.supplier_id and not getattr(component, "supplier_is_member", False):
            component.supplier = None


def _members_prefetch() -> Prefetch:
    return Prefetch("consortium__members", queryset=public_members())


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
            Prefetch("components", queryset=public_components().order_by("layer", "position", "id")),
            _members_prefetch(),
        )
        .defer("search_vector")
    )
    package = get_object_or_404(queryset, slug=slug)
    hide_non_member_suppliers(package.components.all())
    localize_packages([package], fields=PACKAGE_TEXT_FIELDS)
    localize_components(package.components.all())
    grouped: dict[str, list[Component]] = {}
    for component in package.components.all():
        grouped.setdefault(component.layer, []).append(component)
    package.layers = [(value, label, grouped[value]) for value, label in Layer.choices if value in grouped]
    labels = dict(FederalSupport.choices)
    package.federal_support_labels = [labels[v] for v in package.federal_support or [] if v in labels]
    return package


def public_consortia() -> QuerySet[Consortium]:
    """Consortia with at least one published package (others are not public), with members and countries."""
    published = Package.objects.filter(consortium=OuterRef("pk"), status=PackageStatus.PUBLISHED)
    return (
        Consortium.objects.filter(Exists(published))
        .select_related("anchor__country")
        .prefetch_related(Prefetch("members", queryset=public_members()))
        .order_by("name")
    )


def public_consortium_detail(*, slug: str) -> Consortium:
    """A public consortium with its members and ``consortium.published_packages`` (a list), or 404."""
    consortium = get_object_or_404(public_consortia(), slug=slug)
    packages = published_packages().filter(consortium=consortium).order_by("title")
    consortium.published_packages = attach_list_data(packages)  # type: ignore[attr-defined]  # for the template
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
