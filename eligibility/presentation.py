"""What the eligibility panel shows: the buyer's result, every country's result, the map, the legend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from catalog.countries import country_name, sort_by_country
from catalog.models import Package

from .buyer import buyer_country
from .choices import NO_RESULT, Outcome, outcome_label
from .forms import CountryForm
from .models import EligibilityResult, ProgramEligibility
from .worldmap import map_attribution, world_map

LEGEND = [
    (Outcome.ELIGIBLE, _("Eligible"), _("solid")),
    (Outcome.LICENSE_REQUIRED, _("License required"), _("diagonal stripes")),
    (Outcome.PROHIBITED, _("Prohibited"), _("cross-hatched")),
    ("none", NO_RESULT, _("plain grey")),
]


@dataclass
class MapShape:
    code: str
    name: str
    d: str
    outcome: str
    outcome_label: str
    selected: bool


def map_shapes(outcomes: dict[str, str], selected: str | None) -> list[MapShape]:
    world = world_map()
    if world is None:
        return []
    # Labels translated once, not once per country shape; tooltips name countries as every other page does.
    labels = {value: outcome_label(value) for value in Outcome.values}
    no_result = outcome_label(None)
    shapes = [
        MapShape(
            code=s.code,
            name=country_name(s.code) or s.name,
            d=s.d,
            outcome=outcomes.get(s.code, "none"),
            outcome_label=labels.get(outcomes.get(s.code, ""), no_result),
            selected=s.code == selected,
        )  # fmt: skip
        for s in world.shapes
    ]
    # The chosen country is drawn last so that its outline is not hidden under its neighbours.
    return sorted(shapes, key=lambda shape: shape.selected)


def map_context(outcomes: dict[str, str], selected: str | None) -> dict[str, Any]:
    world = world_map()
    counts = {key: 0 for key, *_ in LEGEND}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return {
        "map_shapes": map_shapes(outcomes, selected),
        "map_view_box": world.view_box if world else "",
        "map_attribution": map_attribution(),
        "legend": [(key, label, pattern, counts.get(key, 0)) for key, label, pattern in LEGEND if key != "none"],
    }


def panel_context(package: Package, request: HttpRequest | None) -> dict[str, Any]:
    """Everything ``eligibility/package_panel.html`` needs, in three queries."""
    results = sort_by_country(
        EligibilityResult.objects.filter(package_id=package.pk).select_related("country", "ruleset"),
        lambda r: r.country_id,
    )
    code = buyer_country(request)
    selected = next((r for r in results if r.country_id == code), None)
    program = ProgramEligibility.objects.filter(package_id=package.pk).first()
    ruleset = results[0].ruleset if results else None
    next_url = request.get_full_path() if request is not None else ""
    return {
        "package": package,
        "request": request,
        "results": results,
        "selected": selected,
        "buyer_country": code,
        "ruleset": ruleset,
        "program": program,
        "country_form": CountryForm(initial={"country": code, "next": next_url}, auto_id="elig_%s"),
        # The panel draws the map only for a package with results: without any, skip building its 250 shapes.
        **(map_context({r.country_id: r.outcome for r in results}, code) if results else {}),
    }
