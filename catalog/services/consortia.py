"""Consortium services: create, update, and manage member organizations. Every write is audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.errors import DomainError, NotAllowed
from catalog.choices import ConsortiumRole, Layer, OrganizationRole, PackageStatus
from catalog.eligibility.screening.services import organization_screen_request
from catalog.models import Component, Consortium, ConsortiumMember, Organization, OrganizationMembership

from ._common import require_manager, unique_slug

CONSORTIUM_FIELDS = ("name", "description", "website")


def _clean_layers(layers: Iterable[str]) -> list[str]:
    valid = {layer.value for layer in Layer}
    chosen = list(dict.fromkeys(layers))
    unknown = [layer for layer in chosen if layer not in valid]
    if unknown:
        raise DomainError(_("Unknown layer: %(layers)s.") % {"layers": ", ".join(unknown)}, code="invalid_layer")
    return [layer.value for layer in Layer if layer.value in chosen]


@transaction.atomic
def consortium_create(
    *,
    actor: Any,
    name: str,
    anchor: Organization,
    description: str = "",
    website: str = "",
    anchor_layers: Iterable[str] = (),
) -> Consortium:
    """Create a consortium led by ``anchor``, an organization where ``actor`` is an admin."""
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
    ConsortiumMember.objects.create(
        consortium=consortium, organization=anchor, role=ConsortiumRole.ANCHOR, layers=_clean_layers(anchor_layers)
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
def consortium_update(*, actor: Any, consortium: Consortium, **fields: Any) -> Consortium:
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
def consortium_member_add(
    *,
    actor: Any,
    consortium: Consortium,
    organization: Organization,
    role: str = ConsortiumRole.TECHNOLOGY,
    layers: Iterable[str] = (),
) -> ConsortiumMember:
    """Add an existing organization to the consortium with its role and the layers it contributes."""
    require_manager(actor, consortium)
    if role == ConsortiumRole.ANCHOR or role not in ConsortiumRole.values:
        raise DomainError(_("Choose a role other than anchor: a consortium has one anchor."), code="invalid_role")
    if ConsortiumMember.objects.filter(consortium=consortium, organization=organization).exists():
        raise DomainError(
            _("%(org)s is already a member of this consortium.") % {"org": organization}, code="already_member"
        )
    member = ConsortiumMember.objects.create(
        consortium=consortium, organization=organization, role=role, layers=_clean_layers(layers)
    )
    audit_record(
        actor=actor,
        action="consortium.member_add",
        target=consortium,
        changes={"organization": str(organization), "role": role, "layers": member.layers},
    )
    # A new member is screened against the restricted-party list at once, not at the next sweep.
    organization_screen_request(organization_id=organization.pk)
    return member


@transaction.atomic
def consortium_member_remove(*, actor: Any, member: ConsortiumMember) -> None:
    """Remove a member organization. The anchor stays; a supplier of open packages must be replaced first."""
    consortium = member.consortium
    require_manager(actor, consortium)
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
        changes={"organization": str(member.organization), "role": member.role},
    )
    member.delete()
