"""The staff triage queue of package requests. Thin: every change goes through ``buyer_requests.services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aiexports.errors import DomainError
from aiexports.http import client_ip, signed_in_user
from aiexports.singleline import SingleLineFormMixin
from catalog.models import Package
from eligibility.choices import Outcome

from . import exports, selectors, services
from .choices import RequestStatus
from .models import PackageRequest, RequestMatch, RequestNote, RequestReply

if TYPE_CHECKING:
    from .selectors import Suggestion


def staff_users() -> QuerySet:
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        choices: list[tuple[str, Any]] = [
            ("me", _("Assigned to me")), ("none", _("Unassigned")), ("any", _("Assigned to someone")),
        ]  # fmt: skip
        return choices + [(str(u.pk), str(u)) for u in staff_users().exclude(pk=request.user.pk)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value == "any":
            return queryset.filter(assigned_to__isnull=False)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


class _TextForm(SingleLineFormMixin, forms.ModelForm):
    class Meta:
        fields = ("text",)
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class NoteForm(_TextForm):
    class Meta(_TextForm.Meta):
        model = RequestNote


class ReplyForm(_TextForm):
    class Meta(_TextForm.Meta):
        model = RequestReply


class _AddOnlyInline(admin.StackedInline):
    extra = 1
    can_delete = False
    fields: ClassVar[tuple[str, ...]] = ("text", "author", "created_at")
    readonly_fields: ClassVar[tuple[str, ...]] = ("author", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # kept as written

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is not None and request.user.is_staff


class NoteInline(_AddOnlyInline):
    model = RequestNote
    form = NoteForm
    verbose_name = _("internal note (staff only, never shown to the requester)")
    verbose_name_plural = _("internal notes (staff only, never shown to the requester)")


class ReplyInline(_AddOnlyInline):
    model = RequestReply
    form = ReplyForm
    fields = ("text", "author", "created_at", "sent_at")
    readonly_fields = ("author", "created_at", "sent_at")
    verbose_name = _("reply to the requester (e-mailed and shown on their status page)")
    verbose_name_plural = _("replies to the requester (e-mailed and shown on their status page)")


class MatchInline(admin.TabularInline):
    model = RequestMatch
    extra = 0
    can_delete = False
    fields = ("package", "confirmed_by", "confirmed_at", "notified_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MatchForm(SingleLineFormMixin, forms.Form):
    packages = forms.ModelMultipleChoiceField(
        label=_("Confirm these packages as matches"),
        queryset=Package.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their consortia are e-mailed the request without its confidential details."),
    )

    def __init__(self, *args: Any, suggestions: list[Suggestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["packages"])
        field.queryset = Package.objects.filter(pk__in=[p.pk for p in suggestions]).order_by("title")
        outcomes = {p.pk: Outcome(p.outcome).label for p in suggestions}
        # A per-instance label (the stubs type it as a method, so mypy refuses the assignment).
        field.label_from_instance = lambda p: f"{p.title} — {p.consortium.name} ({outcomes.get(p.pk, '')})"  # type: ignore[method-assign,assignment]


@admin.register(PackageRequest)
class PackageRequestAdmin(admin.ModelAdmin):
    list_display = (
        "reference", "organization_name", "requester_type", "country", "sector", "status", "assigned_to",
        "created_at",
    )  # fmt: skip
    list_filter = (
        "status", ("country", admin.RelatedOnlyFieldListFilter), "sector", AssignedFilter, "requester_type",
        "timeline", "financing_interest",
    )  # fmt: skip
    search_fields = ("reference", "organization_name", "contact_name", "email")
    search_help_text = _("Reference, organization, contact name or e-mail.")
    list_select_related = ("country", "sector", "assigned_to")
    list_per_page = 50
    ordering = ("-created_at", "-id")
    inlines = [ReplyInline, NoteInline, MatchInline]
    readonly_fields = (
        "reference", "requester_type", "organization_name", "contact_name", "email", "country", "sector",
        "need_hardware", "need_software", "need_data", "need_security", "scale", "timeline", "financing_interest",
        "confidential_details", "consent_to_contact", "language", "ip_address", "created_at", "receipt_sent_at",
        "match_suggestions",
    )  # fmt: skip
    fieldsets = (
        (_("Triage"), {"fields": ("status", "assigned_to", "match_suggestions")}),
        (_("Requester"), {"fields": (
            "reference", "requester_type", "organization_name", "contact_name", "email", "country", "sector",
            "consent_to_contact",
        )}),
        (_("What is needed"), {"fields": (
            "need_hardware", "need_software", "need_data", "need_security", "scale", "timeline",
            "financing_interest", "confidential_details",
        )}),
        (_("Record"), {"fields": ("language", "ip_address", "created_at", "receipt_sent_at")}),
    )  # fmt: skip
    actions = (
        "assign_to_me", "unassign", "mark_in_review", "mark_referred", "mark_closed", "export_selected_csv",
    )  # fmt: skip

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting bypasses the audited services
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from the public form, through the service

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assigned_to":
            kwargs["queryset"] = staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("matching packages"))
    def match_suggestions(self, obj: PackageRequest) -> str:
        if not obj.pk:
            return "–"
        count = len(selectors.match_suggestions(obj))
        url = reverse("admin:buyer_requests_packagerequest_matches", args=[obj.pk])
        label = ngettext(
            "%(n)d published package fits: review and confirm matches",
            "%(n)d published packages fit: review and confirm matches",
            count,
        ) % {"n": count}
        return format_html('<a href="{}">{}</a>', url, label)

    # --- change page: status, assignment, notes and replies through the services -----------

    def save_model(self, request: HttpRequest, obj: PackageRequest, form: forms.ModelForm, change: bool) -> None:
        data, ip, actor = form.cleaned_data, client_ip(request), signed_in_user(request)
        try:
            services.package_request_set_status(actor=actor, request_ids=[obj.pk], status=data["status"],
                                                ip_address=ip)  # fmt: skip
            services.package_request_assign(actor=actor, request_ids=[obj.pk],
                                            assignee=data.get("assigned_to"), ip_address=ip)  # fmt: skip
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool) -> None:
        writers: dict[type, Callable[..., Any]] = {
            RequestNote: services.request_note_add, RequestReply: services.request_reply_add,
        }  # fmt: skip
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            write = writers.get(formset.model)
            if write is None:
                continue
            for text_form in formset.extra_forms:
                text = text_form.cleaned_data.get("text") if text_form.has_changed() else ""
                if text and text.strip():
                    formset.new_objects.append(
                        write(
                            actor=signed_in_user(request),
                            request=form.instance,
                            text=text,
                            ip_address=client_ip(request),
                        )
                    )

    # --- actions ----------------------------------------------------------------------------

    def _run(self, request: HttpRequest, call: Callable[[], int], what: str) -> None:
        try:
            n = call()
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        text = ngettext("%(n)d request %(what)s.", "%(n)d requests %(what)s.", n) % {"n": n, "what": what}
        self.message_user(request, text, messages.SUCCESS)

    def _ids(self, queryset: QuerySet) -> list[int]:
        return list(queryset.values_list("pk", flat=True))

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids, me = self._ids(queryset), signed_in_user(request)
        self._run(request, lambda: services.package_request_assign(
            actor=me, request_ids=ids, assignee=me, ip_address=client_ip(request)
        ), str(_("assigned to you")))  # fmt: skip

    @admin.action(description=_("Unassign"), permissions=["change"])
    def unassign(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = self._ids(queryset)
        self._run(request, lambda: services.package_request_assign(
            actor=signed_in_user(request), request_ids=ids, assignee=None, ip_address=client_ip(request)
        ), str(_("unassigned")))  # fmt: skip

    def _status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        ids = self._ids(queryset)
        self._run(request, lambda: services.package_request_set_status(
            actor=signed_in_user(request), request_ids=ids, status=status, ip_address=client_ip(request)
        ), str(_("changed")))  # fmt: skip

    @admin.action(description=_("Mark as in review"), permissions=["change"])
    def mark_in_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._status(request, queryset, RequestStatus.IN_REVIEW)

    @admin.action(description=_("Mark as referred"), permissions=["change"])
    def mark_referred(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._status(request, queryset, RequestStatus.REFERRED)

    @admin.action(description=_("Mark as closed"), permissions=["change"])
    def mark_closed(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._status(request, queryset, RequestStatus.CLOSED)

    @admin.action(description=_("Export selected to CSV"), permissions=["view"])
    def export_selected_csv(self, request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
        return exports.csv_response(request, queryset, filters=request.GET.urlencode())

    # --- the matches page ----------------------------------------------------------------------

    def get_urls(self) -> list:
        matches = path(
            "<path:object_id>/matches/",
            self.admin_site.admin_view(self.matches_view),
            name="buyer_requests_packagerequest_matches",
        )
        return [matches, *super().get_urls()]

    def matches_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        row = self.get_object(request, object_id)
        if row is None:
            raise Http404
        if not self.has_change_permission(request, row):
            raise PermissionDenied
        suggestions = selectors.match_suggestions(row)
        form = MatchForm(request.POST if request.method == "POST" else None, suggestions=suggestions)
        if request.method == "POST" and form.is_valid():
            try:
                made = services.request_match_confirm(actor=signed_in_user(request), request=row,
                                                      packages=list(form.cleaned_data["packages"]),
                                                      ip_address=client_ip(request))  # fmt: skip
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                text = ngettext(
                    "%(n)d match confirmed; its consortium is being told.",
                    "%(n)d matches confirmed; their consortia are being told.",
                    len(made),
                ) % {"n": len(made)}
                self.message_user(request, text, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:buyer_requests_packagerequest_change", args=[row.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Matching packages for %(reference)s") % {"reference": row.reference},
            "opts": self.model._meta,
            "original": row,
            "form": form,
            "suggestions": suggestions,
            "matches": row.matches.select_related("package").all(),
            "media": self.media + form.media,
        }
        template = "admin/buyer_requests/packagerequest/matches.html"
        return TemplateResponse(request, template, context, status=400 if form.errors else 200)
