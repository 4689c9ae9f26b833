"""Signed-in consortium pages: create, view (members only), edit, invite, withdraw and remove member organizations."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aiexports.accounts.services import EmailNotConfirmed, require_confirmed_email
from aiexports.accounts.views import email_unconfirmed_response
from aiexports.errors import DomainError
from aiexports.typed import AuthenticatedHttpRequest
from catalog import services
from catalog.access import admin_organizations_for_user, consortium_for_member_or_404, is_consortium_manager
from catalog.forms.consortia import ConsortiumForm, MemberAddForm, MemberSearchForm
from catalog.models import ConsortiumMember, Organization

from ._helpers import add_service_error


@login_required
@require_http_methods(["GET", "POST"])
def consortium_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        require_confirmed_email(request.user)  # say so before the form is filled in, not after
    except EmailNotConfirmed as error:
        return email_unconfirmed_response(request, error)
    anchors = admin_organizations_for_user(request.user).order_by("name")
    form = ConsortiumForm(request.POST or None, anchors=anchors)
    if request.method == "POST" and form.is_valid():
        try:
            consortium = services.consortium_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                anchor=form.cleaned_data["anchor"],
                description=form.cleaned_data["description"],
                website=form.cleaned_data["website"],
                anchor_layers=form.cleaned_data["anchor_layers"],
            )
        except EmailNotConfirmed as exc:
            return email_unconfirmed_response(request, exc)
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Consortium created. Add its member organizations next."))
            return redirect("catalog:manage_consortium_members", slug=consortium.slug)
    return render(request, "catalog/manage/consortium_form.html", {"form": form, "has_anchor": anchors.exists()})


@login_required
def consortium_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    consortium = consortium_for_member_or_404(request.user, slug)
    members = consortium.members.accepted().select_related("organization__country").order_by("joined_at")
    packages = consortium.packages.select_related("revision_of").order_by("-updated_at")
    return render(
        request,
        "catalog/manage/consortium_detail.html",
        {
            "consortium": consortium,
            "members": members,
            "packages": packages,
            "is_manager": is_consortium_manager(request.user, consortium),
        },
    )


def _manager_consortium(request: AuthenticatedHttpRequest, slug: str):
    consortium = consortium_for_member_or_404(request.user, slug)
    if not is_consortium_manager(request.user, consortium):
        raise PermissionDenied
    return consortium


@login_required
@require_http_methods(["GET", "POST"])
def consortium_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    consortium = _manager_consortium(request, slug)
    form = ConsortiumForm(request.POST or None, instance=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            services.consortium_update(
                actor=request.user,
                consortium=consortium,
                **{k: form.cleaned_data[k] for k in ("name", "description", "website")},
            )
        except (DomainError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Consortium saved."))
            return redirect("catalog:manage_consortium_detail", slug=consortium.slug)
    return render(request, "catalog/manage/consortium_form.html", {"form": form, "consortium": consortium})


@login_required
@require_http_methods(["GET", "POST"])
def consortium_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Members and invitations; search for an organization by name and invite it with a role and layers."""
    consortium = _manager_consortium(request, slug)
    # Members and pending invitations cannot be invited again; a decline, a withdrawal or a departure can.
    existing = consortium.members.current().values("organization_id")
    search = MemberSearchForm(request.GET or None)
    results = search.results(exclude=existing)
    candidates = results if results is not None else Organization.objects.none()
    if request.method == "POST":
        try:
            require_confirmed_email(request.user)  # before the form's own errors: no choice would help
        except EmailNotConfirmed as error:
            return email_unconfirmed_response(request, error)
        add = MemberAddForm(request.POST, organizations=Organization.objects.exclude(pk__in=existing))
        if add.is_valid():
            try:
                services.consortium_member_invite(
                    actor=request.user,
                    consortium=consortium,
                    organization=add.cleaned_data["organization"],
                    role=add.cleaned_data["role"],
                    layers=add.cleaned_data["layers"],
                )
            except EmailNotConfirmed as exc:
                return email_unconfirmed_response(request, exc)
            except (DomainError, ValidationError) as exc:
                add_service_error(add, exc)
            else:
                messages.success(
                    request,
                    _("%(org)s was invited. Its admins got an e-mail; it becomes a member once one of them accepts.")
                    % {"org": add.cleaned_data["organization"]},
                )
                return redirect("catalog:manage_consortium_members", slug=consortium.slug)
        organization = cast(forms.ModelChoiceField, add.fields["organization"])
        chosen = cast(QuerySet, organization.queryset).filter(slug=request.POST.get("organization", ""))
        # With none chosen, offer the search results again: the error summary's link leads to their radios.
        organization.queryset = chosen if chosen.exists() else candidates
    else:
        add = MemberAddForm(organizations=candidates)
    rows = list(consortium.members.select_related("organization__country").order_by("joined_at"))
    return render(
        request,
        "catalog/manage/consortium_members.html",
        {
            "consortium": consortium,
            "members": [m for m in rows if m.is_accepted],
            "invitations": [m for m in rows if m.is_pending],
            "past": [m for m in rows if not (m.is_accepted or m.is_pending)],
            "search": search,
            "results": results,
            "add": add,
            "show_add": request.method == "POST" or bool(results),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consortium_member_withdraw(request: AuthenticatedHttpRequest, slug: str, member_id: int) -> HttpResponse:
    """Confirm, then withdraw a pending invitation (the consortium's managers only)."""
    consortium = _manager_consortium(request, slug)
    member = get_object_or_404(
        ConsortiumMember.objects.select_related("organization"), pk=member_id, consortium=consortium
    )
    error = "" if member.is_pending else _("Only a pending invitation can be withdrawn.")
    if request.method == "POST" and not error:
        try:
            services.consortium_member_withdraw(actor=request.user, member=member)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("The invitation to %(org)s was withdrawn.") % {"org": member.organization})
            return redirect("catalog:manage_consortium_members", slug=consortium.slug)
    return render(
        request,
        "catalog/manage/member_withdraw.html",
        {"consortium": consortium, "member": member, "error": error},
        status=409 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consortium_member_remove(request: AuthenticatedHttpRequest, slug: str, member_id: int) -> HttpResponse:
    consortium = _manager_consortium(request, slug)
    member = get_object_or_404(
        ConsortiumMember.objects.select_related("organization"), pk=member_id, consortium=consortium
    )
    error = ""
    if request.method == "POST":
        try:
            services.consortium_member_remove(actor=request.user, member=member)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("%(org)s was removed from the consortium.") % {"org": member.organization})
            return redirect("catalog:manage_consortium_members", slug=consortium.slug)
    return render(
        request,
        "catalog/manage/member_remove.html",
        {"consortium": consortium, "member": member, "error": error},
        status=400 if error else 200,
    )
