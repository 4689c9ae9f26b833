from __future__ import annotations

import pytest

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, NotAllowed
from catalog import services
from catalog.choices import ConsortiumRole, OrganizationRole
from catalog.models import ConsortiumMember
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_org_admin_creates_a_consortium_anchored_by_their_organization():
    user = UserFactory()
    org = OrganizationFactory()
    MembershipFactory(user=user, organization=org, role=OrganizationRole.ADMIN)
    consortium = services.consortium_create(
        actor=user, name="Andes AI Alliance", anchor=org, anchor_layers=["security", "hardware"]
    )
    member = ConsortiumMember.objects.get(consortium=consortium)
    assert (member.organization, member.role, member.layers) == (org, "anchor", ["hardware", "security"])
    assert consortium.slug == "andes-ai-alliance"
    assert AuditEvent.objects.filter(action="consortium.create").exists()


def test_an_editor_cannot_anchor_a_consortium_with_their_organization():
    user = UserFactory()
    org = OrganizationFactory()
    MembershipFactory(user=user, organization=org, role=OrganizationRole.EDITOR)
    with pytest.raises(NotAllowed):
        services.consortium_create(actor=user, name="X", anchor=org)


def test_a_manager_removes_an_accepted_member_organization():
    user, _org, consortium = company()
    member = add_member(consortium, role=ConsortiumRole.OPERATOR)
    services.consortium_member_remove(actor=user, member=member)
    assert not ConsortiumMember.objects.filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(action="consortium.member_remove")
    assert event.changes["status"] == {"before": "accepted", "after": None}


def test_a_pending_invitation_is_withdrawn_not_removed():
    user, _org, consortium = company()
    member = services.consortium_member_invite(actor=user, consortium=consortium, organization=OrganizationFactory())
    with pytest.raises(DomainError) as exc:
        services.consortium_member_remove(actor=user, member=member)
    assert exc.value.code == "invitation_pending"
    assert ConsortiumMember.objects.filter(pk=member.pk, status="pending").exists()


def test_an_organization_may_belong_to_several_consortia():
    user_a, _o, consortium_a = company()
    user_b, _o2, consortium_b = company()
    shared = OrganizationFactory()
    services.consortium_member_invite(actor=user_a, consortium=consortium_a, organization=shared)
    services.consortium_member_invite(actor=user_b, consortium=consortium_b, organization=shared)
    assert shared.consortia.count() == 2


def test_the_anchor_member_row_is_accepted_from_the_start():
    user = UserFactory()
    org = OrganizationFactory()
    MembershipFactory(user=user, organization=org, role=OrganizationRole.ADMIN)
    consortium = services.consortium_create(actor=user, name="Delta AI", anchor=org)
    anchor = ConsortiumMember.objects.get(consortium=consortium)
    assert (anchor.status, anchor.invited_by, anchor.responded_by) == ("accepted", user, user)
    assert list(consortium.members.accepted()) == [anchor]


def test_the_anchor_cannot_be_removed_nor_a_second_anchor_added():
    user, org, consortium = company()
    with pytest.raises(DomainError):
        services.consortium_member_remove(actor=user, member=consortium.members.get(organization=org))
    with pytest.raises(DomainError):
        services.consortium_member_invite(
            actor=user, consortium=consortium, organization=OrganizationFactory(), role=ConsortiumRole.ANCHOR
        )


def test_a_member_that_supplies_components_cannot_be_removed():
    user, _org, consortium = company()
    member = add_member(consortium)
    package = complete_package(consortium)
    package.components.update(supplier=member.organization)
    with pytest.raises(DomainError) as exc:
        services.consortium_member_remove(actor=user, member=member)
    assert exc.value.code == "member_supplies_components"


def test_only_managers_change_members_or_the_consortium():
    _user, org, consortium = company()
    editor = UserFactory()
    MembershipFactory(user=editor, organization=org, role=OrganizationRole.EDITOR)
    with pytest.raises(NotAllowed):
        services.consortium_member_invite(actor=editor, consortium=consortium, organization=OrganizationFactory())
    with pytest.raises(NotAllowed):
        services.consortium_update(actor=editor, consortium=consortium, name="Hijacked")


def test_a_manager_updates_the_consortium_description():
    user, _org, consortium = company()
    services.consortium_update(actor=user, consortium=consortium, description="New", website="https://x.example")
    consortium.refresh_from_db()
    assert consortium.description == "New"
    assert AuditEvent.objects.get(action="consortium.update").changes["description"]["after"] == "New"
