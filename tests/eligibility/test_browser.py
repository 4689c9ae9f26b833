"""A buyer picks a country, sees the outcome and the map, and uses the calculator (axe-core on each page)."""

from __future__ import annotations

import pytest

from catalog.choices import Category, PackageStatus
from eligibility import services
from tests.factories import ComponentFactory, PackageFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def published(reference_data):
    package = PackageFactory(status=PackageStatus.PUBLISHED, title="Sovereign GPU cloud")
    ComponentFactory(package=package, name="H100 cluster", category=Category.ACCELERATOR, tpp=15832, quantity=64)
    ComponentFactory(package=package, name="MLOps platform", category=Category.FRAMEWORK, eccn="EAR99")
    services.eligibility_compute_now(package_id=package.pk)
    return package


def test_a_buyer_picks_a_country_and_sees_the_outcome_reasons_and_map(page, published, assert_accessible):
    page.goto(f"/eligibility/packages/{published.slug}/")
    summary = page.locator("#aix-elig-country-heading")
    assert "United States" in summary.inner_text()  # the browser's language region (en-US)
    assert "Eligible" in summary.inner_text()
    assert_accessible(page)

    page.select_option("#elig_country", "VN")
    page.get_by_role("button", name="Show the outcome").click()
    page.wait_for_url(f"**/eligibility/packages/{published.slug}/")
    assert "License required" in summary.inner_text()
    assert "H100 cluster" in page.locator(".aix-elig-outcome").inner_text()
    assert page.locator(".aix-elig-map__svg").is_visible()
    assert "is-selected" in page.locator('path[data-country="VN"]').get_attribute("class")
    assert page.locator(".aix-elig-legend").inner_text().count("(") >= 3  # each outcome names its pattern
    page.locator("details.aix-elig-all summary").click()
    assert page.get_by_role("table").locator("tbody tr").count() > 240
    assert_accessible(page)

    page.reload()  # remembered
    assert "License required" in page.locator("#aix-elig-country-heading").inner_text()


def test_a_buyer_uses_the_calculator_and_corrects_a_mistake(page, reference_data, assert_accessible):
    page.goto("/eligibility/calculator/")
    assert_accessible(page)
    page.fill("#id_c-0-name", "Accelerator")
    page.select_option("#id_c-0-category", "accelerator")
    page.fill("#id_c-0-tpp", "15832")
    page.fill("#id_c-0-eccn", "not an ECCN")
    page.select_option("#id_country", "CN")
    page.get_by_role("button", name="Calculate").click()
    assert page.locator("#error-summary").is_visible()
    assert page.input_value("#id_c-0-name") == "Accelerator"
    assert "Enter an ECCN" in page.locator("#error-summary").inner_text()
    assert_accessible(page)

    assert page.input_value("#id_c-0-eccn") == "not an ECCN"
    page.fill("#id_c-0-eccn", "")
    page.get_by_role("button", name="Calculate").click()
    chosen = page.locator("#calc-chosen").inner_text()
    assert "China" in chosen and "Prohibited" in chosen
    assert page.evaluate("document.activeElement.id") == "calc-results"  # the result, first, has the focus
    assert not page.locator(".aix-elig-map__svg").is_visible()  # the details are folded under the summary
    for summary in page.locator("#calc-results details summary").all():
        summary.click()
    assert "derived from TPP 15,832" in page.locator("main").inner_text()
    assert page.locator(".aix-elig-map__svg").is_visible()
    assert_accessible(page)
