"""Open data: every published package with its components and an eligibility summary, as rows for a stream.

Read in chunks (``.iterator(chunk_size=...)``): each chunk costs the package query plus one query per
prefetched relation, so the number of queries grows with the number of chunks, never with the packages.
The eligibility summary (countries per outcome under the active rule set) comes from correlated subqueries
on the package query itself; when the eligibility app has no results model, it is left out (``None``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from catalog.choices import PackageStatus
from catalog.models import Component, Package
from catalog.selectors import public_components

CHUNK_SIZE = 500

try:  # the eligibility app is built in parallel: degrade to "no summary" rather than fail the download
    from eligibility.choices import Outcome
    from eligibility.models import EligibilityResult, RuleSet
except ImportError:  # pragma: no cover - depends on what the eligibility app provides
    Outcome = EligibilityResult = RuleSet = None  # type: ignore[assignment,misc]

PACKAGE_FIELDS = [
    "slug", "title", "summary", "description", "consortium", "consortium_slug", "sectors", "target_countries",
    "target_regions", "builder", "owner", "operator", "published_at",
]  # fmt: skip
COMPONENT_FIELDS = [
    "layer", "category", "name", "supplier", "quantity", "eccn", "tpp", "performance_density", "unit_value_usd",
    "us_origin_share", "training_operations", "weights_published",
]  # fmt: skip


def active_ruleset() -> Any:
    if RuleSet is None:
        return None
    return RuleSet.objects.filter(status="active").first()


def outcome_values() -> list[str]:
    return list(Outcome.values) if Outcome is not None else []


def packages_for_download(ruleset: Any) -> QuerySet[Package]:
    """Published packages in a stable order, with what a row needs prefetched and outcome counts annotated."""
    components = public_components().order_by("layer", "position", "id")
    qs = (
        Package.objects.filter(status=PackageStatus.PUBLISHED)
        .select_related("consortium")
        .prefetch_related(Prefetch("components", queryset=components), "sectors", "target_countries", "target_regions")
        .defer("search_vector")
        .order_by("published_at", "id")
    )
    if ruleset is not None:
        for outcome in outcome_values():
            counts = (
                EligibilityResult.objects.filter(package=OuterRef("pk"), ruleset=ruleset, outcome=outcome)
                .order_by()
                .values("package")
                .annotate(n=Count("pk"))
                .values("n")
            )
            qs = qs.annotate(**{f"n_{outcome}": Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))})
    return qs


def _eligibility(package: Package, ruleset: Any) -> dict[str, Any] | None:
    if ruleset is None:
        return None
    return {
        "ruleset_version": ruleset.version,
        "countries": {outcome: getattr(package, f"n_{outcome}") for outcome in outcome_values()},
    }


def _component(component: Component) -> dict[str, Any]:
    return {
        "layer": component.layer,
        "category": component.category,
        "name": component.name,
        # A supplier that is not an accepted member of the consortium (it left) is not published.
        "supplier": component.supplier.name if component.supplier and component.supplier_is_member else None,  # type: ignore[attr-defined]  # noqa: E501 annotated
        "quantity": component.quantity,
        "eccn": component.eccn,
        "tpp": component.tpp,
        "performance_density": component.performance_density,
        "unit_value_usd": component.unit_value_usd,
        "us_origin_share": component.us_origin_share,
        "training_operations": component.training_operations,
        "weights_published": component.weights_published,
    }


def package_record(package: Package, ruleset: Any) -> dict[str, Any]:
    """One package as an open-data record (public fields only: never reviewer notes or workflow state)."""
    return {
        "slug": package.slug,
        "title": package.title,
        "summary": package.summary,
        "description": package.description,
        "consortium": package.consortium.name,
        "consortium_slug": package.consortium.slug,
        "sectors": sorted(s.code for s in package.sectors.all()),
        "target_countries": sorted(c.code for c in package.target_countries.all()),
        "target_regions": sorted(r.code for r in package.target_regions.all()),
        "builder": package.builder,
        "owner": package.owner,
        "operator": package.operator,
        "published_at": package.published_at,
        "components": [_component(c) for c in package.components.all()],
        "eligibility": _eligibility(package, ruleset),
    }


def package_records(*, chunk_size: int = CHUNK_SIZE) -> Iterator[dict[str, Any]]:
    ruleset = active_ruleset()
    for package in packages_for_download(ruleset).iterator(chunk_size=chunk_size):
        yield package_record(package, ruleset)


def csv_header() -> list[str]:
    outcomes = [f"countries_{outcome}" for outcome in outcome_values()]
    return [*PACKAGE_FIELDS, "ruleset_version", *outcomes, *(f"component_{f}" for f in COMPONENT_FIELDS)]


def csv_rows(records: Iterator[dict[str, Any]]) -> Iterator[list[Any]]:
    """One row per component (package columns repeated); a package without components has one row."""
    for record in records:
        head = [record[f] if not isinstance(record[f], list) else " ".join(record[f]) for f in PACKAGE_FIELDS]
        eligibility = record["eligibility"] or {"ruleset_version": "", "countries": {}}
        head += [eligibility["ruleset_version"], *(eligibility["countries"].get(o, "") for o in outcome_values())]
        for component in record["components"] or [dict.fromkeys(COMPONENT_FIELDS)]:
            yield head + [component[f] for f in COMPONENT_FIELDS]
