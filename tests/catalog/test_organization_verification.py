"""Staff verify organizations (issue 10): who, when and a note, only through audited services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, NotAllowed
from catalog.choices import OrganizationRole
from catalog.services.organizations import organization_unverify, organization_verify
from tests.factories import MembershipFactory, OrganizationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/organization/"


@pytest.fixture
def staff(client):
    user = StaffFactory(full_name="Rita Reviewer")
    client.force_login(user)
    return user


def act(client, action, organizations, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [o.pk for o in organizations], **extra})


# --- services -------------------------------------------------------------------------------------------


def test_verifying_records_who_when_and_the_note_with_an_audit_row():
    staff = StaffFactory()
    org = OrganizationFactory()
    organization_verify(actor=staff, organization=org, note="  Registry entry 12345 checked.  ")
    org.refresh_from_db()
    assert org.verified and org.verified_by == staff and org.verified_at is not None
    assert org.verification_note == "Registry entry 12345 checked."
    event = AuditEvent.objects.get(action="organization.verify", target_id=str(org.pk))
    assert event.actor == staff
    assert event.changes["verified"] == {"before": False, "after": True}
    assert event.changes["verified_by"] == {"before": None, "after": str(staff)}
    assert event.changes["verification_note"]["after"] == "Registry entry 12345 checked."
    assert event.changes["verified_at"]["before"] is None


def test_withdrawing_a_verification_goes_through_its_service_with_the_reason():
    staff = StaffFactory()
    org = OrganizationFactory()
    organization_verify(actor=staff, organization=org, note="Checked.")
    organization_unverify(actor=staff, organization=org, note="Registry shows it dissolved.")
    org.refresh_from_db()
    assert (org.verified, org.verified_by, org.verified_at) == (False, None, None)
    assert org.verification_note == "Registry shows it dissolved."
    event = AuditEvent.objects.get(action="organization.unverify")
    assert event.changes["verified"] == {"before": True, "after": False}
    assert event.changes["verified_by"]["before"] == str(staff)


@pytest.mark.parametrize("actor_kind", ["company user", "anonymous"])
def test_only_staff_may_verify(actor_kind):
    from django.contrib.auth.models import AnonymousUser

    actor = UserFactory() if actor_kind == "company user" else AnonymousUser()
    org = OrganizationFactory()
    with pytest.raises(NotAllowed):
        organization_verify(actor=actor, organization=org, note="Trust me.")
    org.refresh_from_db()
    assert not org.verified and not AuditEvent.objects.exists()


def test_a_verification_needs_a_note_and_cannot_be_repeated():
    from django.core.exceptions import ValidationError

    staff = StaffFactory()
    org = OrganizationFactory()
    with pytest.raises(ValidationError):
        organization_verify(actor=staff, organization=org, note="   ")
    with pytest.raises(ValidationError):
        organization_verify(actor=staff, organization=org, note="x" * 2001)
    organization_verify(actor=staff, organization=org, note="Checked.")
    with pytest.raises(DomainError):
        organization_verify(actor=staff, organization=org, note="Again.")
    with pytest.raises(DomainError):
        organization_unverify(actor=staff, organization=OrganizationFactory(), note="Not verified anyway.")
    assert AuditEvent.objects.filter(action="organization.verify").count() == 1


# --- admin ---------------------------------------------------------------------------------------------------


def test_the_verify_action_asks_for_a_note_on_an_intermediate_page_then_verifies(client, staff):
    org = OrganizationFactory(name="Kestrel Networks")
    page = act(client, "verify_organizations", [org])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kestrel Networks" in html and 'name="note"' in html
    org.refresh_from_db()
    assert not org.verified  # nothing yet
    response = act(client, "verify_organizations", [org], apply="1", note="Companies House entry checked.")
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.verified and org.verified_by == staff
    assert AuditEvent.objects.filter(action="organization.verify", actor=staff).exists()


def test_the_intermediate_page_without_a_note_shows_the_error_and_changes_nothing(client, staff):
    org = OrganizationFactory()
    response = act(client, "verify_organizations", [org], apply="1", note="")
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    org.refresh_from_db()
    assert not org.verified and not AuditEvent.objects.filter(action="organization.verify").exists()


def test_withdrawing_in_the_admin_reports_refusals_by_organization(client, staff):
    verified, plain = OrganizationFactory(name="Verified Co"), OrganizationFactory(name="Plain Co")
    organization_verify(actor=staff, organization=verified, note="Checked.")
    response = act(client, "unverify_organizations", [verified, plain], apply="1", note="Website gone.")
    assert response.status_code == 302
    verified.refresh_from_db()
    assert not verified.verified
    messages = [str(m) for m in client.get(CHANGELIST).context["messages"]]
    assert any("Plain Co" in m and "not verified" in m for m in messages)
    assert any("Withdrew the verification of 1 organization" in m for m in messages)


def test_the_change_form_shows_verification_read_only_and_ignores_a_posted_verified(client, staff):
    org = OrganizationFactory(name="Atlas Data")
    organization_verify(actor=staff, organization=org, note="Registry entry checked.")
    url = reverse("admin:catalog_organization_change", args=[org.pk])
    html = client.get(url).content.decode()
    assert 'name="verified"' not in html
    assert "Rita Reviewer" in html and "Registry entry checked." in html
    assert 'value="unverify_organizations"' in html  # the button on the change page
    data = {"name": "Atlas Data", "slug": org.slug, "country": "US", "website": "https://example.com",
            "description": "", "verified": "", "verified_by": "", "verification_note": "edited",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org.refresh_from_db()
    assert org.verified and org.verification_note == "Registry entry checked."


@pytest.mark.parametrize(
    ("controlling", "error"),
    [("", "Choose the country from which the organization is owned or controlled."),
     ("US", "Choose a country other than the country of headquarters.")],
)  # fmt: skip
def test_staff_cannot_mark_foreign_control_without_another_country(client, staff, controlling, error):
    org = OrganizationFactory(name="Atlas Data")
    url = reverse("admin:catalog_organization_change", args=[org.pk])
    data = {"name": "Atlas Data", "slug": org.slug, "country": "US", "website": "https://example.com",
            "description": "", "foreign_controlled": "on", "controlling_country": controlling,
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200 and error in response.content.decode()
    org.refresh_from_db()
    assert not org.foreign_controlled and org.controlling_country_id is None


def test_an_unverified_organization_offers_the_verify_button(client, staff):
    org = OrganizationFactory()
    html = client.get(reverse("admin:catalog_organization_change", args=[org.pk])).content.decode()
    assert 'value="verify_organizations"' in html and "Not verified" in html


# --- the organization's own page --------------------------------------------------------------------------


def test_members_see_whether_and_since_when_their_organization_is_verified(client):
    user = UserFactory()
    org = OrganizationFactory()
    MembershipFactory(user=user, organization=org, role=OrganizationRole.EDITOR)
    client.force_login(user)
    url = reverse("organizations:detail", args=[org.slug])
    assert "Not yet" in client.get(url).content.decode()
    organization_verify(actor=StaffFactory(), organization=org, note="Internal: called the CFO.")
    html = client.get(url).content.decode()
    assert "Yes, since" in html
    assert "called the CFO" not in html  # the note is for staff
