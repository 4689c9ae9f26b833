from __future__ import annotations

import pytest

from aiexports.audit.models import AuditEvent
from aiexports.errors import NotAllowed
from catalog.models import Country, Organization, OrganizationMembership
from catalog.services import organizations as services
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _org_data(**overrides):
    data = {
        "name": "Acme Compute Inc.",
        "country": "US",
        "website": "https://acme.example",
        "description": "GPUs and clouds.",
    }
    data.update(overrides)
    return data


def test_creating_an_organization_makes_the_creator_its_admin_and_is_audited(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/organizations/new/", _org_data())
    org = Organization.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/organizations/{org.slug}/"
    assert org.slug == "acme-compute-inc"
    assert org.created_by == user
    assert OrganizationMembership.objects.get(organization=org).role == "admin"
    event = AuditEvent.objects.get(action="organization.create")
    assert event.changes["name"]["after"] == "Acme Compute Inc."


def test_two_organizations_with_the_same_name_get_distinct_slugs(client):
    user = UserFactory()
    a = services.organization_create(actor=user, name="Same", country=Country.objects.get(pk="JP"))
    b = services.organization_create(actor=user, name="Same", country=Country.objects.get(pk="JP"))
    assert a.slug != b.slug
    assert user.memberships.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"foreign_controlled": "on"}, "controlling_country", "Choose the country"),
        ({"foreign_controlled": "on", "controlling_country": "US"}, "controlling_country", "other than"),
        ({"website": "not a url at all"}, "website", "valid web address"),
        ({"name": "n" * 201}, "name", ""),
        ({"country": ""}, "country", ""),
    ],
)
def test_bad_organization_input_gets_a_field_error_and_keeps_what_was_typed(client, overrides, field, text):
    client.force_login(UserFactory())
    response = client.post("/organizations/new/", _org_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert text in " ".join(errors)
    assert "GPUs and clouds." in response.content.decode()
    assert not Organization.objects.exists()


def test_a_foreign_controlled_organization_records_the_controlling_country(client):
    client.force_login(UserFactory())
    client.post("/organizations/new/", _org_data(foreign_controlled="on", controlling_country="JP"))
    assert Organization.objects.get().controlling_country_id == "JP"


def test_an_unticked_box_clears_the_controlling_country():
    user = UserFactory()
    org = services.organization_create(
        actor=user, name="X", country=Country.objects.get(pk="FR"), controlling_country=Country.objects.get(pk="JP")
    )
    assert org.controlling_country is None


def test_non_members_get_404_on_every_organization_page(client):
    org = MembershipFactory().organization
    client.force_login(UserFactory())
    for suffix in ["", "edit/", "members/"]:
        assert client.get(f"/organizations/{org.slug}/{suffix}").status_code == 404
    target = org.memberships.get()
    assert client.post(f"/organizations/{org.slug}/members/{target.pk}/remove/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    org = OrganizationFactory()
    response = client.get(f"/organizations/{org.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_an_admin_edits_the_organization_with_an_audit_row(client):
    membership = MembershipFactory(role="admin")
    client.force_login(membership.user)
    org = membership.organization
    response = client.post(f"/organizations/{org.slug}/edit/", _org_data(name="Renamed Ltd", country="GB"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.country_id) == ("Renamed Ltd", "GB")
    event = AuditEvent.objects.get(action="organization.update")
    assert event.changes["name"]["after"] == "Renamed Ltd"


def test_an_editor_sees_the_organization_but_cannot_edit_it_or_manage_members(client):
    admin = MembershipFactory(role="admin")
    org = admin.organization
    editor = MembershipFactory(organization=org, role="editor")
    client.force_login(editor.user)
    assert client.get(f"/organizations/{org.slug}/").status_code == 200
    members_page = client.get(f"/organizations/{org.slug}/members/")
    assert members_page.status_code == 200
    assert "Add a colleague" not in members_page.content.decode()
    assert client.get(f"/organizations/{org.slug}/edit/").status_code == 403
    colleague = UserFactory()
    assert (
        client.post(f"/organizations/{org.slug}/members/", {"email": colleague.email, "role": "editor"}).status_code
        == 403
    )
    assert client.post(f"/organizations/{org.slug}/members/{admin.pk}/role/", {"role": "editor"}).status_code == 403
    assert client.post(f"/organizations/{org.slug}/members/{admin.pk}/remove/").status_code == 403
    assert org.memberships.count() == 2
    with pytest.raises(NotAllowed):
        services.organization_member_add(actor=editor.user, organization=org, email=colleague.email, role="editor")


def test_an_admin_adds_a_colleague_who_has_an_account(client):
    admin = MembershipFactory(role="admin")
    org = admin.organization
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(admin.user)
    response = client.post(f"/organizations/{org.slug}/members/", {"email": "Colleague@Example.com", "role": "editor"})
    assert response.status_code == 302
    assert org.memberships.get(user=colleague).role == "editor"
    assert AuditEvent.objects.filter(action="organization.member_add", target_id=str(org.pk)).exists()


def test_adding_an_address_without_an_account_gets_a_clear_error(client):
    admin = MembershipFactory(role="admin")
    client.force_login(admin.user)
    response = client.post(
        f"/organizations/{admin.organization.slug}/members/", {"email": "ghost@example.com", "role": "admin"}
    )
    assert response.status_code == 400
    assert "No account uses this e-mail address" in response.context["form"].errors["email"][0]
    assert 'value="ghost@example.com"' in response.content.decode()


def test_adding_someone_twice_is_refused(client):
    admin = MembershipFactory(role="admin")
    client.force_login(admin.user)
    response = client.post(
        f"/organizations/{admin.organization.slug}/members/", {"email": admin.user.email, "role": "editor"}
    )
    assert response.status_code == 400
    assert "already a member" in response.context["form"].errors["email"][0]


def test_the_last_admin_can_neither_be_removed_nor_demoted(client):
    admin = MembershipFactory(role="admin")
    org = admin.organization
    client.force_login(admin.user)
    response = client.post(f"/organizations/{org.slug}/members/{admin.pk}/remove/", follow=True)
    assert "at least one admin" in response.content.decode()
    response = client.post(f"/organizations/{org.slug}/members/{admin.pk}/role/", {"role": "editor"}, follow=True)
    assert "at least one admin" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == "admin"


def test_an_admin_changes_a_role_and_removes_a_member_with_audit_rows(client):
    admin = MembershipFactory(role="admin")
    org = admin.organization
    other = MembershipFactory(organization=org, role="editor")
    client.force_login(admin.user)
    client.post(f"/organizations/{org.slug}/members/{other.pk}/role/", {"role": "admin"})
    other.refresh_from_db()
    assert other.role == "admin"
    # With two admins, the first may now step down and even leave.
    client.post(f"/organizations/{org.slug}/members/{admin.pk}/role/", {"role": "editor"})
    admin.refresh_from_db()
    assert admin.role == "editor"
    client.force_login(other.user)
    client.post(f"/organizations/{org.slug}/members/{admin.pk}/remove/")
    assert list(org.memberships.values_list("user_id", flat=True)) == [other.user_id]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organization.member_set_role", "organization.member_remove"} <= actions


def test_one_person_may_belong_to_several_organizations_and_sees_them_listed(client, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(3):
        MembershipFactory(user=user, role="editor")
    client.force_login(user)
    with django_assert_max_num_queries(6):
        response = client.get("/organizations/")
    assert len(response.context["memberships"]) == 3


@pytest.mark.parametrize("count", [1, 8])
def test_the_dashboard_section_lists_organizations_in_bounded_queries(client, django_assert_max_num_queries, count):
    user = UserFactory()
    orgs = [MembershipFactory(user=user, role="admin" if i % 2 else "editor").organization for i in range(count)]
    client.force_login(user)
    with django_assert_max_num_queries(7):  # the 7th counts the consortium invitations waiting for an answer
        response = client.get("/dashboard/")
    html = response.content.decode()
    assert "Your organizations" in html and "Create an organization" in html
    for org in orgs:
        assert org.name in html
