"""``{% package_eligibility package %}``: the eligibility panel of a package page."""

from __future__ import annotations

from django import template

from ..presentation import panel_context

register = template.Library()


@register.inclusion_tag("eligibility/package_panel.html", takes_context=True)
def package_eligibility(context: template.Context, package: object) -> dict[str, object]:
    return panel_context(package, context.get("request"))  # type: ignore[arg-type]


@register.inclusion_tag("eligibility/_map.html")
def eligibility_map(shapes: list, view_box: str, legend: list, attribution: str, caption: str) -> dict[str, object]:
    return {"map_shapes": shapes, "map_view_box": view_box, "legend": legend, "map_attribution": attribution,
            "caption": caption}  # fmt: skip
