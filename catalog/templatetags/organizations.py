"""``{% my_memberships as memberships %}``: the signed-in user's organizations, in one query."""

from __future__ import annotations

from typing import Any

from django import template

from catalog.selectors.organizations import memberships_of

register = template.Library()


@register.simple_tag(takes_context=True)
def my_memberships(context: dict[str, Any]) -> list:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(memberships_of(user))
