"""The calculator where buyers look for it: linked from the catalog and a package page; after "calculate" the
result is at the top of the page with focus on it, on a phone (390 px) and a desktop (1280 px)."""

from __future__ import annotations

import pytest

from eligibility import services
from tests.catalog.factories_public import ensure_reference_data, published_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def package():
    ensure_reference_data()
    package = published_package(title="Sovereign GPU cloud")
    services.eligibility_compute_now(package_id=package.pk)
    return package


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_the_calculator_is_linked_and_its_result_comes_first_with_focus(
    _playwright_browser, live_server, assert_accessible, package, width, height
):
    context = _playwright_browser.new_context(
        base_url=live_server.url, locale="ja", extra_http_headers={"Accept-Language": "ja"}, bypass_csp=True,
        viewport={"width": width, "height": height},
    )  # fmt: skip
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"/catalog/{package.slug}/")
        page.locator(".aix-elig-calc-link a").click()  # from the package page
        page.wait_for_url("**/eligibility/calculator/")
        page.goto("/catalog/")
        page.locator(".aix-calculator-link a").click()  # and from the catalog
        page.wait_for_url("**/eligibility/calculator/")

        page.locator("#id_c-0-category").select_option("accelerator")
        page.locator("#id_c-0-tpp").fill("15832")
        page.locator("#id_country").select_option("JP")
        page.locator("form.aix-elig-calculator button[type=submit]").click()
        page.wait_for_selector("#calc-results")

        assert page.evaluate("document.activeElement.id") == "calc-results"  # not <body>
        top = page.evaluate("document.getElementById('calc-results').getBoundingClientRect().top + window.scrollY")
        assert top < height, f"the result starts {top} px below the top of the page"
        # summary first (counts, the buyer's own country), the per-country detail folded
        assert page.locator("#calc-results .aix-elig-counts li").count() == 3
        assert "日本" in page.locator("#calc-chosen").inner_text()
        assert page.locator("#calc-results details").count() == 2
        assert not page.locator("#calc-results details[open]").count()
        assert not page.locator("#calc-results table").first.is_visible()
        assert_accessible(page)
    finally:
        context.close()
