"""Who may see and change which consortium and package: the object-level permission reads.

A user is a *member* of a consortium when they belong to any of its *accepted* member organizations (an
invitation not yet accepted, declined, withdrawn or left gives no access); members see
the consortium's drafts and non-public packages. *Managers* are the admins of the anchor organization:
they manage members and draft, submit, withdraw and revise packages. Everyone else gets a 404, so the
existence of a private object is never revealed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from catalog.choices import OrganizationRole
from catalog.models import Consortium, ConsortiumMember, Organization, OrganizationMembership, Package
from catalog.models.organizations import ConsortiumMemberQuerySet


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def organizations_for_user(user: Any) -> QuerySet[Organization]:
    if not _authenticated(user):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def admin_organizations_for_user(user: Any) -> QuerySet[Organization]:
    """The organizations where ``user`` is an admin: the possible anchors of a new consortium."""
    if not _authenticated(user):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user, memberships__role=OrganizationRole.ADMIN)


def consortia_for_user(user: Any) -> QuerySet[Consortium]:
    """The consortia that have one of the user's organizations as an accepted member."""
    if not _authenticated(user):
        return Consortium.objects.none()
    member_of = ConsortiumMember.objects.accepted().filter(organization__memberships__user=user).values("consortium_id")
    return Consortium.objects.filter(pk__in=member_of)


def packages_for_user(user: Any) -> QuerySet[Package]:
    """Every package (any status, revisions included) of the user's consortia."""
    return Package.objects.filter(consortium__in=consortia_for_user(user))


def is_consortium_member(user: Any, consortium: Consortium) -> bool:
    return consortia_for_user(user).filter(pk=consortium.pk).exists()


def is_consortium_manager(user: Any, consortium: Consortium) -> bool:
    """Admins of the anchor organization manage the consortium and its packages."""
    if not _authenticated(user):
        return False
    return OrganizationMembership.objects.filter(
        user=user, organization_id=consortium.anchor_id, role=OrganizationRole.ADMIN
    ).exists()


def is_organization_admin(user: Any, organization_id: int) -> bool:
    """Whether ``user`` is an admin of the organization: only admins answer invitations or leave for it."""
    if not _authenticated(user):
        return False
    return OrganizationMembership.objects.filter(
        user=user, organization_id=organization_id, role=OrganizationRole.ADMIN
    ).exists()


def memberships_for_org_admin(user: Any) -> ConsortiumMemberQuerySet:
    """Every consortium membership (any status) of the organizations where ``user`` is an admin: the rows
    they may answer (a pending invitation) or end (an accepted membership). Others are not theirs: 404."""
    if not _authenticated(user):
        return ConsortiumMember.objects.none()
    return ConsortiumMember.objects.filter(organization__in=admin_organizations_for_user(user)).select_related(
        "consortium", "consortium__anchor", "organization", "invited_by"
    )


def consortium_for_member_or_404(user: Any, slug: str) -> Consortium:
    consortium = consortia_for_user(user).select_related("anchor", "anchor__country").filter(slug=slug).first()
    if consortium is None:
        raise Http404
    return consortium


def package_for_member_or_404(user: Any, slug: str) -> Package:
    package = (
        packages_for_user(user)
        .select_related("consortium", "consortium__anchor", "revision_of", "reviewer")
        .filter(slug=slug)
        .first()
    )
    if package is None:
        raise Http404
    return package
