"""Package requests and a small world to match them against."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from buyer_requests.models import PackageRequest, generate_reference
from catalog.choices import PackageStatus
from eligibility.models import EligibilityResult, RuleSet
from eligibility.selectors import ruleset_active
from tests.catalog.factories import company, complete_package

FORM = {
    "requester_type": "agency",
    "organization_name": "Kenya ICT Authority",
    "contact_name": "Wanjiru Kamau",
    "email": "wanjiru@ict.example.ke",
    "country": "KE",
    "sector": "health",
    "need_hardware": "A GPU cluster for 200 researchers.",
    "need_software": "A Swahili language model.",
    "need_data": "",
    "need_security": "",
    "scale": "national",
    "timeline": "12m",
    "financing_interest": "interested",
    "confidential_details": "Budget ceiling USD 40m.",
    "consent_to_contact": "on",
}


def make_request(**overrides: Any) -> PackageRequest:
    values: dict[str, Any] = {
        "reference": generate_reference(),
        "requester_type": "agency",
        "organization_name": "Kenya ICT Authority",
        "contact_name": "Wanjiru Kamau",
        "email": "wanjiru@ict.example.ke",
        "country_id": "KE",
        "sector_id": "health",
        "need_hardware": "A GPU cluster.",
        "need_software": "A language model.",
        "scale": "national",
        "timeline": "12m",
        "financing_interest": "interested",
        "confidential_details": "Budget ceiling USD 40m.",
        "consent_to_contact": True,
        **overrides,
    }
    return PackageRequest.objects.create(**values)


def active_ruleset() -> RuleSet:
    return ruleset_active() or RuleSet.objects.create(
        name="Test rules", version="test-rules", effective_from=timezone.localdate(), status="active"
    )


def published_for(country: str = "KE", *, sector: str = "health", outcome: str = "eligible", title: str = "Stack"):
    """A published full-stack package serving ``sector`` with a current ``outcome`` for ``country``; its
    consortium's manager is returned too."""
    manager, _org, consortium = company()
    package = complete_package(consortium, status=PackageStatus.PUBLISHED, title=title)
    package.sectors.add(sector)
    ruleset = active_ruleset()
    EligibilityResult.objects.create(
        package=package, country_id=country, ruleset=ruleset, ruleset_version=ruleset.version, outcome=outcome,
        computed_at=timezone.now(),
    )  # fmt: skip
    return package, manager
