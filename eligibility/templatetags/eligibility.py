"""``{% package_eligibility package %}``: the eligibility panel of a package page."""

from __future__ import annotations

from django import template

from ..presentation import panel_context
from ..reasons import (
    POLICY_LABELS,
    license_exception_label,
    render_note,
    render_reasons,
    summary_exceptions,
    summary_policy,
)

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
        "license_exceptions": [license_exception_label(e, gettext) for e in summary_exceptions(reasons)],
    }


@register.filter
def classification_note(classification: object) -> str:
    """How a component's ECCN was found, in the active language."""
    from django.utils.translation import gettext

    code = getattr(classification, "note_code", "")
    if not code:
        return str(getattr(classification, "note", ""))
    return render_note({"code": code, "params": getattr(classification, "note_params", {})}, gettext)


@register.filter
def program_issue_text(issue: object) -> str:
    """A program-check issue (stored dict or engine issue) in the active language; old rows as stored."""
    from django.utils.translation import gettext

    from ..reasons import render_program_issue

    data = issue.as_dict() if hasattr(issue, "as_dict") else issue
    return render_program_issue(data if isinstance(data, dict) else {"text": str(issue)}, gettext)


@register.filter
def outcome_label(outcome: object) -> str:
    """``{{ o.outcome|outcome_label }}``: the one label of an outcome, in the active language."""
    from ..choices import outcome_label as label

    return label(str(outcome or ""))


@register.filter
def tier_label(code: object, name: str = "") -> str:
    """``{{ r.tier_code|tier_label }}``: a tier's label in the active language (never the raw code if known)."""
    from ..choices import tier_label as label

    return label(str(code or ""), name)


@register.filter
def ruleset_label(name: object) -> str:
    """``{{ ruleset.name|ruleset_label }}``: a seeded rule-set name in the active language (a staff name as stored)."""
    from ..choices import ruleset_label as label

    return label(str(name or ""))


@register.filter
def by_country_name(countries: object) -> list:
    """Country rows (or objects with ``code``/``country_id``) in the order of their names in the active language."""
    from catalog.countries import sort_by_country

    def code(item: object) -> str:
        return str(getattr(item, "country_id", None) or getattr(item, "code", None) or getattr(item, "pk", ""))

    return sort_by_country(countries or (), code)  # type: ignore[arg-type]


@register.filter
def by_region_name(regions: object) -> list:
    """Regional blocs in the order of their names in the active language."""
    from catalog.countries import sort_by_region

    return sort_by_region(regions or (), lambda r: r.code, lambda r: r.name)  # type: ignore[arg-type]
