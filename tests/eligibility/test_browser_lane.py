"""A buyer in China sees the case-by-case review policy and its conditions (axe-core, 1280 and 390 px)."""

from __future__ import annotations

import os

import pytest

from catalog.choices import Category, PackageStatus
from eligibility import services
from eligibility.models import RuleSet
from eligibility.seeding import EAR_LANE_VERSION
from tests.factories import ComponentFactory, PackageFactory

pytestmark = [pytest.mark.browser]


def test_a_buyer_in_china_sees_the_review_policy_conditions_and_the_rule_set_date(
    page, reference_data, assert_accessible
):
    package = PackageFactory(status=PackageStatus.PUBLISHED, title="Inference cloud")
    ComponentFactory(
        package=package, name="H200 cluster", category=Category.ACCELERATOR, tpp=15832, dram_bandwidth=4800
    )
    services.eligibility_compute_now(package_id=package.pk, ruleset=RuleSet.objects.get(version=EAR_LANE_VERSION))
    page.goto(f"/eligibility/packages/{package.slug}/")
    page.select_option("#elig_country", "CN")
    page.get_by_role("button", name="Show the outcome").click()
    page.wait_for_url(f"**/eligibility/packages/{package.slug}/")
    box = page.locator(".aix-elig-outcome")
    assert "License required" in box.inner_text()
    assert "case-by-case review" in box.locator(".aix-elig-policy").inner_text()
    assert box.locator(".aix-elig-conditions li").count() == 6
    assert "DRAM bandwidth 4,800 GB/s < 6,500 GB/s" in box.inner_text()
    assert "rule set ear-2026-12, effective" in box.inner_text()
    assert_accessible(page)
    shots = os.environ.get("AIX_SCREENSHOT_DIR")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        # The outcome box (reasons, policy, conditions) fits the viewport without horizontal scrolling.
        assert box.evaluate("e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right") <= width
        if shots:
            box.screenshot(path=f"{shots}/lane-{width}.png")
