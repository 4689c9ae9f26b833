"""Consortium membership by consent: invite, accept, decline, withdraw, leave (catalog.services.memberships)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, InvalidTransition, NotAllowed
from aiexports.outbox.models import OutboxMail
from catalog import services
from catalog.choices import ConsortiumRole, MemberStatus, OrganizationRole, PackageStatus
from catalog.models import ConsortiumMember
from catalog.readiness import package_missing
from tests.catalog.factories import add_member, company, complete_package
from tests.conftest import send_queued_mail
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def invited_org(email: str = "admin@invited.example"):  # noqa: ANN201
    """An organization with one admin (who answers invitations) and one editor (who may not)."""
    org = OrganizationFactory(name="Kestrel Networks")
    admin = UserFactory(email=email)
    MembershipFactory(user=admin, organization=org, role=OrganizationRole.ADMIN)
    editor = UserFactory()
    MembershipFactory(user=editor, organization=org, role=OrganizationRole.EDITOR)
    return org, admin, editor


def invite(manager, consortium, org, **kwargs) -> ConsortiumMember:  # noqa: ANN001
    return services.consortium_member_invite(actor=manager, consortium=consortium, organization=org, **kwargs)


def test_inviting_an_organization_creates_a_pending_invitation_not_a_member(django_capture_on_commit_callbacks):
    manager, _anchor, consortium = company()
    org, _admin, _editor = invited_org()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        member = invite(manager, consortium, org, role=ConsortiumRole.OPERATOR, layers=["data", "hardware"])
    assert (member.status, member.role, member.layers) == ("pending", "operator", ["hardware", "data"])
    assert (member.invited_by, member.responded_at) == (manager, None)
    assert not consortium.members.accepted().filter(organization=org).exists()
    assert len(callbacks) == 1  # the invitation e-mail waits for the commit
    event = AuditEvent.objects.get(action="consortium.member_invite")
    assert event.changes["status"] == {"before": None, "after": "pending"}
    assert event.changes["role"] == {"before": None, "after": "operator"}
    assert event.changes["organization"] == "Kestrel Networks"


def test_the_invitation_e_mail_reaches_the_invited_admins_with_an_absolute_link(
    django_capture_on_commit_callbacks, settings
):
    settings.AIX_SITE_URL = "https://aiexports.example/"
    manager, _anchor, consortium = company()
    org, _admin, _editor = invited_org("boss@kestrel.example")
    with django_capture_on_commit_callbacks(execute=True):
        invite(manager, consortium, org)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["boss@kestrel.example"]  # admins only, not the editor
    assert "Kestrel Networks" in message.subject and "\n" not in message.subject
    assert "https://aiexports.example/dashboard/invitations/" in message.body


def test_a_subject_never_carries_a_line_break_from_a_name(django_capture_on_commit_callbacks):
    manager, _anchor, consortium = company()
    org, _admin, _editor = invited_org()
    org.name = "Evil\r\nBcc: victim@example.org"
    org.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite(manager, consortium, org)
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject


def test_the_invited_admin_accepts_and_the_organization_becomes_a_member(django_capture_on_commit_callbacks):
    manager, anchor, consortium = company()
    MembershipFactory(user=UserFactory(email="lead@anchor.example"), organization=anchor, role=OrganizationRole.ADMIN)
    org, admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    with django_capture_on_commit_callbacks(execute=True):
        services.consortium_member_accept(actor=admin, member=member)
    member.refresh_from_db()
    assert (member.status, member.responded_by) == ("accepted", admin)
    assert member.responded_at is not None
    assert consortium.members.accepted().filter(organization=org).exists()
    event = AuditEvent.objects.get(action="consortium.member_accept")
    assert event.changes["status"] == {"before": "pending", "after": "accepted"}
    assert event.changes["responded_by"]["before"] is None
    # The managers hear about it, with a link to the members page.
    assert "lead@anchor.example" in mail.outbox[-1].to
    assert f"/dashboard/consortia/{consortium.slug}/members/" in mail.outbox[-1].body


def test_the_invited_admin_declines_and_nothing_becomes_usable():
    manager, _anchor, consortium = company()
    org, admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    services.consortium_member_decline(actor=admin, member=member)
    member.refresh_from_db()
    assert member.status == MemberStatus.DECLINED
    assert not consortium.members.accepted().filter(organization=org).exists()
    assert AuditEvent.objects.get(action="consortium.member_decline").changes["status"]["after"] == "declined"


@pytest.mark.parametrize("service", ["consortium_member_accept", "consortium_member_decline"])
def test_someone_who_is_not_an_admin_of_the_invited_organization_cannot_answer(service):
    manager, _anchor, consortium = company()
    org, _admin, editor = invited_org()
    member = invite(manager, consortium, org)
    stranger = UserFactory()
    for actor in (editor, stranger, manager):  # the inviting manager cannot accept on the invitee's behalf
        with pytest.raises(NotAllowed):
            getattr(services, service)(actor=actor, member=member)
    member.refresh_from_db()
    assert member.status == MemberStatus.PENDING
    assert not AuditEvent.objects.filter(action__in=["consortium.member_accept", "consortium.member_decline"]).exists()


def test_a_second_accept_is_refused_and_changes_nothing():
    manager, _anchor, consortium = company()
    org, admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    services.consortium_member_accept(actor=admin, member=member)
    answered_at = ConsortiumMember.objects.get(pk=member.pk).responded_at
    with pytest.raises(InvalidTransition):
        services.consortium_member_accept(actor=admin, member=ConsortiumMember.objects.get(pk=member.pk))
    with pytest.raises(InvalidTransition):
        services.consortium_member_decline(actor=admin, member=ConsortiumMember.objects.get(pk=member.pk))
    assert ConsortiumMember.objects.get(pk=member.pk).responded_at == answered_at
    assert AuditEvent.objects.filter(action="consortium.member_accept").count() == 1


def test_a_stale_instance_cannot_accept_an_invitation_withdrawn_meanwhile():
    manager, _anchor, consortium = company()
    org, admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    stale = ConsortiumMember.objects.get(pk=member.pk)  # loaded before the withdrawal, still says "pending"
    services.consortium_member_withdraw(actor=manager, member=member)
    with pytest.raises(InvalidTransition):
        services.consortium_member_accept(actor=admin, member=stale)
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.WITHDRAWN


def test_the_manager_withdraws_a_pending_invitation_and_the_invitee_hears_of_it(django_capture_on_commit_callbacks):
    manager, _anchor, consortium = company()
    org, _admin, _editor = invited_org("boss@kestrel.example")
    member = invite(manager, consortium, org)
    with django_capture_on_commit_callbacks(execute=True):
        services.consortium_member_withdraw(actor=manager, member=member)
    member.refresh_from_db()
    assert (member.status, member.ended_by) == ("withdrawn", manager)
    assert mail.outbox[-1].to == ["boss@kestrel.example"] and "withdrew" in mail.outbox[-1].subject
    event = AuditEvent.objects.get(action="consortium.member_withdraw")
    assert event.changes["status"] == {"before": "pending", "after": "withdrawn"}


def test_another_consortiums_manager_cannot_withdraw_the_invitation():
    manager, _anchor, consortium = company()
    other_manager, _other_anchor, _other = company()
    org, _admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    with pytest.raises(NotAllowed):
        services.consortium_member_withdraw(actor=other_manager, member=member)
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.PENDING


def test_an_accepted_membership_cannot_be_withdrawn():
    manager, _anchor, consortium = company()
    member = add_member(consortium)
    with pytest.raises(InvalidTransition):
        services.consortium_member_withdraw(actor=manager, member=member)
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.ACCEPTED


def test_an_organization_already_invited_or_member_cannot_be_invited_twice():
    manager, _anchor, consortium = company()
    org, _admin, _editor = invited_org()
    invite(manager, consortium, org)
    with pytest.raises(DomainError, match="already been invited"):
        invite(manager, consortium, org)
    with pytest.raises(DomainError, match="already a member"):
        invite(manager, consortium, add_member(consortium).organization)
    with pytest.raises(DomainError):
        invite(manager, consortium, OrganizationFactory(), role=ConsortiumRole.ANCHOR)
    assert ConsortiumMember.objects.filter(consortium=consortium, organization=org).count() == 1


def test_a_declined_organization_can_be_invited_again_on_the_same_row():
    manager, _anchor, consortium = company()
    org, admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    services.consortium_member_decline(actor=admin, member=member)
    again = invite(manager, consortium, org, role=ConsortiumRole.FINANCE)
    assert again.pk == member.pk
    assert (again.status, again.role, again.responded_at) == ("pending", "finance", None)
    event = AuditEvent.objects.filter(action="consortium.member_invite").latest("pk")
    assert event.changes["status"] == {"before": "declined", "after": "pending"}


def test_only_managers_invite():
    _manager, anchor, consortium = company()
    editor = UserFactory()
    MembershipFactory(user=editor, organization=anchor, role=OrganizationRole.EDITOR)
    with pytest.raises(NotAllowed):
        invite(editor, consortium, OrganizationFactory())
    assert not ConsortiumMember.objects.pending().exists()


def test_a_member_leaves_and_its_components_in_drafts_need_a_new_supplier(django_capture_on_commit_callbacks):
    manager, _anchor, consortium = company()
    org, admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    services.consortium_member_accept(actor=admin, member=member)
    package = complete_package(consortium)
    component = package.components.get(category="accelerator")
    services.component_update(actor=manager, component=component, supplier=org)
    assert package_missing(package) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.consortium_member_leave(actor=admin, member=member)
    member.refresh_from_db()
    assert (member.status, member.ended_by) == ("left", admin)
    assert AuditEvent.objects.get(action="consortium.member_leave").changes["status"] == {
        "before": "accepted",
        "after": "left",
    }
    missing = package_missing(package)
    assert [(m.code, m.component, m.step) for m in missing] == [("supplier_not_member", component.pk, "hardware")]
    assert component.name in str(missing[0].message) and "Kestrel Networks" in str(missing[0].message)
    with pytest.raises(DomainError) as exc:
        services.package_submit(actor=manager, package=package)
    assert exc.value.extra["missing"][0]["component"] == component.pk
    # Another edit of the component is not refused; naming an accepted member (or nobody) fixes it.
    services.component_update(actor=manager, component=component, quantity=3)
    services.component_update(actor=manager, component=component, supplier=None)
    assert package_missing(package) == []
    assert services.package_submit(actor=manager, package=package).status == PackageStatus.SUBMITTED


def test_the_anchor_cannot_leave_its_own_consortium_and_a_non_admin_cannot_make_a_member_leave():
    manager, anchor, consortium = company()
    with pytest.raises(DomainError):
        services.consortium_member_leave(actor=manager, member=consortium.members.get(organization=anchor))
    member = add_member(consortium)
    with pytest.raises(NotAllowed):
        services.consortium_member_leave(actor=manager, member=member)  # the anchor's admin is not its admin
    assert ConsortiumMember.objects.get(pk=member.pk).status == MemberStatus.ACCEPTED


def test_a_pending_invitation_cannot_be_left():
    manager, _anchor, consortium = company()
    org, admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    with pytest.raises(InvalidTransition):
        services.consortium_member_leave(actor=admin, member=member)


@pytest.mark.parametrize("status", ["pending", "declined", "withdrawn", "left"])
def test_an_organization_that_is_not_an_accepted_member_cannot_be_named_as_supplier(status):
    manager, _anchor, consortium = company()
    member = add_member(consortium, status=status)
    package = complete_package(consortium)
    component = package.components.first()
    with pytest.raises(ValidationError) as exc:
        services.component_update(actor=manager, component=component, supplier=member.organization)
    assert "supplier" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.component_add(
            actor=manager, package=package, layer="data", category="dataset", name="D", supplier=member.organization
        )
    component.refresh_from_db()
    assert component.supplier_id is None


def test_an_invitation_withdrawn_before_its_e_mail_went_out_is_not_announced():
    manager, _anchor, consortium = company()
    org, _admin, _editor = invited_org()
    member = invite(manager, consortium, org)
    services.consortium_member_withdraw(actor=manager, member=member)
    mail.outbox.clear()
    invited, withdrawn = OutboxMail.objects.order_by("pk")
    assert (invited.status, withdrawn.status) == ("cancelled", "pending")
    assert send_queued_mail() == 1
    assert len(mail.outbox) == 1 and "withdrew its invitation" in mail.outbox[0].subject


def test_the_program_checks_and_screening_consider_accepted_members_only():
    from eligibility.services import program_evaluate
    from screening.selectors import screening_blockers

    manager, _anchor, consortium = company()
    pending = add_member(consortium, status="pending")
    pending.organization.foreign_controlled = True
    pending.organization.controlling_country_id = "CN"
    pending.organization.save()
    package = complete_package(consortium)
    assert program_evaluate(package).eligible
    assert not any(pending.organization.name in reason for reason in screening_blockers(consortium_id=consortium.pk))
    pending.status = MemberStatus.ACCEPTED  # the control: the same organization as a member does count
    pending.save()
    assert not program_evaluate(package).eligible
