"""Consortium membership by consent, in a real browser: the anchor's admin invites two organizations; their
admin sees the invitations on the dashboard, accepts one (it becomes a member, shown publicly) and declines
the other (never shown). axe-core on each page."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():  # noqa: ANN201
    from catalog.choices import OrganizationRole, PackageStatus
    from tests.catalog.factories import complete_package, ensure_reference_data
    from tests.factories import ConsortiumFactory, MembershipFactory, OrganizationFactory, UserFactory

    ensure_reference_data()
    lead = UserFactory(email="lead@meridian.example", password="lead-password-123")
    consortium = ConsortiumFactory(name="Meridian Sovereign AI")
    MembershipFactory(user=lead, organization=consortium.anchor, role=OrganizationRole.ADMIN)
    complete_package(consortium, status=PackageStatus.PUBLISHED, title="Meridian national AI stack")
    invitee = UserFactory(email="boss@kestrel.example", password="boss-password-123")
    for name in ("Kestrel Networks", "Kestrel Data Labs"):
        MembershipFactory(user=invitee, organization=OrganizationFactory(name=name), role=OrganizationRole.ADMIN)
    return consortium


def _sign_in(page, email: str, password: str) -> None:  # noqa: ANN001
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")


def _invite(page, name: str) -> None:  # noqa: ANN001
    page.get_by_label("Find an organization by name").fill("Kestrel")
    page.get_by_role("button", name="Search", exact=True).click()
    # USWDS hides the radio itself and styles its label: a person clicks the label.
    page.locator("label.usa-radio__label").filter(has_text=re.compile(f"^{re.escape(name)}$")).click()
    page.get_by_label("Role in the consortium").select_option("operator")
    page.get_by_role("button", name="Send the invitation").click()
    assert f"{name} was invited" in page.locator("main").inner_text()


def test_an_anchor_invites_and_the_invited_admin_accepts_one_invitation_and_declines_the_other(
    page, assert_accessible, world
):
    from catalog.models import ConsortiumMember

    consortium = world
    _sign_in(page, "lead@meridian.example", "lead-password-123")
    page.goto(f"/dashboard/consortia/{consortium.slug}/members/")
    _invite(page, "Kestrel Networks")
    _invite(page, "Kestrel Data Labs")
    invitations = page.locator("#invitations")
    assert invitations.get_by_role("row", name="Kestrel Networks").is_visible()
    assert "invited, awaiting an answer" in invitations.inner_text().lower()  # a USWDS tag is upper-case
    assert_accessible(page)
    # Not yet a member: the public consortium page does not name it.
    page.goto(f"/catalog/consortia/{consortium.slug}/")
    assert "Kestrel" not in page.locator("main").inner_text()
    page.goto("/dashboard/")
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, "boss@kestrel.example", "boss-password-123")
    alert = page.locator("#invitations-alert")
    assert "2 consortium invitations are waiting for your answer" in alert.inner_text()
    assert_accessible(page)
    alert.get_by_role("link", name="Accept or decline them").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Consortium invitations"
    assert_accessible(page)
    page.get_by_role("button", name="Accept the invitation of Meridian Sovereign AI for Kestrel Networks").click()
    assert "Kestrel Networks is now a member of Meridian Sovereign AI" in page.locator("main").inner_text()
    assert page.get_by_role("row", name="Kestrel Networks").is_visible()  # the members table
    assert_accessible(page)

    page.goto("/dashboard/invitations/")
    page.get_by_role("button", name="Decline the invitation of Meridian Sovereign AI for Kestrel Data Labs").click()
    assert "You declined the invitation" in page.locator("main").inner_text()
    assert "No invitation is waiting for an answer" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Leave Meridian Sovereign AI").is_visible()
    assert_accessible(page)

    page.goto(f"/catalog/consortia/{consortium.slug}/")
    public = page.locator("main").inner_text()
    assert "Kestrel Networks" in public and "Kestrel Data Labs" not in public
    statuses = dict(ConsortiumMember.objects.filter(consortium=consortium).values_list("organization__name", "status"))
    assert statuses["Kestrel Networks"] == "accepted" and statuses["Kestrel Data Labs"] == "declined"


def test_a_member_leaves_after_confirming(page, assert_accessible, world):
    from catalog.choices import MemberStatus
    from catalog.models import ConsortiumMember, Organization
    from tests.catalog.factories import add_member

    consortium = world
    member = add_member(consortium, organization=Organization.objects.get(name="Kestrel Networks"))
    _sign_in(page, "boss@kestrel.example", "boss-password-123")
    page.goto("/dashboard/invitations/")
    page.get_by_role("link", name="Leave Meridian Sovereign AI").click()
    assert "Take Kestrel Networks out of Meridian Sovereign AI?" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Leave the consortium").click()
    assert "Kestrel Networks left Meridian Sovereign AI" in page.locator("main").inner_text()
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.LEFT
