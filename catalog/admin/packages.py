from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from aiexports.audit.admin_mixins import AuditedAdminMixin
from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError
from aiexports.http import signed_in_user
from aiexports.typed import StrOrPromise
from catalog import services
from catalog.services.consortia import CONSORTIUM_FIELDS

from .. import models, workflow
from ..choices import Layer, MemberStatus
from ..forms.review import AssignForm, ConsultationAnswerForm, PublishForm, RejectForm, RequestChangesForm
from ..review_panel import consultation_offices, offices_of, review_panel

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _ConsortiumCounts(TypedDict):
    n_members: int
    n_packages: int


class _PackageCounts(TypedDict):
    component_count: int


@admin.register(models.Country)
class CountryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


# --- Consortia --------------------------------------------------------------------------------


class ConsortiumMemberInline(admin.TabularInline):
    """Members and invitations with who did each step. Membership is by consent: staff do not add members or
    change a status here (the invited organization's admins accept on their dashboard)."""

    model = models.ConsortiumMember
    extra = 0
    fields = ("organization", "status", "role", "layers", "invited_at", "invited_by", "responded_at", "responded_by",
              "ended_at", "ended_by")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: models.Consortium | None = None) -> bool:
        return False


@admin.register(models.Consortium)
class ConsortiumAdmin(AuditedAdminMixin[models.Consortium], admin.ModelAdmin):
    """A staff edit calls ``consortium_update`` (its audit row); a deletion is audited by ``AuditedAdminMixin``.
    Consortia are created on the site (``consortium_create`` makes the anchor its first member), not here; the
    slug (public links) and the anchor do not change here."""

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
            .annotate(
                n_members=Count("members", filter=Q(members__status=MemberStatus.ACCEPTED), distinct=True),
                n_packages=Count("packages", distinct=True),
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("slug", "anchor") if obj is not None else ()

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Sequence[str]]:
        return {} if obj is not None else dict(self.prepopulated_fields)

    def save_model(self, request: HttpRequest, obj: models.Consortium, form: Any, change: bool) -> None:
        data = form.cleaned_data
        services.consortium_update(
            actor=signed_in_user(request), consortium=obj, by_staff=True,
            **{name: data[name] for name in CONSORTIUM_FIELDS if name in data},
        )  # fmt: skip

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # The members inline is read-only: membership changes by consent, on the site. Nothing is saved here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.display(description=_("anchor country"), ordering="anchor__country__name")
    def anchor_country(self, obj: models.Consortium) -> str:
        return str(obj.anchor.country)

    @admin.display(description=_("members"), ordering="n_members")
    def member_count(self, obj: WithAnnotations[models.Consortium, _ConsortiumCounts]) -> int:
        return obj.n_members

    @admin.display(description=_("packages"), ordering="n_packages")
    def package_count(self, obj: WithAnnotations[models.Consortium, _ConsortiumCounts]) -> int:
        return obj.n_packages


# --- Package review queue ---------------------------------------------------------------------


class LayerFilter(admin.SimpleListFilter):
    title = _("component layer")
    parameter_name = "layer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return list(Layer.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in Layer.values:
            return queryset.filter(components__layer=self.value()).distinct()
        return queryset


class ReviewerFilter(admin.SimpleListFilter):
    title = _("reviewer")
    parameter_name = "reviewer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
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

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
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
        "dram_bandwidth", "designed_for_data_centers", "unit_value_usd", "us_origin_share", "training_operations",
        "weights_published",
    )  # fmt: skip
    readonly_fields = fields
    ordering = ("layer", "position", "id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("supplier")


def _run(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, call, done: StrOrPromise
) -> HttpResponse | None:
    """Apply one service to each selected package; report successes and each refusal with its reason.

    An action started from a package's change page (``_changeform`` posted) returns to that page.
    """
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
    return _back_to_change_page(request, queryset)


def _change_page_of(request: HttpRequest, queryset: QuerySet) -> str:
    """The change page an action was started from ("" from the changelist): one package and ``_changeform``."""
    pks = list(queryset.values_list("pk", flat=True)[:2])
    if request.POST.get("_changeform") and len(pks) == 1:
        return reverse("admin:catalog_package_change", args=[pks[0]])
    return ""


def _back_to_change_page(request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    url = _change_page_of(request, queryset)
    return HttpResponseRedirect(url) if url else None


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
        (None, {"fields": ("title", "slug", "consortium", "status", "revision_of")}),
        (_("Review"), {"fields": ("reviewer", "assigned_at", "reviewer_feedback", "rejection_reason", "reviewed_at",
                                  "submitted_at", "published_at", "audit_trail")}),
        (_("Content"), {"fields": ("summary", "description", "sectors", "target_countries", "target_regions",
                                   "builder", "owner", "operator", "business_model", "federal_support",
                                   "federal_support_details", "us_content_statement")}),
    )  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return flatten_fieldsets(self.fieldsets)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # consortia create packages on the site

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # no delete, one or in bulk: a package is withdrawn or rejected through its audited services

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(component_count=Count("components", distinct=True))

    @admin.display(description=_("components"), ordering="component_count")
    def n_components(self, obj: WithAnnotations[models.Package, _PackageCounts]) -> int:
        return obj.component_count

    @admin.display(description=_("kind"), boolean=False)
    def kind(self, obj: models.Package) -> str:
        return str(_("revision")) if obj.revision_of_id else str(_("new"))

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

    # --- the decision panel, the publish confirmation and the consultation answer -----------------------

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/publish/", view(self.publish_view), name="catalog_package_publish"),
            path("<path:object_id>/consultation/", view(self.consultation_view), name="catalog_package_consultation"),
            *super().get_urls(),
        ]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            context["panel"] = review_panel(obj)
            context["my_offices"] = offices_of(request.user)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _package_or_redirect(self, request: HttpRequest, object_id: str) -> Any:
        package = self.get_object(request, unquote(object_id))
        if package is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]  # private Django helper, absent from django-stubs
        return package

    def _page(self, request: HttpRequest, package: models.Package, template: str, **context: Any) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": package,
            "change_url": reverse("admin:catalog_package_change", args=[package.pk]),
            **context,
        }
        return TemplateResponse(request, f"admin/catalog/package/{template}", context)

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The confirmation page of "Approve and publish": every warning, an override for each, the reason."""
        package = self._package_or_redirect(request, object_id)
        if isinstance(package, HttpResponse):
            return package
        if not self.has_change_permission(request, package):
            raise PermissionDenied
        panel = review_panel(package)
        data = request.POST if request.method == "POST" else None
        form = PublishForm(data, warnings=panel.warnings)
        if data is not None and panel.can_publish and form.is_valid():
            try:
                public = services.package_publish(
                    actor=signed_in_user(request), package=package, message=form.cleaned_data["message"],
                    overrides=form.override_codes(), override_reason=form.cleaned_data.get("override_reason", ""),
                )  # fmt: skip
            except DomainError as exc:
                # The warnings may have changed since the page was shown (an office objected): show them again.
                panel = review_panel(package)
                form = PublishForm(data, warnings=panel.warnings)
                form.is_valid()
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _("Published “%(title)s”.") % {"title": public.title}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:catalog_package_change", args=[public.pk]))
        title = _("Approve and publish “%(title)s”") % {"title": package.title}
        return self._page(request, package, "publish_confirm.html", title=title, panel=panel, form=form)

    def consultation_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A consulted office's answer, given by a member of the office's group."""
        package = self._package_or_redirect(request, object_id)
        if isinstance(package, HttpResponse):
            return package
        if not self.has_view_permission(request, package):
            raise PermissionDenied
        offices = consultation_offices().filter(group__user=signed_in_user(request))
        data = request.POST if request.method == "POST" else None
        form = ConsultationAnswerForm(data, offices=offices, initial={"office": offices.first()})
        if data is not None and form.is_valid():
            try:
                services.consultation_answer(
                    actor=signed_in_user(request), package=package, office=form.cleaned_data["office"],
                    position=form.cleaned_data["position"], comment=form.cleaned_data["comment"],
                )  # fmt: skip
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _("The office's answer is recorded."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:catalog_package_change", args=[package.pk]))
        title = _("Consultation on “%(title)s”") % {"title": package.title}
        return self._page(
            request, package, "consultation_answer.html", title=title, form=form, has_offices=offices.exists(),
            in_review=workflow.can(workflow.Action.CONSULT, package.status), panel=review_panel(package),
        )  # fmt: skip

    def _back_url(self, request: HttpRequest, queryset: QuerySet) -> str:
        return _change_page_of(request, queryset) or reverse("admin:catalog_package_changelist")

    # --- actions (each calls a service, which validates the transition and writes the audit row) ---

    @admin.action(description=_("Assign to me"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return _run(self, request, queryset, lambda p: services.package_assign(actor=signed_in_user(request), package=p,
             reviewer=signed_in_user(request)), _("Assigned %(count)d package(s) to you."))  # fmt: skip

    @admin.action(description=_("Assign to a reviewer…"))
    def assign_to(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        initial = {"action": "assign_to", helpers.ACTION_CHECKBOX_NAME: [str(p.pk) for p in queryset]}
        form = AssignForm(request.POST if "apply" in request.POST else None, initial=initial)
        if "apply" in request.POST and form.is_valid():
            reviewer, actor = form.cleaned_data["reviewer"], signed_in_user(request)
            return _run(self, request, queryset, lambda p: services.package_assign(actor=actor, package=p,
                        reviewer=reviewer), _("Assigned %(count)d package(s)."))  # fmt: skip
        return self._intermediate(request, queryset, form, str(_("Assign to a reviewer")))

    @admin.action(description=_("Start review"))
    def start_review(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        actor = signed_in_user(request)
        return _run(self, request, queryset, lambda p: services.package_start_review(actor=actor, package=p),
             _("Started the review of %(count)d package(s)."))  # fmt: skip

    @admin.action(description=_("Approve and publish…"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        """Publishing goes through the confirmation page of one package, which lists the panel's warnings."""
        pks = list(queryset.values_list("pk", flat=True)[:2])
        if len(pks) != 1:
            self.message_user(
                request, _("Publish one package at a time, through its confirmation page."), messages.ERROR
            )
            return None
        return HttpResponseRedirect(reverse("admin:catalog_package_publish", args=[pks[0]]))

    def _intermediate(self, request: HttpRequest, queryset: QuerySet, form, title: str) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "packages": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "from_change": bool(request.POST.get("_changeform")),
            "back_url": self._back_url(request, queryset),
        }
        return TemplateResponse(request, "admin/catalog/package/review_action.html", context)

    @admin.action(description=_("Request changes…"))
    def request_changes(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        initial = {"action": "request_changes", helpers.ACTION_CHECKBOX_NAME: [str(p.pk) for p in queryset]}
        form = RequestChangesForm(request.POST if "apply" in request.POST else None, initial=initial)
        if "apply" in request.POST and form.is_valid():
            message, actor = form.cleaned_data["message"], signed_in_user(request)
            return _run(self, request, queryset, lambda p: services.package_request_changes(actor=actor,
                        package=p, message=message), _("Requested changes to %(count)d package(s)."))  # fmt: skip
        return self._intermediate(request, queryset, form, str(_("Request changes")))

    @admin.action(description=_("Reject…"))
    def reject(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        initial = {"action": "reject", helpers.ACTION_CHECKBOX_NAME: [str(p.pk) for p in queryset]}
        form = RejectForm(request.POST if "apply" in request.POST else None, initial=initial)
        if "apply" in request.POST and form.is_valid():
            data, actor = form.cleaned_data, signed_in_user(request)
            return _run(self, request, queryset, lambda p: services.package_reject(actor=actor, package=p,
                        reason=data["reason"], message=data["message"]),
                        _("Rejected %(count)d package(s)."))  # fmt: skip
        return self._intermediate(request, queryset, form, str(_("Reject packages")))


# --- Designation consultation ---------------------------------------------------------------------


@admin.register(models.ConsultedOffice)
class ConsultedOfficeAdmin(admin.ModelAdmin):
    """The offices Commerce consults before a designation. Stop consulting one by unticking "consulted"."""

    list_display = ("name", "code", "group", "active", "position")
    list_filter = ("active",)
    search_fields = ("name", "code", "group__name")
    ordering = ("position", "name")
    autocomplete_fields = ("group",)

    def save_model(self, request: HttpRequest, obj: models.ConsultedOffice, form, change: bool) -> None:  # noqa: ANN001
        services.consulted_office_save(actor=signed_in_user(request), office=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # answers refer to offices; untick "consulted" instead


@admin.register(models.ConsultationAnswer)
class ConsultationAnswerAdmin(admin.ModelAdmin):
    """Every office's answers, read-only (offices answer from the package's decision panel)."""

    list_display = ("package", "office", "position", "answered_by", "answered_at")
    list_filter = ("office", "position")
    search_fields = ("package__title", "office__name", "comment")
    list_select_related = ("package", "office", "answered_by")
    readonly_fields = ("package", "office", "position", "comment", "answered_by", "answered_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
