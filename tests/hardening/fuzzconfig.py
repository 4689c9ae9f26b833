"""The objects and per-operation settings both fuzz runs use: the CI gate (``test_fuzz.py``) and ``make fuzz``
(``scripts/fuzz.sh``, which writes them into its ``schemathesis.toml`` with ``toml_for``).

Real slugs and ids (a draft and a component the token's user owns, a published package, a closed notice with
public submissions, an open one, the active rule set), so that every operation reaches more than a 404.
"""

from __future__ import annotations

import json
from typing import Any

ACCEPTED = ["2xx", "3xx", 401, 403, 404, 409, 429]  # schemathesis's default for schema-valid input


def fuzz_objects(user: Any) -> dict[str, str | int]:
    """Real objects of the demo data for ``user`` (the demo company user, who owns drafts)."""
    from django.utils import timezone

    from catalog.choices import PackageStatus
    from catalog.models import Package
    from eligibility.selectors import ruleset_active
    from rfi.models import Notice

    draft = Package.objects.filter(status=PackageStatus.DRAFT, created_by=user).order_by("pk").first()
    assert draft is not None, "the demo data gives the company user a draft"
    now = timezone.now()
    return {
        "draft": draft.slug,
        "component": draft.components.order_by("pk").first().pk,
        "package": Package.objects.filter(status=PackageStatus.PUBLISHED).order_by("pk").first().slug,
        "closed": Notice.objects.filter(closes_at__lt=now).order_by("-closes_at").first().docket_id,
        "open": Notice.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("pk").first().docket_id,
        "ruleset": ruleset_active().version,
    }


def operations(objects: dict[str, str | int]) -> list[dict[str, Any]]:
    """schemathesis ``operations`` entries: path parameters of real objects, and the draft endpoints' 400s."""
    return [
        {"include-path-regex": "^/api/v1/drafts/\\{slug\\}/", "parameters": {"path.slug": objects["draft"]}},
        {"include-path-regex": "\\{id\\}", "parameters": {"path.id": objects["component"]}},
        {"include-path-regex": "/submit/$", "parameters": {"path.slug": objects["draft"]}},
        {
            "include-path-regex": "^/api/v1/packages/\\{slug\\}/(eligibility/)?$",
            "parameters": {"path.slug": objects["package"]},
        },
        {
            "include-method": "GET",
            "include-path-regex": "\\{docket\\}",
            "parameters": {"path.docket": objects["closed"]},
        },
        {
            "include-method": "POST",
            "include-path-regex": "\\{docket\\}",
            "parameters": {"path.docket": objects["open"]},
        },
        {"include-path-regex": "\\{version\\}", "parameters": {"path.version": objects["ruleset"]}},
        # A new draft names one of the user's consortia, a component a supplier among its members: a schema
        # cannot list those, so a well-formed name of another object is a 400 naming the field.
        {
            "include-path-regex": "^/api/v1/drafts/",
            "include-method": ["POST", "PATCH"],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400]}},
        },
    ]


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)  # strings (JSON escapes are TOML escapes for these) and integers


def toml_for(token: str, user: Any) -> str:
    """``schemathesis.toml`` for ``make fuzz``: the API's token scheme and the same operations as the CI gate."""
    lines = ["[auth.openapi.tokenAuth]", f"api_key = {json.dumps('Token ' + token)}", ""]
    for entry in operations(fuzz_objects(user)):
        lines.append("[[operations]]")
        lines.extend(f"{json.dumps(key)} = {_toml_value(value)}" for key, value in entry.items())
        lines.append("")
    return "\n".join(lines)
