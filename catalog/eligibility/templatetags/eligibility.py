"""``{% package_eligibility package %}``: the eligibility panel of a package page."""

from __future__ import annotations

from django import template

from ..presentation import panel_context
from ..reasons import POLICY_LABELS, render_note, render_reasons, summary_policy

register = template.Library()


@register.inclusion_tag("eligibility/package_panel.html", takes_context=True)
def package_eligibility(context: template.Context, package: object) -> dict[str, object]:
    return panel_context(package, context.get("request"))  # type: ignore[arg-type]


@register.inclusion_tag("eligibility/_map.html")
def eligibility_map(shapes: list, view_box: str, legend: list, attribution: str, caption: str) -> dict[str, object]:
    return {"map_shapes": shapes, "map_view_box": view_box, "legend": legend, "map_attribution": attribution,
            "caption": caption}  # fmt: skip


@register.filter
def reason_summary(reasons: object) -> dict[str, object]:
    """Reasons (stored dicts, engine reasons, or old prose rows) rendered in the active language, with the
    review policy and the conditions of the decisive rules."""
    from django.utils.translation import gettext

    policy, conditions = summary_policy(reasons)
    return {
        "reasons": render_reasons(reasons),
        "policy": policy,
        "policy_label": gettext(POLICY_LABELS[policy]) if policy in POLICY_LABELS else "",
        "conditions": [gettext(c) for c in conditions],
    }


@register.filter
def classification_note(classification: object) -> str:
    """How a component's ECCN was found, in the active language."""
    from django.utils.translation import gettext

    code = getattr(classification, "note_code", "")
    if not code:
        return str(getattr(classification, "note", ""))
    return render_note({"code": code, "params": getattr(classification, "note_params", {})}, gettext)
