from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aiexports.audit.admin_mixins import AuditedAdminMixin
from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError
from catalog import services

from . import models
from .choices import Layer
from .forms.review import AssignForm, RejectForm, RequestChangesForm
from .services.revisions import revision_diff


class MembershipInline(admin.TabularInline):
    model = models.OrganizationMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(models.Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "country", "foreign_controlled", "controlling_country", "verified", "created_at")
    list_filter = ("verified", "foreign_controlled", "country")
    search_fields = ("name", "slug", "website", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("country", "controlling_country")
    inlines = [MembershipInline]
    list_select_related = ("country", "controlling_country")


@admin.register(models.Country)
class CountryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


# --- Consortia --------------------------------------------------------------------------------


class ConsortiumMemberInline(admin.TabularInline):
    model = models.ConsortiumMember
    extra = 0
    autocomplete_fields = ("organization",)
    fields = ("organization", "role", "layers", "joined_at")
    readonly_fields = ("joined_at",)


@admin.register(models.Consortium)
class ConsortiumAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "anchor", "anchor_country", "member_count", "package_count", "created_at")
    list_filter = ("anchor__country", "members__role", "created_at")
    search_fields = ("name", "slug", "description", "anchor__name", "organizations__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("anchor",)
    inlines = [ConsortiumMemberInline]
    list_select_related = ("anchor", "anchor__country")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(n_members=Count("members", distinct=True), n_packages=Count("packages", distinct=True))
        )

    @admin.display(description=_("anchor country"), ordering="anchor__country__name")
    def anchor_country(self, obj: models.Consortium) -> str:
        return str(obj.anchor.country)

    @admin.display(description=_("members"), ordering="n_members")
    def member_count(self, obj: models.Consortium) -> int:
        return obj.n_members

    @admin.display(description=_("packages"), ordering="n_packages")
    def package_count(self, obj: models.Consortium) -> int:
        return obj.n_packages


# --- Package review queue ---------------------------------------------------------------------


class LayerFilter(admin.SimpleListFilter):
    title = _("component layer")
    parameter_name = "layer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(Layer.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in Layer.values:
            return queryset.filter(components__layer=self.value()).distinct()
        return queryset


class ReviewerFilter(admin.SimpleListFilter):
    title = _("reviewer")
    parameter_name = "reviewer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        staff = (
            models.Package.objects.exclude(reviewer=None)
            .values_list("reviewer_id", "reviewer__email")
            .distinct()
            .order_by("reviewer__email")
        )
        return [("me", _("Assigned to me")), ("none", _("Unassigned"))] + [(str(pk), email) for pk, email in staff]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "me":
            return queryset.filter(reviewer=request.user)
        if value == "none":
            return queryset.filter(reviewer__isnull=True)
        if value and value.isdigit():
            return queryset.filter(reviewer_id=int(value))
        return queryset


class RevisionFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("new", _("New packages")), ("revision", _("Revisions of published packages"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "new":
            return queryset.filter(revision_of__isnull=True)
        if self.value() == "revision":
            return queryset.filter(revision_of__isnull=False)
        return queryset


class ComponentInline(admin.TabularInline):
    """Components as the submitter entered them; reviewers read them, submitters change them."""

    model = models.Component
    extra = 0
    can_delete = False
    fields = (
        "layer", "category", "name", "supplier", "quantity", "eccn", "tpp", "performance_density",
        "unit_value_usd", "us_origin_share", "training_operations", "weights_published",
    )  # fmt: skip
    readonly_fields = fields
    ordering = ("layer", "position", "id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("supplier")


def _shown(value: Any) -> str:
    """A diff value as a reviewer reads it: lists joined, empty values as a dash."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    if value is None or value == "":
        return "—"
    return str(value)


def _run(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, call, done: str) -> None:
    """Apply one service to each selected package; report successes and each refusal with its reason."""
    succeeded = 0
    for package in queryset.select_related("consortium"):
        try:
            call(package)
        except (DomainError, ValidationError) as exc:
            text = str(exc) if isinstance(exc, DomainError) else "; ".join(exc.messages)
            modeladmin.message_user(request, f"{package}: {text}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)


@admin.register(models.Package)
class PackageAdmin(admin.ModelAdmin):
    """The review queue. Status changes only through the actions, which call the audited services."""

    list_display = ("title", "consortium", "status", "kind", "reviewer", "submitted_at", "n_components", "updated_at")
    list_filter = (
        "status", RevisionFilter, ReviewerFilter, ("consortium", admin.RelatedOnlyFieldListFilter), "sectors",
        LayerFilter, ("target_countries", admin.RelatedOnlyFieldListFilter),
    )  # fmt: skip
    search_fields = ("title", "slug", "summary", "consortium__name", "components__name", "components__eccn")
    list_select_related = ("consortium", "reviewer", "revision_of")
    ordering = ("-submitted_at", "-updated_at")
    date_hierarchy = "submitted_at"
    inlines = [ComponentInline]
    actions = ["assign_to_me", "assign_to", "start_review", "publish", "request_changes", "reject"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "consortium", "status", "revision_of", "revision_diff")}),
        (_("Review"), {"fields": ("reviewer", "assigned_at", "reviewer_feedback", "rejection_reason", "reviewed_at",
                                  "submitted_at", "published_at", "audit_trail")}),
        (_("Content"), {"fields": ("summary", "description", "sectors", "target_countries", "target_regions",
                                   "builder", "owner", "operator", "business_model", "federal_support",
                                   "federal_support_details", "us_content_statement")}),
    )  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # consortia create packages on the site

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(component_count=Count("components", distinct=True))

    @admin.display(description=_("components"), ordering="component_count")
    def n_components(self, obj: models.Package) -> int:
        return obj.component_count

    @admin.display(description=_("kind"), boolean=False)
    def kind(self, obj: models.Package) -> str:
        return str(_("revision")) if obj.revision_of_id else str(_("new"))

    @admin.display(description=_("changes against the published version"))
    def revision_diff(self, obj: models.Package) -> str:
        if not obj.revision_of_id:
            return "—"
        diff = revision_diff(obj)
        if diff.empty:
            return str(_("No change against the published version."))
        parts = []
        if diff.fields:
            rows = format_html_join(
                "",
                "<tr><th scope='row'>{}</th><td><del>{}</del></td><td><ins>{}</ins></td></tr>",
                ((capfirst(label), _shown(before), _shown(after)) for label, before, after in diff.fields),
            )
            parts.append(
                format_html(
                    "<table class='aix-diff'><caption>{}</caption><thead><tr><th scope='col'>{}</th>"
                    "<th scope='col'>{}</th><th scope='col'>{}</th></tr></thead><tbody>{}</tbody></table>",
                    _("Package fields"),
                    _("Field"),
                    _("Published"),
                    _("Revision"),
                    rows,
                )  # fmt: skip
            )
        for label, items in ((_("Added components"), diff.added), (_("Removed components"), diff.removed)):
            if items:
                lis = format_html_join("", "<li>{} ({})</li>", ((c.name, c.get_layer_display()) for c in items))
                parts.append(format_html("<h3>{}</h3><ul>{}</ul>", label, lis))
        if diff.changed:
            blocks = []
            for comp, changes in diff.changed:
                lis = format_html_join(
                    "",
                    "<li>{}: <del>{}</del> → <ins>{}</ins></li>",
                    ((capfirst(f), _shown(b), _shown(a)) for f, b, a in changes),
                )
                blocks.append(format_html("<li>{}<ul>{}</ul></li>", comp.name, lis))
            parts.append(
                format_html(
                    "<h3>{}</h3><ul>{}</ul>",
                    _("Changed components"),
                    format_html_join("", "{}", ((b,) for b in blocks)),
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts))

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj: models.Package) -> str:
        events = AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(models.Package), target_id=str(obj.pk)
        ).order_by("-created_at")[:20]
        if not events:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} · {} · {} {}</li>", ((e.created_at, e.actor_repr, e.action, e.message) for e in events)
            ),
        )

    # --- actions (each calls a service, which validates the transition and writes the audit row) ---

    @admin.action(description=_("Assign to me"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset, lambda p: services.package_assign(actor=request.user, package=p,
             reviewer=request.user), _("Assigned %(count)d package(s) to you."))  # fmt: skip

    @admin.action(description=_("Assign to a reviewer…"))
    def assign_to(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        initial = {"action": "assign_to", helpers.ACTION_CHECKBOX_NAME: [str(p.pk) for p in queryset]}
        form = AssignForm(request.POST if "apply" in request.POST else None, initial=initial)
        if "apply" in request.POST and form.is_valid():
            reviewer = form.cleaned_data["reviewer"]
            _run(self, request, queryset, lambda p: services.package_assign(actor=request.user, package=p,
                 reviewer=reviewer), _("Assigned %(count)d package(s)."))  # fmt: skip
            return None
        return self._intermediate(request, queryset, form, str(_("Assign to a reviewer")))

    @admin.action(description=_("Start review"))
    def start_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset, lambda p: services.package_start_review(actor=request.user, package=p),
             _("Started the review of %(count)d package(s)."))  # fmt: skip

    @admin.action(description=_("Approve and publish"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run(self, request, queryset, lambda p: services.package_publish(actor=request.user, package=p),
             _("Published %(count)d package(s)."))  # fmt: skip

    def _intermediate(self, request: HttpRequest, queryset: QuerySet, form, title: str) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "packages": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/catalog/package/review_action.html", context)

    @admin.action(description=_("Request changes…"))
    def request_changes(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        initial = {"action": "request_changes", helpers.ACTION_CHECKBOX_NAME: [str(p.pk) for p in queryset]}
        form = RequestChangesForm(request.POST if "apply" in request.POST else None, initial=initial)
        if "apply" in request.POST and form.is_valid():
            message = form.cleaned_data["message"]
            _run(self, request, queryset, lambda p: services.package_request_changes(actor=request.user, package=p,
                 message=message), _("Requested changes to %(count)d package(s)."))  # fmt: skip
            return None
        return self._intermediate(request, queryset, form, str(_("Request changes")))

    @admin.action(description=_("Reject…"))
    def reject(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        initial = {"action": "reject", helpers.ACTION_CHECKBOX_NAME: [str(p.pk) for p in queryset]}
        form = RejectForm(request.POST if "apply" in request.POST else None, initial=initial)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            _run(self, request, queryset, lambda p: services.package_reject(actor=request.user, package=p,
                 reason=data["reason"], message=data["message"]), _("Rejected %(count)d package(s)."))  # fmt: skip
            return None
        return self._intermediate(request, queryset, form, str(_("Reject packages")))


# Buyer inquiries of the public catalog (kept in their own module).
from . import admin_public  # noqa: E402,F401
