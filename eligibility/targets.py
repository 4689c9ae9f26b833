"""A package's eligibility for its own target markets (countries and regional blocs), under the active rule set.

Read only. The submitter sees it on the wizard's review step and on the package page, before staff do: a target
that is prohibited or needs a license is flagged there. Stored results (``EligibilityResult``, written by the
check after submission) are used when they exist for the active rule set and the package can no longer change;
otherwise the pure engine evaluates the package's components on the fly, as the calculator does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.choices import PackageStatus
from catalog.countries import country_order, sort_by_country, sort_by_region
from catalog.models import Component, Package, Region

from . import engine
from .models import EligibilityResult, RuleSet
from .selectors_results import eligibility_evaluate, ruleset_active

# An editable package may differ from what its last check saw: always evaluate what would be submitted.
LIVE_STATUSES = frozenset({PackageStatus.DRAFT, PackageStatus.CHANGES_REQUESTED})
NOT_ASSESSED = "not_assessed"


def components_engine_data(components: Iterable[Component]) -> list[engine.ComponentData]:
    """The engine's view of saved components (the one conversion from ``Component`` rows to engine input)."""
    return [
        engine.ComponentData(
            id=c.pk,
            name=c.name,
            layer=c.layer,
            category=c.category,
            eccn=c.eccn,
            tpp=c.tpp,
            pd=c.performance_density,
            dram_bandwidth=c.dram_bandwidth,
            designed_for_data_centers=c.designed_for_data_centers,
            quantity=c.quantity,
            training_operations=c.training_operations,
            weights_published=c.weights_published,
        )  # fmt: skip
        for c in components
    ]


@dataclass(frozen=True)
class CountryTarget:
    code: str
    name: str
    outcome: str  # eligible, license_required, prohibited, or not_assessed (no tier in the rule set)
    reasons: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class BlocTarget:
    code: str
    name: str
    outcome: str  # the most restrictive outcome of its member countries
    restricted: tuple[CountryTarget, ...] = ()  # its members that are prohibited or need a license


@dataclass
class TargetMarkets:
    ruleset: RuleSet | None
    source: str = ""  # "stored" (results of the last check) or "preview" (evaluated now)
    countries: list[CountryTarget] = field(default_factory=list)
    blocs: list[BlocTarget] = field(default_factory=list)

    def _flagged(self, outcome: str) -> list[str]:
        return [t.name for t in self.countries if t.outcome == outcome] + [
            b.name for b in self.blocs if b.outcome == outcome
        ]

    @property
    def prohibited(self) -> list[str]:
        return self._flagged(engine.PROHIBITED)

    @property
    def license_required(self) -> list[str]:
        return self._flagged(engine.LICENSE_REQUIRED)

    @property
    def has_targets(self) -> bool:
        return bool(self.countries or self.blocs)


def _stored(package: Package, ruleset: RuleSet, codes: set[str]) -> dict[str, tuple[str, tuple]] | None:
    rows = EligibilityResult.objects.filter(package_id=package.pk, ruleset=ruleset, country_id__in=codes)
    found = {r.country_id: (r.outcome, tuple(r.reasons)) for r in rows}
    return found if found and set(found) >= codes else None


def target_market_eligibility(
    package: Package,
    *,
    components: Sequence[Component] | None = None,
    regions: Sequence[Region] | None = None,
    ruleset: RuleSet | None = None,
) -> TargetMarkets:
    """The outcome for each target country and bloc of ``package``; empty when no rule set is active.

    Pass what the caller already loaded to save queries: ``components`` (the package's, in order) and
    ``regions`` (its target regions with ``countries`` prefetched).
    """
    ruleset = ruleset or ruleset_active()
    if ruleset is None:
        return TargetMarkets(ruleset=None)
    countries = list(package.target_countries.all())
    if regions is None:
        regions = list(package.target_regions.prefetch_related("countries"))
    members = {r.pk: list(r.countries.all()) for r in regions}
    everyone = {c.code: c for c in countries} | {c.code: c for ms in members.values() for c in ms}
    if not everyone:
        return TargetMarkets(ruleset=ruleset)
    outcomes = _stored(package, ruleset, set(everyone)) if package.status not in LIVE_STATUSES else None
    source = "stored"
    if outcomes is None:
        rows = components if components is not None else package.components.order_by("layer", "position", "pk")
        evaluation = eligibility_evaluate(
            components=components_engine_data(rows), ruleset=ruleset, countries=sorted(everyone)
        )
        outcomes = {code: (o.outcome, tuple(r.as_dict() for r in o.reasons)) for code, o in evaluation.outcomes.items()}
        source = "preview"

    def country_target(country: Any) -> CountryTarget:
        outcome, reasons = outcomes.get(country.code, (NOT_ASSESSED, ()))
        return CountryTarget(country.code, country.localized_name, outcome, reasons)

    order = country_order()
    blocs = []
    for region in sort_by_region(regions, lambda r: r.code, lambda r: r.name):
        targets = [country_target(c) for c in members[region.pk]]
        assessed = [t.outcome for t in targets if t.outcome != NOT_ASSESSED]
        blocs.append(
            BlocTarget(
                region.code,
                region.localized_name,
                engine.most_restrictive(assessed) if assessed else NOT_ASSESSED,
                tuple(sorted((t for t in targets if t.outcome in engine.SEVERITY and t.outcome != engine.ELIGIBLE),
                             key=lambda t: (-engine.SEVERITY[t.outcome], order.get(t.code, 0)))),
            )
        )  # fmt: skip
    return TargetMarkets(
        ruleset=ruleset,
        source=source,
        countries=sort_by_country((country_target(c) for c in countries), lambda t: t.code),
        blocs=blocs,
    )
