"""Consortium membership by consent: invite, accept, decline, withdraw, leave.

The anchor's admins (the consortium's managers) invite an organization; only that organization's admins can
accept or decline; the managers can withdraw a pending invitation; a member's admins can make it leave (the
anchor cannot). Until it is accepted, an invitation is not a membership: it is never shown publicly, cannot
be named as a supplier and does not count toward completeness (``ConsortiumMember.objects.accepted()``).

Each step locks the row, checks the status it starts from, writes an audit event with the before/after of
every field it changes (in the same transaction) and e-mails the other side once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.accounts.services import require_confirmed_email
from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.errors import DomainError, InvalidTransition, NotAllowed
from catalog.access import is_organization_admin
from catalog.choices import ConsortiumRole, Layer, MemberStatus
from catalog.models import Consortium, ConsortiumMember, Organization
from catalog.notifications import consortium_member_mail
from screening.services import organization_screen_request

from ._common import require_manager

# What a step may change on the row: the audit event records each one that did change.
MEMBER_FIELDS = (
    "status",
    "role",
    "layers",
    "invited_at",
    "invited_by",
    "responded_at",
    "responded_by",
    "ended_at",
    "ended_by",
)
# Rows an organization can be invited again from (the row is reused: one per consortium and organization).
REINVITABLE = frozenset({MemberStatus.DECLINED, MemberStatus.WITHDRAWN, MemberStatus.LEFT})


def clean_layers(layers: Iterable[str]) -> list[str]:
    """The layers in layer order, duplicates dropped; an unknown one is refused."""
    valid = {layer.value for layer in Layer}
    chosen = list(dict.fromkeys(layers))
    unknown = [layer for layer in chosen if layer not in valid]
    if unknown:
        raise DomainError(_("Unknown layer: %(layers)s.") % {"layers": ", ".join(unknown)}, code="invalid_layer")
    return [layer.value for layer in Layer if layer.value in chosen]


def notify_member_event(member: ConsortiumMember, event: str) -> None:
    """E-mail the other side of a membership step (queued in the outbox, sent after commit)."""
    consortium_member_mail(member, event)


def _lock(member: ConsortiumMember) -> ConsortiumMember:
    """Lock the row and reload ``member`` in place, so two answers to one invitation cannot both pass."""
    ConsortiumMember.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True).get()
    member.refresh_from_db()
    return member


def _record(*, actor: User, member: ConsortiumMember, action: str, before: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=member.consortium,
        changes={
            "member_id": member.pk,
            "organization": str(member.organization),
            **field_changes(before, snapshot(member, MEMBER_FIELDS)),
        },
    )


def _require_organization_admin(actor: User, member: ConsortiumMember) -> None:
    if not is_organization_admin(actor, member.organization_id):
        raise NotAllowed(
            _("Only the admins of %(org)s can answer for it.") % {"org": member.organization}, code="not_org_admin"
        )


def _require_status(member: ConsortiumMember, status: str, message: str) -> None:
    if member.status != status:
        raise InvalidTransition(message % {"status": member.get_status_display().lower()}, code="invalid_transition")


@transaction.atomic
def consortium_member_invite(
    *,
    actor: User,
    consortium: Consortium,
    organization: Organization,
    role: str = ConsortiumRole.TECHNOLOGY,
    layers: Iterable[str] = (),
) -> ConsortiumMember:
    """Invite ``organization`` to the consortium with a role and layers: a pending membership that its admins
    accept or decline. An organization that declined, was withdrawn or left can be invited again."""
    require_manager(actor, consortium)
    require_confirmed_email(actor)
    if role == ConsortiumRole.ANCHOR or role not in ConsortiumRole.values:
        raise DomainError(_("Choose a role other than anchor: a consortium has one anchor."), code="invalid_role")
    layers = clean_layers(layers)
    member = (
        ConsortiumMember.objects.select_for_update().filter(consortium=consortium, organization=organization).first()
    )
    if member is not None and member.status not in REINVITABLE:
        if member.status == MemberStatus.PENDING:
            message = _("%(org)s has already been invited to this consortium.")
        else:
            message = _("%(org)s is already a member of this consortium.")
        raise DomainError(message % {"org": organization}, code="already_member")
    if member is None:
        member = ConsortiumMember(consortium=consortium, organization=organization)
        before = dict.fromkeys(MEMBER_FIELDS)
    else:
        before = snapshot(member, MEMBER_FIELDS)
    member.status = MemberStatus.PENDING
    member.role = role
    member.layers = layers
    member.invited_at = timezone.now()
    member.invited_by = actor
    member.responded_at = member.responded_by = member.ended_at = member.ended_by = None
    member.save()
    _record(actor=actor, member=member, action="consortium.member_invite", before=before)
    notify_member_event(member, "invited")
    return member


@transaction.atomic
def consortium_member_accept(*, actor: User, member: ConsortiumMember) -> ConsortiumMember:
    """The invited organization's admin accepts: it becomes a member (shown, a possible supplier, screened)."""
    _require_organization_admin(actor, member)
    require_confirmed_email(actor)  # joining a consortium needs a confirmed e-mail address
    member = _lock(member)
    _require_status(member, MemberStatus.PENDING, _("This invitation cannot be accepted: it is %(status)s."))
    before = snapshot(member, MEMBER_FIELDS)
    member.status = MemberStatus.ACCEPTED
    member.responded_at = timezone.now()
    member.responded_by = actor
    member.save()
    _record(actor=actor, member=member, action="consortium.member_accept", before=before)
    # A new member is screened against the restricted-party list at once, not at the next sweep.
    organization_screen_request(organization_id=member.organization_id)
    notify_member_event(member, "accepted")
    return member


@transaction.atomic
def consortium_member_decline(*, actor: User, member: ConsortiumMember) -> ConsortiumMember:
    """The invited organization's admin declines: nothing about it is shown or usable by the consortium."""
    _require_organization_admin(actor, member)
    member = _lock(member)
    _require_status(member, MemberStatus.PENDING, _("This invitation cannot be declined: it is %(status)s."))
    before = snapshot(member, MEMBER_FIELDS)
    member.status = MemberStatus.DECLINED
    member.responded_at = timezone.now()
    member.responded_by = actor
    member.save()
    _record(actor=actor, member=member, action="consortium.member_decline", before=before)
    notify_member_event(member, "declined")
    return member


@transaction.atomic
def consortium_member_withdraw(*, actor: User, member: ConsortiumMember) -> ConsortiumMember:
    """The consortium's managers take back an invitation that has not been answered yet."""
    require_manager(actor, member.consortium)
    member = _lock(member)
    _require_status(
        member, MemberStatus.PENDING, _("Only a pending invitation can be withdrawn; this one is %(status)s.")
    )
    before = snapshot(member, MEMBER_FIELDS)
    member.status = MemberStatus.WITHDRAWN
    member.ended_at = timezone.now()
    member.ended_by = actor
    member.save()
    _record(actor=actor, member=member, action="consortium.member_withdraw", before=before)
    notify_member_event(member, "withdrawn")
    return member


@transaction.atomic
def consortium_member_leave(*, actor: User, member: ConsortiumMember) -> ConsortiumMember:
    """A member organization's admin takes it out of the consortium (the anchor cannot leave its own).

    Its components stay in the consortium's packages with it as supplier, so nothing typed is lost, but a
    draft or a package with changes requested cannot be submitted until each has a new supplier
    (``catalog.readiness.package_missing`` names them)."""
    _require_organization_admin(actor, member)
    member = _lock(member)
    if member.organization_id == member.consortium.anchor_id:
        raise DomainError(_("The anchor organization cannot leave the consortium it leads."), code="anchor_member")
    _require_status(member, MemberStatus.ACCEPTED, _("Only a member can leave the consortium; this one is %(status)s."))
    before = snapshot(member, MEMBER_FIELDS)
    member.status = MemberStatus.LEFT
    member.ended_at = timezone.now()
    member.ended_by = actor
    member.save()
    _record(actor=actor, member=member, action="consortium.member_leave", before=before)
    notify_member_event(member, "left")
    return member
