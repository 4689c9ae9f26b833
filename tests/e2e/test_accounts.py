"""The newcomer's journey in a real browser: sign up, sign out, sign in (after a wrong password), switch
language; axe-core on every page visited, including forms in their error state."""

from __future__ import annotations

import io
from importlib import import_module

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-and-unusual-passphrase"


@pytest.fixture
def reference_data():
    """Transactional tests flush every table, including the countries a data migration loaded."""
    from django.apps import apps

    from aiexports.portal import demo
    from catalog.models import Country

    if not Country.objects.exists():
        import_module("catalog.migrations.0002_reference_data").load(apps, None)
    demo.load(io.StringIO())


def test_a_newcomer_signs_up_out_and_in_then_switches_language(page, assert_accessible, reference_data):
    page.goto("/")
    assert_accessible(page)

    page.get_by_role("link", name="Create an account").first.click()
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("newcomer@example.com")
    page.get_by_label("Full name").fill("Nia Newcomer")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("short")
    page.get_by_role("button", name="Create account").click()
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("Full name").input_value() == "Nia Newcomer"
    assert_accessible(page)

    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="Your organizations").is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    assert page.get_by_role("link", name="Sign in").is_visible()

    page.get_by_role("link", name="Sign in").click()
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("newcomer@example.com")
    page.locator("#id_password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    assert "is not correct" in page.locator("#error-summary").inner_text()
    assert page.get_by_label("E-mail address").input_value() == "newcomer@example.com"
    assert_accessible(page)

    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")

    page.goto("/")
    english_heading = page.locator("h2#figures-title").inner_text()
    page.get_by_label("Language").select_option("ja")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h2#figures-title").inner_text() == "プログラムの現状" != english_heading
    assert_accessible(page)
    page.goto("/pages/about/")
    assert page.get_by_role("heading", level=1).inner_text() == "プログラムについて"


def test_the_contact_page_and_an_info_page_are_accessible(page, assert_accessible, reference_data):
    page.goto("/contact/")
    assert_accessible(page)
    page.get_by_role("button", name="Send the message").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Lea Buyer")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("E-mail address").fill("lea@example.fr")
    page.get_by_label("Topic").select_option("buying")
    page.get_by_label("Message").fill("Which packages can ship to France?")
    page.get_by_role("button", name="Send the message").click()
    page.wait_for_url("**/contact/sent/")
    assert_accessible(page)

    page.goto("/pages/faq/")
    assert page.get_by_role("heading", level=1).inner_text() == "Frequently asked questions"
    assert_accessible(page)
