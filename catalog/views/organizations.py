"""Organization pages for their members. Non-members get 404; only admins change anything."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiexports.accounts.services import EmailNotConfirmed, require_confirmed_email
from aiexports.accounts.views import email_unconfirmed_response
from aiexports.errors import DomainError, NotAllowed
from aiexports.http import client_ip
from aiexports.typed import AuthenticatedHttpRequest
from catalog.choices import OrganizationRole
from catalog.forms.organizations import MemberAddForm, MemberRoleForm, OrganizationForm
from catalog.selectors import organizations as selectors
from catalog.services import organizations as services

_FIELDS = ("name", "country", "website", "description", "foreign_controlled", "controlling_country")


@login_required
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = list(selectors.memberships_of(request.user))
    return render(request, "organizations/list.html", {"memberships": memberships})


@login_required
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        require_confirmed_email(request.user)  # say so before the form is filled in, not after
    except EmailNotConfirmed as error:
        return email_unconfirmed_response(request, error)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                actor=request.user, ip_address=client_ip(request), **{f: form.cleaned_data[f] for f in _FIELDS}
            )
        except EmailNotConfirmed as error:
            return email_unconfirmed_response(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your organization has been created. You are its admin."))
            return redirect("organizations:detail", slug=organization.slug)
    return render(request, "organizations/form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def organization_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = selectors.membership_or_404(request.user, slug)
    return render(
        request, "organizations/detail.html", {"organization": membership.organization, "membership": membership}
    )


def _admin_membership(request: AuthenticatedHttpRequest, slug: str):  # noqa: ANN202
    membership = selectors.membership_or_404(request.user, slug)
    if membership.role != OrganizationRole.ADMIN:
        raise PermissionDenied(_("Only the organization's admins may do this."))
    return membership


@login_required
def organization_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = _admin_membership(request, slug)
    organization = membership.organization
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user,
                organization=organization,
                ip_address=client_ip(request),
                **{f: form.cleaned_data[f] for f in _FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The organization has been saved."))
            return redirect("organizations:detail", slug=organization.slug)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "organization": organization},
        status=400 if form.errors else 200,
    )


@login_required
def organization_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    membership = selectors.membership_or_404(request.user, slug)
    organization = membership.organization
    is_admin = membership.role == OrganizationRole.ADMIN
    form = MemberAddForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_("Only the organization's admins may do this."))
        if form.is_valid():
            try:
                added = services.organization_member_add(
                    actor=request.user, organization=organization, ip_address=client_ip(request), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(name)s has been added.") % {"name": added.user.get_full_name()})
                return redirect("organizations:members", slug=slug)
    context = {
        "organization": organization,
        "membership": membership,
        "is_admin": is_admin,
        "members": list(selectors.members_of(organization.pk)),
        "form": form,
        "roles": cast(forms.ChoiceField, MemberRoleForm.base_fields["role"]).choices,
    }
    return render(request, "organizations/members.html", context, status=400 if form.errors else 200)


def _target(request: AuthenticatedHttpRequest, slug: str, pk: int):  # noqa: ANN202
    membership = selectors.membership_or_404(request.user, slug)
    target = selectors.members_of(membership.organization_id).filter(pk=pk).first()
    if target is None:
        raise Http404
    target.organization = membership.organization
    return target


@login_required
@require_POST
def member_set_role(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    target = _target(request, slug, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose admin or editor."))
        return redirect("organizations:members", slug=slug)
    try:
        services.organization_member_set_role(
            actor=request.user, membership=target, role=form.cleaned_data["role"], ip_address=client_ip(request)
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The role has been changed."))
    return redirect("organizations:members", slug=slug)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    target = _target(request, slug, pk)
    leaving = target.user_id == request.user.pk
    try:
        services.organization_member_remove(actor=request.user, membership=target, ip_address=client_ip(request))
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("organizations:members", slug=slug)
    if leaving:
        messages.success(request, _("You have left the organization."))
        return redirect("organizations:list")
    messages.success(request, _("The member has been removed."))
    return redirect("organizations:members", slug=slug)
