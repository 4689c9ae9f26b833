"""``{% load workflow %}``: templates ask the package transition table (``catalog.workflow``) instead of
repeating status lists, e.g. ``{% if package|can:"withdraw" %}``."""

from __future__ import annotations

from typing import Any

from django import template

from catalog import workflow

register = template.Library()


@register.filter
def can(package: Any, action: str) -> bool:
    """Whether the transition table allows ``action`` from ``package``'s status (False without a package)."""
    status = getattr(package, "status", None)
    if not status:
        return False
    return workflow.can(action, status)
