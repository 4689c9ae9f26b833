"""The invited side of consortium membership: an organization's admins see its invitations, accept or decline
them, and can make the organization leave a consortium. Rows of other organizations are 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aiexports.errors import DomainError
from aiexports.typed import AuthenticatedHttpRequest
from catalog import services
from catalog.access import memberships_for_org_admin
from catalog.choices import MemberStatus
from catalog.models import ConsortiumMember


def _invitations_page(request: AuthenticatedHttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    rows = list(memberships_for_org_admin(request.user).order_by("consortium__name", "organization__name"))
    context = {
        "invitations": [m for m in rows if m.status == MemberStatus.PENDING],
        # Memberships the user's organizations can leave (an anchor leads its consortium: it cannot leave).
        "memberships": [
            m for m in rows if m.status == MemberStatus.ACCEPTED and m.organization_id != m.consortium.anchor_id
        ],
        "error": error,
    }
    return render(request, "catalog/manage/invitations.html", context, status=status)


@login_required
def invitations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/dashboard/invitations/``: the pending invitations of the organizations where the user is an admin."""
    return _invitations_page(request)


def _answerable(request: AuthenticatedHttpRequest, member_id: int) -> ConsortiumMember:
    return get_object_or_404(memberships_for_org_admin(request.user), pk=member_id)


def _answer(request: AuthenticatedHttpRequest, member_id: int, *, accept: bool) -> HttpResponse:
    member = _answerable(request, member_id)
    service = services.consortium_member_accept if accept else services.consortium_member_decline
    try:
        service(actor=request.user, member=member)
    except DomainError as exc:
        return _invitations_page(request, error=str(exc), status=exc.status_code)
    names = {"org": member.organization.name, "consortium": member.consortium.name}
    if accept:
        messages.success(request, _("%(org)s is now a member of %(consortium)s.") % names)
        return redirect("catalog:manage_consortium_detail", slug=member.consortium.slug)
    messages.success(request, _("You declined the invitation of %(consortium)s for %(org)s.") % names)
    return redirect("catalog:manage_invitations")


@login_required
@require_POST
def invitation_accept(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    return _answer(request, member_id, accept=True)


@login_required
@require_POST
def invitation_decline(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    return _answer(request, member_id, accept=False)


@login_required
@require_http_methods(["GET", "POST"])
def membership_leave(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    """Confirm, then take one of the user's organizations out of a consortium (its admins only)."""
    member = _answerable(request, member_id)
    error = ""
    if member.organization_id == member.consortium.anchor_id:
        error = _("The anchor organization cannot leave the consortium it leads.")
    elif member.status != MemberStatus.ACCEPTED:
        error = _("Only a member can leave the consortium.")
    if request.method == "POST" and not error:
        try:
            services.consortium_member_leave(actor=request.user, member=member)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("%(org)s left %(consortium)s.") % {"org": member.organization, "consortium": member.consortium},
            )
            return redirect("catalog:manage_invitations")
    return render(
        request,
        "catalog/manage/membership_leave.html",
        {"member": member, "error": error},
        status=409 if error else 200,
    )
