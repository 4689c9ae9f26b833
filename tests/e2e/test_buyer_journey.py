"""A foreign buyer's journey: search the catalog, narrow it with facets, open a package, send an inquiry.

axe-core (WCAG 2.0/2.1 A and AA) must find nothing on every page visited, the form's error state included.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from catalog.choices import Category
from catalog.models import Inquiry
from tests.catalog.factories_public import consortium_with_manager, ensure_reference_data, published_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data():
    ensure_reference_data()


@pytest.fixture
def catalog_data(reference_data):
    consortium = consortium_with_manager(email="manager@atlas.example", name="Atlas Health Alliance")
    target = published_package(
        title="Telemedicine AI for regional hospitals",
        summary="Clinical language models with a sovereign GPU cluster.",
        consortium=consortium,
        categories=[Category.ACCELERATOR, Category.FINETUNED_MODEL, Category.DATASET, Category.PRIVACY],
        sectors=["health"],
        regions=["gcc"],
    )
    published_package(title="Telemedicine scheduling suite", categories=[Category.APPLICATION], sectors=["government"])
    published_package(title="Precision farming analytics", sectors=["agriculture"])
    return target


def test_a_buyer_searches_filters_opens_a_package_and_sends_an_inquiry(page, assert_accessible, catalog_data):
    page.goto("/catalog/")
    assert page.locator("h1").inner_text() == "Catalog of AI export packages"
    assert_accessible(page)

    page.get_by_label("Search packages").fill("telemedicine")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=telemedicine"))
    assert page.locator("#results-heading").inner_text() == "2 packages"
    assert_accessible(page)

    # USWDS draws its own checkbox: people click the label.
    page.locator("label[for=id_sector_health]").click()
    page.locator("label[for=id_layer_hardware]").click()
    assert page.get_by_label(re.compile(r"^Health care")).is_checked()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"sector=health"))
    assert "layer=hardware" in page.url and "q=telemedicine" in page.url
    assert page.locator("#results-heading").inner_text() == "1 package"
    assert page.get_by_role("link", name=re.compile("Sector: Health care")).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Telemedicine AI for regional hospitals").click()
    page.wait_for_url(f"**/catalog/{catalog_data.slug}/")
    assert page.locator("caption").first.inner_text().startswith("Hardware")
    assert_accessible(page)

    # The form is a page of its own, linked from the package page.
    page.get_by_role("link", name="Write to the consortium").click()
    page.wait_for_url(f"**/catalog/{catalog_data.slug}/contact/")
    assert_accessible(page)
    page.get_by_role("button", name="Send message").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.id") == "error-summary", page.evaluate(
        "document.activeElement.outerHTML.slice(0, 200)"
    )
    assert summary.get_by_role("link", name=re.compile("E-mail address")).is_visible()
    assert_accessible(page)

    page.get_by_label("Your name").fill("Layla Haddad")
    page.get_by_label("Organization").fill("Ministry of Health")
    page.locator("#id_country").select_option("AE")
    page.get_by_label("E-mail address").fill("layla@health.example")
    page.get_by_label("Message", exact=False).first.fill("Please send a proposal for two hospitals.")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Your message was sent to the consortium").wait_for()
    assert_accessible(page)

    inquiry = Inquiry.objects.get()
    assert (inquiry.package_id, inquiry.country_id) == (catalog_data.pk, "AE")
    # The consortium's manager gets the message, the buyer a copy of what was sent.
    assert sorted(m.to for m in mail.outbox) == [["layla@health.example"], ["manager@atlas.example"]]


def test_the_consortium_page_and_an_empty_search_are_accessible(page, assert_accessible, catalog_data):
    page.goto(f"/catalog/consortia/{catalog_data.consortium.slug}/")
    assert page.locator("h1").inner_text() == "Atlas Health Alliance"
    assert_accessible(page)
    page.goto("/catalog/?q=quantum+submarine&eccn=bad!")
    assert page.get_by_text("No packages match").is_visible()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)


def test_the_api_docs_render_under_the_content_security_policy(_playwright_browser, live_server):
    # The shared ``page`` fixture bypasses the CSP; here it applies, as it does for a real visitor.
    context = _playwright_browser.new_context(base_url=live_server.url, bypass_csp=False)
    try:
        page = context.new_page()
        page.goto("/api/docs/")
        page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
        assert "aiexports API" in page.locator(".swagger-ui .info .title").inner_text()
        assert page.locator(".opblock-summary-path", has_text="/api/v1/packages/").count() >= 1
    finally:
        context.close()
