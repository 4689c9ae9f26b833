"""Demo data of the eligibility app: the seeded rule sets, and results for every non-draft package."""

from __future__ import annotations

from typing import IO

from django.apps import apps

from catalog.choices import PackageStatus
from catalog.models import Package

from . import services
from .seeding import EAR_LANE_VERSION, seed_corrections, seed_country_groups, seed_ear_lane, seed_rulesets
from .selectors import ruleset_active


def load(stdout: IO[str]) -> None:
    """Make sure the seeded rule sets exist and compute results synchronously (idempotent: upserts).

    Also imports the synthetic restricted-party screening sample and screens every organization.
    """
    from screening.demo import load_screening_demo

    load_screening_demo(stdout)
    seed_country_groups(apps)
    seed_rulesets(apps)
    seed_ear_lane(apps)
    seed_corrections(apps)
    stdout.write(
        f"eligibility: {EAR_LANE_VERSION} (the January 2026 China/Macau lane) is a draft rule set: activate it in "
        "the admin (Rule sets → activate) to re-check every package under it\n"
    )
    ruleset = ruleset_active()
    if ruleset is None:
        stdout.write("eligibility: no active rule set, no results computed\n")
        return
    ids = list(Package.objects.exclude(status=PackageStatus.DRAFT).order_by("pk").values_list("pk", flat=True))
    rows = sum(services.eligibility_compute_now(package_id=pk, ruleset=ruleset) for pk in ids)
    stdout.write(f"eligibility: {len(ids)} packages checked under {ruleset.version} ({rows} results)\n")
