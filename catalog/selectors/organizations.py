"""Organization reads for members: one query each, with what the pages show."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from aiexports.accounts.models import User
from catalog.models import OrganizationMembership


def memberships_of(user: User) -> QuerySet[OrganizationMembership]:
    """A user's memberships with their organizations (and countries), by organization name."""
    return (
        OrganizationMembership.objects.filter(user=user)
        .select_related("organization", "organization__country")
        .order_by("organization__name", "organization_id")
    )


def membership_or_404(user: User, slug: str) -> OrganizationMembership:
    """The user's membership of the organization ``slug``; non-members get a 404, never a 403."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    membership = (
        OrganizationMembership.objects.select_related(
            "organization", "organization__country", "organization__controlling_country"
        )
        .filter(user=user, organization__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def members_of(organization_id: int) -> QuerySet[OrganizationMembership]:
    return (
        OrganizationMembership.objects.filter(organization_id=organization_id)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
