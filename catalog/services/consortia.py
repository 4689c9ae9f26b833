"""Consortium services: create, update, remove a member organization. Every write is audited.

Invitations (how an organization becomes a member) are in ``catalog.services.memberships``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.accounts.services import require_confirmed_email
from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.errors import DomainError, NotAllowed
from catalog.choices import ConsortiumRole, MemberStatus, OrganizationRole, PackageStatus
from catalog.models import Component, Consortium, ConsortiumMember, Organization, OrganizationMembership
from screening.services import organization_screen_request

from ._common import require_manager, require_staff, unique_slug
from .memberships import clean_layers

CONSORTIUM_FIELDS = ("name", "description", "website")


@transaction.atomic
def consortium_create(
    *,
    actor: User,
    name: str,
    anchor: Organization,
    description: str = "",
    website: str = "",
    anchor_layers: Iterable[str] = (),
) -> Consortium:
    """Create a consortium led by ``anchor``, an organization where ``actor`` is an admin."""
    require_confirmed_email(actor)
    if not OrganizationMembership.objects.filter(user=actor, organization=anchor, role=OrganizationRole.ADMIN).exists():
        raise NotAllowed(_("You can only create a consortium for an organization where you are an admin."))
    if not name.strip():
        raise DomainError(_("Give the consortium a name."), code="name_required")
    consortium = Consortium.objects.create(
        name=name.strip(),
        slug=unique_slug(Consortium, name),
        description=description,
        website=website,
        anchor=anchor,
        created_by=actor,
    )
    now = timezone.now()
    # The anchor consents by creating the consortium: its membership is accepted from the start.
    ConsortiumMember.objects.create(
        consortium=consortium,
        organization=anchor,
        role=ConsortiumRole.ANCHOR,
        layers=clean_layers(anchor_layers),
        status=MemberStatus.ACCEPTED,
        invited_at=now,
        invited_by=actor,
        responded_at=now,
        responded_by=actor,
    )
    audit_record(
        actor=actor,
        action="consortium.create",
        target=consortium,
        changes=field_changes({}, {**snapshot(consortium, CONSORTIUM_FIELDS), "anchor": str(anchor)}),
    )
    organization_screen_request(organization_id=anchor.pk)
    return consortium


@transaction.atomic
def consortium_update(*, actor: User, consortium: Consortium, by_staff: bool = False, **fields: Any) -> Consortium:
    """Change a consortium's name, description or website: its managers on the site, staff in the admin
    (``by_staff``)."""
    if by_staff:
        require_staff(actor)
    else:
        require_manager(actor, consortium)
    unknown = set(fields) - set(CONSORTIUM_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    # Compare with the stored row, not the caller's instance (a ModelForm may already have changed it).
    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    before = snapshot(consortium, CONSORTIUM_FIELDS)
    for key, value in fields.items():
        setattr(consortium, key, value)
    consortium.full_clean(exclude=["anchor", "slug"])
    changes = field_changes(before, snapshot(consortium, CONSORTIUM_FIELDS))
    if changes:
        consortium.save(update_fields=list(changes))
        audit_record(actor=actor, action="consortium.update", target=consortium, changes=changes)
    return consortium


@transaction.atomic
def consortium_member_remove(*, actor: User, member: ConsortiumMember) -> None:
    """Remove a member organization (or the record of a declined, withdrawn or past one). The anchor stays; a
    supplier of open packages must be replaced first; a pending invitation is withdrawn, not removed."""
    consortium = member.consortium
    require_manager(actor, consortium)
    if member.status == MemberStatus.PENDING:
        raise DomainError(
            _("%(org)s has not answered yet: withdraw the invitation instead.") % {"org": member.organization},
            code="invitation_pending",
        )
    if member.organization_id == consortium.anchor_id:
        raise DomainError(_("The anchor member cannot be removed from its consortium."), code="anchor_member")
    supplies = Component.objects.filter(package__consortium=consortium, supplier_id=member.organization_id).exclude(
        package__status__in=[PackageStatus.REJECTED, PackageStatus.WITHDRAWN, PackageStatus.MERGED]
    )
    if supplies.exists():
        raise DomainError(
            _("%(org)s supplies components of this consortium's packages: choose another supplier for them first.")
            % {"org": member.organization},
            code="member_supplies_components",
        )
    audit_record(
        actor=actor,
        action="consortium.member_remove",
        target=consortium,
        changes={
            "member_id": member.pk,
            "organization": str(member.organization),
            "status": {"before": member.status, "after": None},
            "role": {"before": member.role, "after": None},
        },
    )
    member.delete()
