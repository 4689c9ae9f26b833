"""System check: the admin's second factor must be on outside debug mode (``manage.py check --deploy`` too)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security)
def second_factor_required_outside_debug(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if settings.DEBUG or getattr(settings, "AIX_ADMIN_REQUIRE_OTP", True):
        return []
    return [
        Warning(
            "AIX_ADMIN_REQUIRE_OTP is off: staff can use /admin/ with a password alone.",
            hint="Remove AIX_ADMIN_REQUIRE_OTP=false from the environment (it is on by default).",
            id="aiexports.W001",
        )
    ]
