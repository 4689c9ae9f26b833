"""A new user signs up, is refused an organization until the e-mail address is confirmed, asks for the link
again, follows it from the mailbox (the locmem outbox: the live server runs in this process), and then creates
the organization. axe-core on every page, the refusal and the used-link page included."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s\"<]+/accounts/confirm-email/[^\s\"<]+/")
SHOTS = os.environ.get("AIX_SCREENSHOTS_DIR", "")  # set it to look at the pages at 1280 and 390 px


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_sign_up_confirm_by_e_mail_then_create_an_organization(page, live_server, settings, assert_accessible):
    from django.core import mail

    from catalog.models import Organization
    from tests.catalog.factories import ensure_reference_data

    ensure_reference_data()
    settings.AIX_SITE_URL = live_server.url

    page.goto("/accounts/sign-up/")
    page.get_by_label("E-mail address").fill("grace@kestrel.example")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.locator("#id_password1").fill("a-Long-and-unusual-passphrase")
    page.locator("#id_password2").fill("a-Long-and-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/dashboard/")
    assert "We have sent a link to grace@kestrel.example" in page.content()
    assert page.get_by_text("Confirm your e-mail address (grace@kestrel.example)").is_visible()
    assert_accessible(page)
    _shoot(page, "dashboard-unconfirmed")
    assert len(mail.outbox) == 1

    # Signed in, but no organization yet: a clear refusal with "send it again".
    page.get_by_role("link", name="Create an organization").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your e-mail address first"
    assert_accessible(page)
    _shoot(page, "email-unconfirmed")
    page.get_by_role("button", name="Send the confirmation e-mail again").click()
    page.get_by_text("We have sent a new confirmation link").wait_for()
    assert_accessible(page)
    _shoot(page, "email-confirmation")
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["grace@kestrel.example"]

    # The link of the e-mail: absolute, from the site URL.
    link = LINK.search(mail.outbox[1].body).group(0)
    assert link.startswith(live_server.url)
    assert link in mail.outbox[1].alternatives[0][0]
    page.goto(link)
    assert_accessible(page)
    _shoot(page, "email-confirm")
    page.get_by_role("button", name="Confirm my e-mail address").click()
    page.get_by_text("your e-mail address is confirmed").wait_for()
    assert_accessible(page)

    # The same link again: used, nothing changes.
    response = page.goto(urlsplit(link).path)
    assert response.status == 400
    assert page.get_by_text("This link has already been used").is_visible()
    assert_accessible(page)
    _shoot(page, "email-confirm-used")

    # Now the organization form opens and the organization is created.
    page.goto("/dashboard/")
    assert not page.get_by_text("Confirm your e-mail address (").count()
    page.get_by_role("link", name="Create an organization").click()
    page.get_by_label("Legal name").fill("Kestrel Compute Ltd")
    page.get_by_label("Country of headquarters").select_option("GB")
    page.get_by_role("button", name="Create the organization").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kestrel Compute Ltd"
    assert page.get_by_text("Not yet").is_visible()  # verified by staff: not yet
    assert_accessible(page)
    assert Organization.objects.filter(name="Kestrel Compute Ltd", memberships__user__email="grace@kestrel.example")
