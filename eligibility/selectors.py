"""Eligibility reads used by the catalog.

``publication_blockers`` belongs to restricted-party screening. The reads about rule sets and results live
in ``selectors_results`` and are re-exported at the bottom of this module, so the import paths
``eligibility.selectors.packages_available_in`` (and friends) keep working.
"""

from __future__ import annotations


def publication_blockers(*, consortium_id: int) -> list[str]:
    """Reasons that block publishing this consortium's packages (open restricted-party screening hits).

    The catalog's publish service refuses to publish while this list is not empty.
    """
    from screening.selectors import screening_blockers

    return screening_blockers(consortium_id=consortium_id)


def headquarters_license_countries() -> frozenset[str]:
    """Where a member's headquarters (or its parent's) makes advanced-computing items need a license wherever
    the member is: Country Group D:5 and Macau (15 CFR 742.6(a)(6)(iii)(A)), from the reference data."""
    from .models import CountryGroup

    d5 = CountryGroup.objects.filter(code="D:5").values_list("countries__code", flat=True)
    return frozenset(code for code in d5 if code) | {"MO"}


# --- Rule sets and results (export-control eligibility): see selectors_results.py ---------------------
from .selectors_results import (  # noqa: E402
    countries_with_tiers,
    package_results,
    packages_available_in,
    ruleset_active,
    ruleset_engine_data,
    ruleset_progress,
)

__all__ = [
    "countries_with_tiers",
    "headquarters_license_countries",
    "package_results",
    "packages_available_in",
    "publication_blockers",
    "ruleset_active",
    "ruleset_engine_data",
    "ruleset_progress",
]
