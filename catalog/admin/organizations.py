"""Organizations in the admin. Verification is read-only on the form and changes only through the
"Verify…" / "Withdraw verification…" actions (also offered as buttons on the change page), which ask for a
note on an intermediate page and call the audited services.

A staff edit of an organization and of its members goes through the same services as the site
(``organization_update``, ``organization_member_add/set_role/remove`` with ``by_staff=True``): the same rules
(control from abroad, at least one admin), the same audit rows, and a renamed organization is screened again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aiexports.audit.admin_mixins import AuditedAdminMixin
from aiexports.errors import DomainError
from aiexports.http import client_ip, signed_in_user
from aiexports.singleline import SingleLineFormMixin
from catalog.services import organizations as organization_services
from catalog.services.organizations import organization_unverify, organization_verify

from .. import models
from ..choices import OrganizationRole


class MembershipForm(forms.ModelForm):
    class Meta:
        model = models.OrganizationMembership
        fields = ("user", "role")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and "user" in self.changed_data:
            raise ValidationError(_("Remove this member and add the other person instead."))
        return data


class MembershipFormSet(forms.BaseInlineFormSet):
    """An organization that has an admin keeps one (the services refuse it too; here it is a form error)."""

    def clean(self) -> None:
        super().clean()
        had_admin = any(f.initial.get("role") == OrganizationRole.ADMIN for f in self.initial_forms)
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if had_admin and not any(f.cleaned_data.get("role") == OrganizationRole.ADMIN for f in kept):
            raise ValidationError(_("An organization needs at least one admin: make someone else admin first."))


class MembershipInline(admin.TabularInline):
    model = models.OrganizationMembership
    form = MembershipForm
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ("user",)


class OrganizationAdminForm(SingleLineFormMixin, forms.ModelForm):
    """The staff form, refusing what the organization service refuses (a foreign-controlled organization must
    name the controlling country, not its own)."""

    class Meta:
        model = models.Organization
        fields = ("name", "slug", "country", "website", "description", "foreign_controlled", "controlling_country",
                  "created_by")  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            organization_services.validate_control(
                country=data.get("country"),
                foreign_controlled=bool(data.get("foreign_controlled")),
                controlling_country=data.get("controlling_country"),
            )
        except ValidationError as error:
            self.add_error(None, error)  # a dict of field errors lands on its fields
        return data


class VerificationForm(SingleLineFormMixin, forms.Form):
    """The note of a verification decision, and the rows chosen on the change list (carried through)."""

    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_(
            "What you checked (registry entry, website, contact) or why verification is withdrawn. Staff only."
        ),
    )


@admin.register(models.Organization)
class OrganizationAdmin(AuditedAdminMixin[models.Organization], admin.ModelAdmin):
    """Adding and deleting here are audited by ``AuditedAdminMixin``; a change and member edits call the services."""

    form = OrganizationAdminForm
    list_display = ("name", "country", "foreign_controlled", "controlling_country", "verified", "verified_at",
                    "created_at")  # fmt: skip
    list_filter = ("verified", "foreign_controlled", "country")
    search_fields = ("name", "slug", "website", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("country", "controlling_country")
    inlines = [MembershipInline]
    list_select_related = ("country", "controlling_country")
    readonly_fields = ("verification",)
    fields = ("name", "slug", "country", "website", "description", "foreign_controlled", "controlling_country",
              "verification", "created_by")  # fmt: skip
    actions = ["verify_organizations", "unverify_organizations"]

    @admin.display(description=_("verification"))
    def verification(self, obj: models.Organization) -> str:
        if obj.pk is None:
            return str(_("Not verified. Verify an organization with the “Verify…” action once it is saved."))
        if obj.verified:
            when = date_format(obj.verified_at, "DATETIME_FORMAT") if obj.verified_at else "—"
            return format_html(
                "<strong>{}</strong> · {} · {}<br>{}",
                _("Verified"),
                f"{obj.verified_by.get_full_name()} <{obj.verified_by.email}>" if obj.verified_by else _("unknown"),
                when,
                obj.verification_note or "—",
            )
        if obj.verification_note:
            return format_html("<strong>{}</strong><br>{}", _("Not verified"), obj.verification_note)
        return str(_("Not verified"))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("verified_by")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("verification", "created_by") if obj is not None else ("verification",)

    def save_model(self, request: HttpRequest, obj: models.Organization, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)  # audited as catalog.organization.admin_add
            return
        data = form.cleaned_data
        organization_services.organization_update(
            actor=signed_in_user(request),
            organization=obj,
            by_staff=True,
            name=data["name"],
            slug=data["slug"],
            country=data["country"],
            website=data.get("website", ""),
            description=data.get("description", ""),
            foreign_controlled=bool(data.get("foreign_controlled")),
            controlling_country=data.get("controlling_country"),
            ip_address=client_ip(request),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not models.OrganizationMembership:
            super().save_formset(request, form, formset, change)
            return
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # the change message
        common = {"actor": request.user, "by_staff": True, "ip_address": client_ip(request)}
        # Additions and promotions first, demotions and removals last: the organization never lacks an admin.
        steps: list[tuple[int, Any, dict[str, Any]]] = []
        for member_form in formset.forms:
            data, membership = member_form.cleaned_data, member_form.instance
            if not data:
                continue
            if data.get("DELETE") and membership.pk:
                steps.append((2, organization_services.organization_member_remove, {"membership": membership}))
            elif not membership.pk and data.get("user"):
                add = {"organization": form.instance, "email": data["user"].email, "role": data["role"]}
                steps.append((0, organization_services.organization_member_add, add))
            elif membership.pk and "role" in member_form.changed_data:
                stored = models.OrganizationMembership.objects.get(pk=membership.pk)
                order = 0 if data["role"] == OrganizationRole.ADMIN else 1
                steps.append((order, organization_services.organization_member_set_role,
                              {"membership": stored, "role": data["role"]}))  # fmt: skip
        for _order, service, kwargs in sorted(steps, key=lambda step: step[0]):
            try:
                service(**kwargs, **common)
            except (DomainError, ValidationError) as exc:
                text = str(exc) if isinstance(exc, DomainError) else "; ".join(exc.messages)
                self.message_user(request, text, messages.ERROR)

    def _decide(self, request: HttpRequest, queryset: QuerySet, action: str, service: Any, title: str, done: Any):
        initial = {"action": action, helpers.ACTION_CHECKBOX_NAME: [str(o.pk) for o in queryset]}
        form = VerificationForm(request.POST if "apply" in request.POST else None, initial=initial)
        if "apply" in request.POST and form.is_valid():
            succeeded = 0
            for organization in queryset:
                try:
                    service(
                        actor=signed_in_user(request),
                        organization=organization,
                        note=form.cleaned_data["note"],
                        ip_address=client_ip(request),
                    )
                except (DomainError, ValidationError) as exc:
                    text = str(exc) if isinstance(exc, DomainError) else "; ".join(exc.messages)
                    self.message_user(request, f"{organization}: {text}", messages.ERROR)
                else:
                    succeeded += 1
            if succeeded:
                self.message_user(request, done(succeeded) % {"count": succeeded}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "organizations": queryset.select_related("country", "verified_by"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalog/organization/verification_action.html", context)

    @admin.action(description=_("Verify…"), permissions=["change"])
    def verify_organizations(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        def done(n: int) -> str:
            return ngettext("Verified %(count)d organization.", "Verified %(count)d organizations.", n)

        return self._decide(request, queryset, "verify_organizations", organization_verify,
                            str(_("Verify organizations")), done)  # fmt: skip

    @admin.action(description=_("Withdraw verification…"), permissions=["change"])
    def unverify_organizations(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        def done(n: int) -> str:
            return ngettext(
                "Withdrew the verification of %(count)d organization.",
                "Withdrew the verification of %(count)d organizations.",
                n,
            )

        return self._decide(request, queryset, "unverify_organizations", organization_unverify,
                            str(_("Withdraw verification")), done)  # fmt: skip
