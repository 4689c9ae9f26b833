"""List filters of the submission review queue that Django does not have: reviewer (incl. "unassigned" and
"assigned to me") and campaign group (in a group, by size, one group)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import CampaignGroup


class ReviewerFilter(admin.SimpleListFilter):
    title = _("assigned reviewer")
    parameter_name = "reviewer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        choices: list[tuple[str, Any]] = [("me", _("Assigned to me")), ("none", _("Unassigned"))]
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")
        choices += [(str(user.pk), str(user)) for user in staff.exclude(pk=request.user.pk or 0)]
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_reviewer=request.user)
        if value == "none":
            return queryset.filter(assigned_reviewer__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_reviewer_id=int(value))
        return queryset


class CampaignFilter(admin.SimpleListFilter):
    """``?campaign=<group id>`` shows one campaign (the change page links here); the other values by size."""

    title = _("campaign (near-identical responses)")
    parameter_name = "campaign"
    SIZES = {"10plus": 10, "100plus": 100}  # not bare numbers: those are group ids

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        choices: list[tuple[str, Any]] = [
            ("any", _("In a campaign group")),
            ("none", _("Not in a campaign group")),
            ("10plus", _("Groups of 10 or more")),
            ("100plus", _("Groups of 100 or more")),
        ]
        value = self.value()
        if value and value.isdigit() and value not in self.SIZES:
            group = CampaignGroup.objects.filter(pk=int(value)).first()
            choices.append((value, _("This group: %(group)s") % {"group": group or f"#{value}"}))
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "any":
            return queryset.filter(campaign_group__isnull=False)
        if value == "none":
            return queryset.filter(campaign_group__isnull=True)
        if value in self.SIZES:
            return queryset.filter(campaign_size__gte=self.SIZES[value])  # annotated by the admin's queryset
        if value and value.isdigit():
            return queryset.filter(campaign_group_id=int(value))
        return queryset
