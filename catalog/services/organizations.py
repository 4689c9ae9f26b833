"""Organization writes. Each validates, saves and records its audit row in one transaction.

Only an organization's admins may change it or its members (and program staff, from the admin: ``by_staff=True``
with a staff actor); an organization always keeps at least one admin. A new name is screened again against the
restricted-party list at once (``organization_screen_request``), not at the next sweep.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.accounts.services import require_confirmed_email
from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.errors import DomainError, NotAllowed
from catalog.choices import OrganizationRole
from catalog.models import Country, Organization, OrganizationMembership
from screening.services import organization_screen_request

ORGANIZATION_FIELDS = ("name", "country", "website", "description", "foreign_controlled", "controlling_country")


class LastAdminError(DomainError):
    code = "last_admin"
    status_code = 409


def validate_control(*, country: Country | None, foreign_controlled: bool, controlling_country: Country | None) -> None:
    """An organization controlled from abroad must name that other country."""
    if not foreign_controlled:
        return
    if controlling_country is None:
        raise ValidationError(
            {"controlling_country": _("Choose the country from which the organization is owned or controlled.")}
        )
    if country is not None and controlling_country.pk == country.pk:
        raise ValidationError({"controlling_country": _("Choose a country other than the country of headquarters.")})


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _require_admin(actor: User, organization: Organization, *, by_staff: bool = False) -> None:
    if by_staff:
        _require_staff(actor)
        return
    if not OrganizationMembership.objects.filter(
        organization=organization, user=actor, role=OrganizationRole.ADMIN
    ).exists():
        raise NotAllowed(_("Only the organization's admins may do this."))


def organization_create(
    *,
    actor: User,
    name: str,
    country: Country,
    website: str = "",
    description: str = "",
    foreign_controlled: bool = False,
    controlling_country: Country | None = None,
    ip_address: str | None = None,
) -> Organization:
    """Create an organization; its creator (with a confirmed e-mail address) becomes its first admin."""
    require_confirmed_email(actor)
    validate_control(country=country, foreign_controlled=foreign_controlled, controlling_country=controlling_country)
    with transaction.atomic():
        organization = Organization(
            name=name.strip(),
            slug=_unique_slug(name),
            country=country,
            website=website,
            description=description,
            foreign_controlled=foreign_controlled,
            controlling_country=controlling_country if foreign_controlled else None,
            created_by=actor,
        )
        organization.full_clean()
        organization.save()
        OrganizationMembership.objects.create(organization=organization, user=actor, role=OrganizationRole.ADMIN)
        audit_record(
            actor=actor,
            action="organization.create",
            target=organization,
            changes=field_changes({}, snapshot(organization, ORGANIZATION_FIELDS)),
            ip_address=ip_address,
        )
    return organization


def organization_update(
    *,
    actor: User,
    organization: Organization,
    name: str,
    country: Country,
    website: str = "",
    description: str = "",
    foreign_controlled: bool = False,
    controlling_country: Country | None = None,
    slug: str | None = None,
    by_staff: bool = False,
    ip_address: str | None = None,
) -> Organization:
    """Change an organization's details (its admins on the site; staff in the admin with ``by_staff``, who may
    also change the slug). A changed name is screened again after commit."""
    validate_control(country=country, foreign_controlled=foreign_controlled, controlling_country=controlling_country)
    fields = (*ORGANIZATION_FIELDS, "slug") if by_staff and slug is not None else ORGANIZATION_FIELDS
    with transaction.atomic():
        _require_admin(actor, organization, by_staff=by_staff)
        # Compare with the stored row, not the instance: a ModelForm may already have changed the instance.
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        before = snapshot(organization, fields)
        if "slug" in fields and slug is not None:  # "slug" is in fields only when given (by staff)
            organization.slug = slug
        organization.name = name.strip()
        organization.country = country
        organization.website = website
        organization.description = description
        organization.foreign_controlled = foreign_controlled
        organization.controlling_country = controlling_country if foreign_controlled else None
        organization.full_clean()
        changes = field_changes(before, snapshot(organization, fields))
        if changes:
            organization.save()
            audit_record(
                actor=actor, action="organization.update", target=organization, changes=changes, ip_address=ip_address
            )
            if "name" in changes:
                organization_screen_request(organization_id=organization.pk)
    return organization


def organization_member_add(
    *,
    actor: User,
    organization: Organization,
    email: str,
    role: str,
    by_staff: bool = False,
    ip_address: str | None = None,
) -> OrganizationMembership:
    """Add a colleague who already has an account, as admin or editor."""
    if role not in OrganizationRole.values:
        raise ValidationError({"role": _("Choose admin or editor.")})
    with transaction.atomic():
        _require_admin(actor, organization, by_staff=by_staff)
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise ValidationError(
                {
                    "email": _(
                        "No account uses this e-mail address. Ask your colleague to create an account first, "
                        "then add them here."
                    )
                }
            )
        if OrganizationMembership.objects.filter(organization=organization, user=user).exists():
            raise ValidationError({"email": _("This person is already a member of the organization.")})
        membership = OrganizationMembership.objects.create(organization=organization, user=user, role=role)
        audit_record(
            actor=actor,
            action="organization.member_add",
            target=organization,
            changes={"member": {"before": None, "after": user.email}, "role": {"before": None, "after": role}},
            ip_address=ip_address,
        )
    return membership


def _lock_admins(organization: Organization) -> list[int]:
    """Lock the admin rows so two concurrent demotions cannot both leave the last admin out."""
    return list(
        OrganizationMembership.objects.select_for_update()
        .filter(organization=organization, role=OrganizationRole.ADMIN)
        .values_list("pk", flat=True)
    )


def organization_member_set_role(
    *,
    actor: User,
    membership: OrganizationMembership,
    role: str,
    by_staff: bool = False,
    ip_address: str | None = None,
) -> OrganizationMembership:
    if role not in OrganizationRole.values:
        raise ValidationError({"role": _("Choose admin or editor.")})
    organization = membership.organization
    with transaction.atomic():
        _require_admin(actor, organization, by_staff=by_staff)
        admins = _lock_admins(organization)
        membership.refresh_from_db()
        if membership.role == role:
            return membership
        if membership.role == OrganizationRole.ADMIN and admins == [membership.pk]:
            raise LastAdminError(_("An organization needs at least one admin: make someone else admin first."))
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action="organization.member_set_role",
            target=organization,
            changes={"role": {"before": before, "after": role}},
            message=f"Role of {membership.user} changed",
            ip_address=ip_address,
        )
    return membership


def organization_member_remove(
    *, actor: User, membership: OrganizationMembership, by_staff: bool = False, ip_address: str | None = None
) -> None:
    organization = membership.organization
    with transaction.atomic():
        _require_admin(actor, organization, by_staff=by_staff)
        admins = _lock_admins(organization)
        if admins == [membership.pk]:
            raise LastAdminError(_("An organization needs at least one admin: the last admin cannot be removed."))
        email = membership.user.email
        membership.delete()
        audit_record(
            actor=actor,
            action="organization.member_remove",
            target=organization,
            changes={"member": {"before": email, "after": None}},
            ip_address=ip_address,
        )


VERIFICATION_FIELDS = ("verified", "verified_by", "verified_at", "verification_note")


def _require_staff(actor: User) -> None:
    if not (getattr(actor, "is_authenticated", False) and getattr(actor, "is_staff", False)):
        raise NotAllowed(_("Only program staff may verify organizations."))


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what you checked (or why verification is withdrawn).")})
    limit = Organization._meta.get_field("verification_note").max_length or 2000
    if len(note) > limit:
        raise ValidationError({"note": _("Keep the note under %(limit)d characters.") % {"limit": limit}})
    return note


def organization_verify(
    *, actor: User, organization: Organization, note: str, ip_address: str | None = None
) -> Organization:
    """Staff record that they verified the organization: who, when and what they checked."""
    _require_staff(actor)
    note = _clean_note(note)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.verified:
            raise DomainError(_("%(org)s is already verified.") % {"org": organization}, code="already_verified")
        before = snapshot(organization, VERIFICATION_FIELDS)
        organization.verified = True
        organization.verified_by = actor
        organization.verified_at = timezone.now()
        organization.verification_note = note
        organization.save(update_fields=list(VERIFICATION_FIELDS))
        audit_record(
            actor=actor,
            action="organization.verify",
            target=organization,
            changes=field_changes(before, snapshot(organization, VERIFICATION_FIELDS)),
            ip_address=ip_address,
        )
    return organization


def organization_unverify(
    *, actor: User, organization: Organization, note: str, ip_address: str | None = None
) -> Organization:
    """Staff withdraw a verification; the note says why (who verified before stays in the audit log)."""
    _require_staff(actor)
    note = _clean_note(note)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if not organization.verified:
            raise DomainError(_("%(org)s is not verified.") % {"org": organization}, code="not_verified")
        before = snapshot(organization, VERIFICATION_FIELDS)
        organization.verified = False
        organization.verified_by = None
        organization.verified_at = None
        organization.verification_note = note
        organization.save(update_fields=list(VERIFICATION_FIELDS))
        audit_record(
            actor=actor,
            action="organization.unverify",
            target=organization,
            changes=field_changes(before, snapshot(organization, VERIFICATION_FIELDS)),
            ip_address=ip_address,
        )
    return organization
