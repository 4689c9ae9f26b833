"""The signed-in dashboard: the user's organizations (foundation section), consortia and packages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from aiexports.typed import AuthenticatedHttpRequest
from catalog import services
from catalog.access import (
    admin_organizations_for_user,
    consortia_for_user,
    memberships_for_org_admin,
    packages_for_user,
)
from catalog.choices import MemberStatus
from catalog.services.packages import EDITABLE_STATUSES


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    consortia = (
        consortia_for_user(request.user)
        .select_related("anchor")
        .annotate(member_count=Count("members", filter=Q(members__status=MemberStatus.ACCEPTED), distinct=True))
        .order_by("name")
    )
    packages = packages_for_user(request.user).select_related("consortium", "revision_of").order_by("-updated_at")
    managed_anchor_ids = set(admin_organizations_for_user(request.user).values_list("pk", flat=True))
    return render(
        request,
        "catalog/dashboard.html",
        {
            "consortia": consortia,
            "packages": packages,
            "editable_statuses": EDITABLE_STATUSES,
            "can_create_consortium": bool(managed_anchor_ids),
            "managed_anchor_ids": managed_anchor_ids,
            "pending_invitations": memberships_for_org_admin(request.user).pending().count(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create, regenerate or revoke the user's API token. A new key is shown once, in this response only."""
    new_key = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            new_key = services.api_token_create(actor=request.user)
        elif action == "revoke":
            if services.api_token_revoke(actor=request.user):
                messages.success(request, _("Your API token was revoked."))
            return redirect("catalog:manage_api_token")
    token = Token.objects.filter(user=request.user).only("created").first()
    return render(request, "catalog/manage/api_token.html", {"token": token, "new_key": new_key})
