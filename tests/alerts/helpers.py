"""Shared set-up of the alerts tests: published packages with eligibility results for chosen countries."""

from __future__ import annotations

from django.utils import timezone

from alerts.models import Alert, Subscriber
from catalog.models import Package
from eligibility.choices import Outcome
from eligibility.models import EligibilityResult
from eligibility.selectors import ruleset_active
from tests.catalog.factories_public import ensure_reference_data, published_package


def available(package: Package, *countries: str, outcome: str = Outcome.ELIGIBLE) -> Package:
    """Give ``package`` a current eligibility result of ``outcome`` for each country."""
    ruleset = ruleset_active()
    for code in countries:
        EligibilityResult.objects.update_or_create(
            package=package, country_id=code,
            defaults={"ruleset": ruleset, "ruleset_version": ruleset.version, "outcome": outcome,
                      "computed_at": timezone.now()},
        )  # fmt: skip
    return package


def package_in(*countries: str, **fields) -> Package:
    ensure_reference_data()
    return available(published_package(**fields), *countries)


def active_alert(email: str = "buyer@example.jp", country: str = "JP", query: dict | None = None, **fields) -> Alert:
    ensure_reference_data()
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    return Alert.objects.create(
        subscriber=subscriber, country_id=country, query=query or {}, confirmed_at=timezone.now(), **fields
    )
