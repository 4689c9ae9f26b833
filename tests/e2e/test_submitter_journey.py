"""A company user creates a consortium, drafts a package through every step, fails to submit with a missing
layer, fixes it and submits — with axe-core on every page visited, error states included."""

from __future__ import annotations

import re

import pytest

from catalog.choices import OrganizationRole, PackageStatus
from catalog.models import Package
from tests.catalog.factories import ensure_reference_data
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def check_label(page, text: str) -> None:
    """USWDS hides the native checkbox or radio; people click its label."""
    page.locator("label", has_text=re.compile(rf"^{re.escape(text)}$")).first.click()


def field(page, label: str):
    """The form control labelled exactly ``label`` (a required field's label ends with an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def add_component(page, assert_accessible, *, category: str, name: str, nav: str = "Add component", **fields):
    page.get_by_label("Category").select_option(label=category)
    field(page, "Name").fill(name)
    for label, value in fields.items():
        field(page, label).fill(value)
    page.get_by_role("button", name=nav, exact=True).click()


def sign_in(page, live_server, user) -> None:
    """Sign in through a session made by the test client (the sign-in page is the foundation's to test)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_a_company_user_creates_a_consortium_drafts_and_submits_a_package(page, live_server, assert_accessible):
    ensure_reference_data()
    user = UserFactory(email="lead@meridian.example", password=PASSWORD)
    org = OrganizationFactory(name="Meridian Compute Inc.")
    MembershipFactory(user=user, organization=org, role=OrganizationRole.ADMIN)
    kestrel = OrganizationFactory(name="Kestrel Networks", country_id="KE")
    kestrel_admin = MembershipFactory(organization=kestrel, role=OrganizationRole.ADMIN).user

    sign_in(page, live_server, user)
    page.goto("/dashboard/")
    assert_accessible(page)

    # Consortium: an error first (no name), then created.
    page.get_by_role("link", name="Create a consortium").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create consortium").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Meridian Full-Stack Alliance")
    check_label(page, "Hardware")
    page.get_by_role("button", name="Create consortium").click()

    # Members: search and invite Kestrel Networks as a data contributor; its admin accepts (the invited side
    # is driven in the browser by test_invitation_journey.py).
    page.get_by_label("Find an organization by name").fill("kestrel")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    check_label(page, "Kestrel Networks")
    page.get_by_label("Role in the consortium").select_option(label="Systems integrator")
    check_label(page, "Data")
    page.get_by_role("button", name="Send the invitation").click()
    assert page.locator("#invitations").get_by_role("row", name=re.compile("Kestrel Networks")).is_visible()
    assert_accessible(page)
    from catalog import services
    from catalog.models import ConsortiumMember

    services.consortium_member_accept(actor=kestrel_admin, member=ConsortiumMember.objects.get(organization=kestrel))
    page.reload()
    assert page.get_by_role("row", name=re.compile("Kestrel Networks")).first.is_visible()

    # Overview: an error state first (no title), then saved.
    page.get_by_role("link", name="Meridian Full-Stack Alliance").click()
    assert_accessible(page)
    page.get_by_role("link", name="Draft a new package").click()
    assert page.locator(".usa-step-indicator").is_visible()
    assert_accessible(page)
    page.get_by_label("Summary").fill("GPU cloud, models and data services for East Africa.")
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("Summary").input_value().startswith("GPU cloud")  # nothing typed is lost
    assert_accessible(page)
    page.get_by_label("Title").fill("East Africa Sovereign AI Cloud")
    page.get_by_label("Filter countries").fill("ken")
    check_label(page, "Kenya")
    page.get_by_label("Filter countries").fill("tanz")
    check_label(page, "Tanzania")
    assert page.locator(".aix-picker__count").inner_text() == "2 chosen"
    check_label(page, "Health care")
    page.get_by_role("button", name="Save and continue").click()

    # Hardware: a bad ECCN first, then the chip is added.
    assert page.locator(".usa-step-indicator__heading-text").inner_text() == "Hardware"
    assert_accessible(page)
    add_component(page, assert_accessible, category="Accelerator / chip", name="Redwood RX-900", **{
        "ECCN": "3A9", "Quantity": "512",
    })  # fmt: skip
    assert page.locator("#error-summary").is_visible()
    assert field(page, "Name").input_value() == "Redwood RX-900"
    assert_accessible(page)
    page.get_by_label("ECCN").fill("3A090.a")
    page.get_by_label("Total processing performance (TPP) per unit").fill("15832")
    page.get_by_label("Value per unit (USD)").fill("31000")
    page.get_by_label("U.S.-origin share of value (%)").fill("92")
    page.get_by_role("button", name="Add component", exact=True).click()
    assert page.get_by_role("row", name=re.compile("Redwood RX-900")).is_visible()
    page.get_by_role("button", name="Save and continue").click()

    # Software & models, then data: each added by "Save and continue" straight away.
    assert_accessible(page)
    add_component(page, assert_accessible, category="Foundation model", name="Cascade-70B", nav="Save and continue")
    assert_accessible(page)
    page.get_by_label("Supplier").select_option(label="Kestrel Networks")
    add_component(page, assert_accessible, category="Data pipeline", name="Ingest", nav="Save and continue")
    # Security: skipped on purpose.
    assert page.locator(".usa-step-indicator__heading-text").inner_text() == "Security"
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    # Review: submitting fails with the missing security layer.
    assert page.locator(".usa-step-indicator__heading-text").inner_text() == "Review and submit"
    assert "92.0 %" in page.locator("main").inner_text(), page.locator("main").inner_text()[:3000]
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible() and "The package could not be submitted" in summary.inner_text()
    assert summary.locator("li").all_inner_texts() == ["Add at least one security component."]
    assert_accessible(page)
    package = Package.objects.get()
    assert package.status == PackageStatus.DRAFT

    # Fix it through the link, then submit.
    summary.get_by_role("link", name="Add at least one security component.").click()
    assert_accessible(page)
    add_component(page, assert_accessible, category="Cybersecurity", name="24/7 SOC", nav="Save and continue")
    assert page.locator(".usa-alert--success").first.is_visible()
    page.get_by_role("button", name="Submit for review").click()
    assert "Package submitted for review" in page.locator(".aix-messages").inner_text()
    assert page.locator("main .usa-tag").first.text_content().strip() == "Submitted"
    assert_accessible(page)
    package.refresh_from_db()
    assert package.status == PackageStatus.SUBMITTED
    assert package.components.count() == 4

    page.goto("/dashboard/")
    assert page.get_by_role("row", name=re.compile("East Africa Sovereign AI Cloud")).is_visible()
    assert_accessible(page)
