"""Eligibility reads used by the catalog.

``publication_blockers`` belongs to restricted-party screening. The reads about rule sets and results live
in ``selectors_results`` and are re-exported at the bottom of this module, so the import paths
``catalog.eligibility.selectors.packages_available_in`` (and friends) keep working.
"""

from __future__ import annotations


def publication_blockers(*, consortium_id: int) -> list[str]:
    """Reasons that block publishing this consortium's packages (open restricted-party screening hits).

    The catalog's publish service refuses to publish while this list is not empty.
    """
    from .screening.selectors import screening_blockers

    return screening_blockers(consortium_id=consortium_id)


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
    "package_results",
    "packages_available_in",
    "publication_blockers",
    "ruleset_active",
    "ruleset_engine_data",
    "ruleset_progress",
]
