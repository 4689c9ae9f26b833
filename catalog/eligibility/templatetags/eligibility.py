"""``{% package_eligibility package %}``: the eligibility panel of a package page (stub until the issue lands)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("eligibility/package_panel.html", takes_context=True)
def package_eligibility(context: template.Context, package: object) -> dict[str, object]:
    return {"package": package, "request": context.get("request")}
