"""A company user creates an organization (first with a missing controlling country) and adds a colleague;
axe-core on each page, including the form's error state."""

from __future__ import annotations

from importlib import import_module

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def countries():
    from django.apps import apps

    from catalog.models import Country

    if not Country.objects.exists():  # transactional tests flush the data migration's rows
        import_module("catalog.migrations.0002_reference_data").load(apps, None)


def _sign_in(page, email, password):
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")


def test_a_user_creates_an_organization_and_adds_a_colleague(page, assert_accessible, countries):
    from tests.factories import UserFactory

    UserFactory(email="owner@example.com", password="owner-password-123")
    UserFactory(email="colleague@example.com", full_name="Cole League")
    _sign_in(page, "owner@example.com", "owner-password-123")
    assert_accessible(page)  # the dashboard with its organizations section

    page.get_by_role("link", name="Create an organization").click()
    assert_accessible(page)
    page.get_by_label("Legal name").fill("Kestrel Compute Ltd")
    page.get_by_label("Country of headquarters").select_option("GB")
    page.get_by_label("Website").fill("kestrel.example")
    page.locator("label[for=id_foreign_controlled]").click()  # USWDS styles the label, hides the box
    page.get_by_role("button", name="Create the organization").click()
    summary = page.locator("#error-summary")
    assert "Choose the country" in summary.inner_text()
    assert page.get_by_label("Legal name").input_value() == "Kestrel Compute Ltd"
    assert_accessible(page)

    page.get_by_label("Controlling country").select_option("CA")
    page.get_by_role("button", name="Create the organization").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kestrel Compute Ltd"
    assert "https://kestrel.example" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Members").click()
    page.get_by_label("Colleague's e-mail address").fill("nobody@example.com")
    page.get_by_role("button", name="Add to the organization").click()
    assert "No account uses this e-mail address" in page.locator("#error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Colleague's e-mail address").fill("colleague@example.com")
    page.get_by_role("button", name="Add to the organization").click()
    assert page.get_by_role("row", name="Cole League").is_visible()
    assert_accessible(page)
