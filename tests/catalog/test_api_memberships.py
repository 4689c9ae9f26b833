"""The membership API: members with status, invitations, accept / decline / withdraw / leave, supplier rules."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from aiexports.audit.models import AuditEvent
from catalog.choices import MemberStatus, OrganizationRole
from catalog.models import ConsortiumMember
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:  # noqa: ANN001
    api = APIClient()
    api.force_authenticate(user)
    return api


def invited_org():  # noqa: ANN201
    org = OrganizationFactory(name="Kestrel Networks")
    admin = UserFactory()
    MembershipFactory(user=admin, organization=org, role=OrganizationRole.ADMIN)
    return org, admin


def test_a_manager_invites_through_the_api_and_gets_a_pending_invitation():
    manager, _anchor, consortium = company()
    org, _admin = invited_org()
    response = client_for(manager).post(
        f"/api/v1/consortia/{consortium.slug}/members/",
        {"organization": org.slug, "role": "operator", "layers": ["data"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending" and response.json()["organization"] == org.slug
    assert ConsortiumMember.objects.get(organization=org).status == MemberStatus.PENDING
    assert AuditEvent.objects.filter(action="consortium.member_invite").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"organization": "no-such-org"}, "organization"), ({}, "organization")],
)
def test_an_invitation_with_bad_input_is_a_400_naming_the_field(body, field):
    manager, _anchor, consortium = company()
    response = client_for(manager).post(f"/api/v1/consortia/{consortium.slug}/members/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not ConsortiumMember.objects.pending().exists()


@pytest.mark.parametrize(
    ("role", "layers", "code"), [("anchor", [], "invalid_role"), ("operator", ["x"], "invalid_layer")]
)
def test_an_invitation_with_a_bad_role_or_layer_is_a_400_with_its_code(role, layers, code):
    manager, _anchor, consortium = company()
    org, _admin = invited_org()
    response = client_for(manager).post(
        f"/api/v1/consortia/{consortium.slug}/members/",
        {"organization": org.slug, "role": role, "layers": layers},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == code
    assert not ConsortiumMember.objects.filter(organization=org).exists()


def test_members_are_listed_with_status_to_managers_and_accepted_only_to_other_members():
    manager, _anchor, consortium = company()
    member = add_member(consortium)
    add_member(consortium, organization=OrganizationFactory(name="Pending Co"), status="pending")
    colleague = MembershipFactory(organization=member.organization, role=OrganizationRole.EDITOR).user
    as_manager = client_for(manager).get(f"/api/v1/consortia/{consortium.slug}/members/").json()
    assert {(m["organization_name"], m["status"]) for m in as_manager} >= {("Pending Co", "pending")}
    as_member = client_for(colleague).get(f"/api/v1/consortia/{consortium.slug}/members/").json()
    assert {m["status"] for m in as_member} == {"accepted"} and len(as_member) == 2
    stranger = client_for(UserFactory()).get(f"/api/v1/consortia/{consortium.slug}/members/")
    assert stranger.status_code == 404


def test_a_member_that_is_not_a_manager_cannot_invite():
    _manager, _anchor, consortium = company()
    member = add_member(consortium)
    colleague = MembershipFactory(organization=member.organization, role=OrganizationRole.ADMIN).user
    org, _admin = invited_org()
    response = client_for(colleague).post(
        f"/api/v1/consortia/{consortium.slug}/members/", {"organization": org.slug}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert not ConsortiumMember.objects.filter(organization=org).exists()


def test_the_invited_admin_lists_accepts_and_a_second_accept_is_a_409():
    manager, _anchor, consortium = company()
    org, admin = invited_org()
    member = add_member(consortium, organization=org, status="pending")
    api = client_for(admin)
    listed = api.get("/api/v1/memberships/").json()
    assert [(m["id"], m["status"], m["consortium"]) for m in listed] == [(member.pk, "pending", consortium.slug)]
    accepted = api.post(f"/api/v1/memberships/{member.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = api.post(f"/api/v1/memberships/{member.pk}/accept/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert AuditEvent.objects.filter(action="consortium.member_accept").count() == 1


def test_accepting_or_declining_for_an_organization_you_do_not_administer_is_a_404():
    manager, _anchor, consortium = company()
    org, _admin = invited_org()
    member = add_member(consortium, organization=org, status="pending")
    editor = MembershipFactory(organization=org, role=OrganizationRole.EDITOR).user
    for user in (manager, editor, UserFactory()):
        for action in ("accept", "decline", "leave"):
            response = client_for(user).post(f"/api/v1/memberships/{member.pk}/{action}/")
            assert response.status_code == 404, (user, action)
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.PENDING


def test_a_withdrawn_invitation_cannot_be_accepted_through_the_api():
    manager, _anchor, consortium = company()
    org, admin = invited_org()
    member = add_member(consortium, organization=org, status="pending")
    withdrawn = client_for(manager).post(f"/api/v1/consortia/{consortium.slug}/members/{member.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    response = client_for(admin).post(f"/api/v1/memberships/{member.pk}/accept/")
    assert response.status_code == 409
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.WITHDRAWN


def test_another_consortiums_manager_cannot_withdraw_an_invitation():
    manager, _anchor, consortium = company()
    other_manager, _o, other = company()
    member = add_member(consortium, status="pending")
    response = client_for(other_manager).post(f"/api/v1/consortia/{consortium.slug}/members/{member.pk}/withdraw/")
    assert response.status_code == 404
    # Its own consortium's URL with this member's id finds nothing either.
    response = client_for(other_manager).post(f"/api/v1/consortia/{other.slug}/members/{member.pk}/withdraw/")
    assert response.status_code == 404
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.PENDING


def test_a_member_leaves_through_the_api_and_the_draft_names_the_component_to_fix():
    manager, _anchor, consortium = company()
    org, admin = invited_org()
    member = add_member(consortium, organization=org)
    package = complete_package(consortium)
    component = package.components.first()
    component.supplier = org
    component.save()
    response = client_for(admin).post(f"/api/v1/memberships/{member.pk}/leave/")
    assert response.status_code == 200 and response.json()["status"] == "left"
    draft = client_for(manager).get(f"/api/v1/drafts/{package.slug}/").json()
    assert [(m["code"], m.get("component")) for m in draft["missing"]] == [("supplier_not_member", component.pk)]
    submit = client_for(manager).post(f"/api/v1/packages/{package.slug}/submit/")
    assert submit.status_code == 400 and submit.json()["missing"][0]["component"] == component.pk


@pytest.mark.parametrize("status", ["pending", "declined", "withdrawn", "left"])
def test_the_api_refuses_a_supplier_that_is_not_an_accepted_member(status):
    manager, _anchor, consortium = company()
    other = add_member(consortium, status=status)
    package = complete_package(consortium)
    component = package.components.first()
    api = client_for(manager)
    response = api.patch(
        f"/api/v1/drafts/{package.slug}/components/{component.pk}/",
        {"supplier": other.organization.slug},
        format="json",
    )
    assert response.status_code == 400 and "supplier" in response.json()
    component.refresh_from_db()
    assert component.supplier_id is None
    created = api.post(
        f"/api/v1/drafts/{package.slug}/components/",
        {"layer": "data", "category": "dataset", "name": "D", "supplier": other.organization.slug},
        format="json",
    )
    assert created.status_code == 400 and "supplier" in created.json()
