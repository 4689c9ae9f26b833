"""Staff edits in the admin go through the services (issue 15): organizations, their members and consortia get
the service's audit row with a real before/after, a renamed organization is screened again, and packages cannot
be deleted from the admin (one or in bulk)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from catalog.choices import OrganizationRole
from catalog.models import OrganizationMembership
from tests.catalog.factories import company, complete_package
from tests.factories import MembershipFactory, OrganizationFactory, StaffFactory, UserFactory
from tests.platform.test_audit_walk import admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffFactory(is_superuser=True, email="desk@example.gov")
    client.force_login(user)
    return user


@pytest.fixture
def screened(monkeypatch):
    """The organizations whose screening was requested (the boundary with the screening app)."""
    from catalog.services import organizations as services

    requested: list[int] = []
    monkeypatch.setattr(
        services, "organization_screen_request", lambda *, organization_id: requested.append(organization_id)
    )
    return requested


def post_change(client, url: str, **changes: str):
    data = admin_form(client, url)
    data.update({key: [value] for key, value in changes.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_renaming_an_organization_in_the_admin_is_audited_by_the_service_and_screens_it_again(client, staff, screened):
    org = OrganizationFactory(name="Old Name Ltd", website="https://old.example")
    url = reverse("admin:catalog_organization_change", args=[org.pk])
    post_change(client, url, name="New Name Ltd", website="https://new.example")
    event = AuditEvent.objects.get(action="organization.update")
    assert event.actor == staff and event.target_id == str(org.pk)
    assert event.changes["name"] == {"before": "Old Name Ltd", "after": "New Name Ltd"}
    assert event.changes["website"] == {"before": "https://old.example", "after": "https://new.example"}
    assert screened == [org.pk]
    assert not AuditEvent.objects.filter(action__startswith="catalog.organization.admin_").exists()


def test_an_admin_edit_that_does_not_rename_requests_no_screening(client, staff, screened):
    org = OrganizationFactory(description="")
    post_change(client, reverse("admin:catalog_organization_change", args=[org.pk]), description="Chips.")
    assert AuditEvent.objects.get(action="organization.update").changes == {
        "description": {"before": "", "after": "Chips."}
    }
    assert screened == []


def test_an_admin_edit_controlled_from_abroad_without_the_country_is_a_form_error(client, staff):
    org = OrganizationFactory()
    url = reverse("admin:catalog_organization_change", args=[org.pk])
    data = admin_form(client, url)
    data.update(foreign_controlled=["on"], controlling_country=[""])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Choose the country from which the organization is owned or controlled." in response.content.decode()
    assert not AuditEvent.objects.filter(action="organization.update").exists()


def test_member_edits_in_the_admin_go_through_the_member_services(client, staff):
    org = OrganizationFactory()
    admin_member = MembershipFactory(organization=org, user__email="boss@example.com", role=OrganizationRole.ADMIN)
    editor = MembershipFactory(organization=org, user__email="ed@example.com", role=OrganizationRole.EDITOR)
    newcomer = UserFactory(email="new@example.com")
    url = reverse("admin:catalog_organization_change", args=[org.pk])
    data = admin_form(client, url)
    rows = {data[f"memberships-{i}-id"][0]: i for i in range(2)}
    e, a = rows[str(editor.pk)], rows[str(admin_member.pk)]
    data[f"memberships-{e}-role"] = [OrganizationRole.ADMIN]  # promote the editor
    data[f"memberships-{a}-DELETE"] = ["on"]  # remove the former admin
    data.update({"memberships-TOTAL_FORMS": ["3"], "memberships-2-user": [str(newcomer.pk)],
                 "memberships-2-role": [OrganizationRole.EDITOR]})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    roles = dict(OrganizationMembership.objects.filter(organization=org).values_list("user__email", "role"))
    assert roles == {"ed@example.com": "admin", "new@example.com": "editor"}
    events = {e.action: e.changes for e in AuditEvent.objects.filter(action__startswith="organization.member_")}
    assert events["organization.member_set_role"] == {"role": {"before": "editor", "after": "admin"}}
    assert events["organization.member_add"]["member"] == {"before": None, "after": "new@example.com"}
    assert events["organization.member_remove"] == {"member": {"before": "boss@example.com", "after": None}}
    assert all(e.actor == staff for e in AuditEvent.objects.filter(action__startswith="organization.member_"))
    assert not AuditEvent.objects.filter(action__startswith="catalog.organizationmembership.").exists()


def test_removing_the_last_admin_in_the_admin_is_refused_with_a_form_error(client, staff):
    org = OrganizationFactory()
    MembershipFactory(organization=org, role=OrganizationRole.ADMIN)
    url = reverse("admin:catalog_organization_change", args=[org.pk])
    data = admin_form(client, url)
    data["memberships-0-DELETE"] = ["on"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "An organization needs at least one admin" in response.content.decode()
    assert OrganizationMembership.objects.filter(organization=org).count() == 1


def test_a_consortium_edit_in_the_admin_is_the_service_s_audit_row_and_its_slug_and_anchor_stay(client, staff):
    _user, _org, consortium = company()
    url = reverse("admin:catalog_consortium_change", args=[consortium.pk])
    data = admin_form(client, url)
    assert "slug" not in data and "anchor" not in data  # read-only on the change form
    data["website"] = ["https://consortium.example"]
    response = client.post(url, {**data, "slug": ["hijacked"]})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="consortium.update")
    assert event.actor == staff
    assert event.changes == {"website": {"before": consortium.website, "after": "https://consortium.example"}}
    consortium.refresh_from_db()
    assert consortium.slug != "hijacked"
    assert client.get(reverse("admin:catalog_consortium_add")).status_code == 403  # created on the site


def test_packages_cannot_be_deleted_in_the_admin_one_or_in_bulk(client, staff):
    _user, _org, consortium = company()
    package = complete_package(consortium)
    changelist = client.get(reverse("admin:catalog_package_changelist")).content.decode()
    assert 'value="delete_selected"' not in changelist
    response = client.post(
        reverse("admin:catalog_package_changelist"),
        {"action": "delete_selected", "_selected_action": [package.pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}
    assert client.get(reverse("admin:catalog_package_delete", args=[package.pk])).status_code == 403
    package.refresh_from_db()  # still there
    assert not AuditEvent.objects.filter(action__contains="delete").exists()
