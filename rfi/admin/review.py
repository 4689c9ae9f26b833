"""The submission review queue in the Django admin. Thin: every change goes through ``rfi.review``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aiexports.errors import DomainError
from aiexports.http import client_ip, signed_in_user
from aiexports.singleline import SingleLineFormMixin
from aiexports.typed import StrOrPromise

from .. import exports, review
from ..models import Answer, Attachment, InternalNote, Submission
from ..selectors import normalize_tracking_number
from .filters import CampaignFilter, ReviewerFilter
from .forms import AssignForm, StatusForm, TagForm, staff_users

_TRACKING_SEARCH = re.compile(r"^\s*AIX[\s-]?[0-9A-Z]{4}[\s-]?[0-9A-Z]{4}\s*$", re.IGNORECASE)
ACTION_TEMPLATE = "admin/rfi/submission/action_form.html"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AnswerInline(ReadOnlyInline, admin.StackedInline):
    model = Answer
    fields = ("question", "text", "is_confidential")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("question")


class AttachmentInline(ReadOnlyInline):
    """Files are downloaded through the permission-checked ``rfi:attachment`` view (staff may fetch any)."""

    model = Attachment
    fields = ("download", "kind", "size", "is_confidential", "public_version_of", "sha256")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


class InternalNoteForm(SingleLineFormMixin, forms.ModelForm):
    class Meta:
        model = InternalNote
        fields = ("text",)
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class InternalNoteInline(admin.StackedInline):
    """Notes are written here and kept as written: author and time are set by ``internal_note_add``."""

    model = InternalNote
    form = InternalNoteForm
    extra = 1
    can_delete = False
    fields = ("text", "author", "created_at")
    readonly_fields = ("author", "created_at")
    verbose_name = _("internal note (staff only, never published)")
    verbose_name_plural = _("internal notes (staff only, never published)")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # existing notes are shown read-only to everyone, their author included

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is not None and request.user.is_staff


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = (
        "tracking_number", "docket", "respondent", "organization_type", "country", "status", "is_confidential",
        "assigned_reviewer", "is_duplicate_flag", "campaign", "created_at",
    )  # fmt: skip
    list_filter = (
        "notice", "status", "respondent_type", "organization_type",
        ("country", admin.RelatedOnlyFieldListFilter), "is_confidential", ReviewerFilter, "tags", CampaignFilter,
        "is_duplicate_flag", "hidden_from_reading_room",
    )  # fmt: skip
    search_fields = ("tracking_number", "name", "organization_name", "email", "answers__text")
    search_help_text = _("Tracking number, name, organization, e-mail or words of an answer.")
    list_select_related = ("notice", "country", "assigned_reviewer")
    list_per_page = 50
    show_full_result_count = False  # one COUNT fewer per page on a queue of tens of thousands
    ordering = ("-created_at", "-id")
    inlines = [AnswerInline, AttachmentInline, InternalNoteInline]
    readonly_fields = (
        "tracking_number", "notice", "respondent_type", "name", "email", "organization_name", "organization_type",
        "country", "user", "is_confidential", "confidentiality_justification", "certified", "is_duplicate_flag",
        "is_late", "campaign_summary", "language", "ip_address", "created_at", "receipt_sent_at",
    )  # fmt: skip
    fieldsets = (
        (_("Respondent"), {"fields": (
            "tracking_number", "notice", "respondent_type", "name", "email", "organization_name",
            "organization_type", "country", "user",
        )}),
        (_("Confidential business information"), {"fields": ("is_confidential", "confidentiality_justification")}),
        (_("Review"), {"fields": ("status", "assigned_reviewer", "tags", "hidden_from_reading_room")}),
        (_("Duplicates and campaigns"), {"fields": ("is_duplicate_flag", "campaign_summary")}),
        (_("Record"), {"fields": (
            "certified", "is_late", "language", "ip_address", "created_at", "receipt_sent_at",
        )}),
    )  # fmt: skip
    actions = (
        "assign_to_me", "assign_to_reviewer", "change_status", "mark_spam", "tag_topics",
        "hide_from_reading_room", "show_in_reading_room", "set_campaign_status", "export_selected_csv",
    )  # fmt: skip

    # --- queryset, columns -------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Submission]:
        return exports.with_campaign_size(super().get_queryset(request))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        if _TRACKING_SEARCH.match(search_term or ""):  # "aix 7k3m q9pd" finds AIX-7K3M-Q9PD
            return queryset.filter(tracking_number=normalize_tracking_number(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting bypasses the audited services
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # responses come from the public form or the API, through the service

    @admin.display(description=_("docket"), ordering="notice__docket_id")
    def docket(self, obj: Submission) -> str:
        return obj.notice.docket_id

    @admin.display(description=_("respondent"), ordering="organization_name")
    def respondent(self, obj: Submission) -> str:
        if obj.respondent_type == "anonymous":
            return str(_("Anonymous"))
        if obj.organization_name:
            return f"{obj.organization_name} ({obj.name})" if obj.name else obj.organization_name
        return obj.name

    @admin.display(description=_("campaign"), ordering="campaign_size")
    def campaign(self, obj: Submission) -> str:
        if not obj.campaign_group_id:
            return "–"
        url = reverse("admin:rfi_submission_changelist") + f"?campaign={obj.campaign_group_id}"
        size = obj.campaign_size  # type: ignore[attr-defined]  # annotated by get_queryset
        label = ngettext("group of %(n)d", "group of %(n)d", size) % {"n": size}
        return format_html('<a href="{}" title="{}">{}</a>', url, _("Show this campaign group"), label)

    @admin.display(description=_("campaign group"))
    def campaign_summary(self, obj: Submission) -> str:
        if not obj.campaign_group_id:
            return str(_("Not part of a campaign (no near-identical response to this notice)."))
        size = Submission.objects.filter(campaign_group_id=obj.campaign_group_id).count()
        url = reverse("admin:rfi_submission_changelist") + f"?campaign={obj.campaign_group_id}"
        return format_html(
            '{} <a href="{}">{}</a>',
            ngettext(
                "One of %(n)d near-identical responses.", "One of %(n)d near-identical responses.", size
            ) % {"n": size},
            url,
            _("Show them all (to set the status of the whole campaign)"),
        )  # fmt: skip

    # --- change page: review fields and notes through the services ---------------------------

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assigned_reviewer":
            kwargs["queryset"] = staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "tags":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Submission, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        review.submission_review_update(
            actor=signed_in_user(request),
            submission_id=obj.pk,
            status=data["status"],
            assigned_reviewer=data.get("assigned_reviewer"),
            hidden_from_reading_room=data["hidden_from_reading_room"],
            tags=list(data.get("tags") or []),
            ip_address=client_ip(request),
        )

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool) -> None:
        # Tags were saved by the service; answers and files are read-only; notes go through their service.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is not InternalNote:
                continue
            for note_form in formset.extra_forms:
                text = note_form.cleaned_data.get("text") if note_form.has_changed() else ""
                if text and text.strip():
                    formset.new_objects.append(
                        review.internal_note_add(
                            actor=signed_in_user(request),
                            submission=form.instance,
                            text=text,
                            ip_address=client_ip(request),
                        )
                    )

    # --- actions ----------------------------------------------------------------------------

    def _ids(self, queryset: QuerySet) -> list[int]:
        return list(queryset.values_list("pk", flat=True))

    def _done(self, request: HttpRequest, count: int, what: str) -> None:
        self.message_user(request, ngettext("%(n)d submission %(what)s.", "%(n)d submissions %(what)s.", count) % {
            "n": count, "what": what,
        }, messages.SUCCESS)  # fmt: skip

    def _run(self, request: HttpRequest, call: Callable[[], int], what: str) -> None:
        try:
            self._done(request, call(), what)
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)

    def _intermediate(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        form_class: type[forms.Form],
        title: StrOrPromise,
        submit: StrOrPromise,
        apply: Callable[[dict], None],
    ) -> HttpResponse | None:
        """A confirmation page with a form; on "apply" run the service and return to the filtered queue."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                apply(form.cleaned_data)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "submit_label": submit,
            "count": queryset.count(),
            "preview": queryset.select_related("notice")[:20],
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action": request.POST.get("action", ""),
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, ACTION_TEMPLATE, context, status=400 if form.errors else 200)

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids, me = self._ids(queryset), signed_in_user(request)
        self._run(request, lambda: review.submission_assign(
            actor=me, submission_ids=ids, reviewer=me, ip_address=client_ip(request)
        ), str(_("assigned to you")))  # fmt: skip

    @admin.action(description=_("Assign to a reviewer…"), permissions=["change"])
    def assign_to_reviewer(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        def apply(data: dict) -> None:
            reviewer = data["reviewer"]
            self._run(request, lambda: review.submission_assign(
                actor=signed_in_user(request), submission_ids=self._ids(queryset), reviewer=reviewer,
                ip_address=client_ip(request),
            ), str(_("assigned to %(user)s") % {"user": reviewer}) if reviewer else str(_("unassigned")))  # fmt: skip

        return self._intermediate(
            request, queryset, form_class=AssignForm, title=_("Assign submissions to a reviewer"),
            submit=_("Assign"), apply=apply,
        )  # fmt: skip

    @admin.action(description=_("Change the status…"), permissions=["change"])
    def change_status(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        def apply(data: dict) -> None:
            self._run(request, lambda: review.submission_set_status(
                actor=signed_in_user(request), submission_ids=self._ids(queryset), status=data["status"],
                ip_address=client_ip(request),
            ), str(_("changed")))  # fmt: skip

        return self._intermediate(
            request, queryset, form_class=StatusForm, title=_("Change the status of submissions"),
            submit=_("Change the status"), apply=apply,
        )  # fmt: skip

    @admin.action(description=_("Mark as spam"), permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = self._ids(queryset)
        self._run(request, lambda: review.submission_mark_spam(
            actor=signed_in_user(request), submission_ids=ids, ip_address=client_ip(request)
        ), str(_("marked as spam")))  # fmt: skip

    @admin.action(description=_("Tag topics…"), permissions=["change"])
    def tag_topics(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        def apply(data: dict) -> None:
            self._run(request, lambda: review.submission_tag(
                actor=signed_in_user(request), submission_ids=self._ids(queryset), add=list(data["add"]),
                remove=list(data["remove"]), ip_address=client_ip(request),
            ), str(_("re-tagged")))  # fmt: skip

        return self._intermediate(
            request, queryset, form_class=TagForm, title=_("Tag topics of submissions"),
            submit=_("Save the tags"), apply=apply,
        )  # fmt: skip

    @admin.action(description=_("Hide from the reading room"), permissions=["change"])
    def hide_from_reading_room(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = self._ids(queryset)
        self._run(request, lambda: review.submission_set_hidden(
            actor=signed_in_user(request), submission_ids=ids, hidden=True, ip_address=client_ip(request)
        ), str(_("hidden from the reading room")))  # fmt: skip

    @admin.action(description=_("Show in the reading room"), permissions=["change"])
    def show_in_reading_room(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = self._ids(queryset)
        self._run(request, lambda: review.submission_set_hidden(
            actor=signed_in_user(request), submission_ids=ids, hidden=False, ip_address=client_ip(request)
        ), str(_("shown in the reading room")))  # fmt: skip

    @admin.action(description=_("Change the status of their whole campaigns…"), permissions=["change"])
    def set_campaign_status(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        groups = sorted(set(queryset.exclude(campaign_group=None).values_list("campaign_group_id", flat=True)))
        if not groups:
            self.message_user(request, _("None of the selected submissions is part of a campaign."), messages.WARNING)
            return None

        actor = signed_in_user(request)

        def apply(data: dict) -> None:
            self._run(request, lambda: review.campaign_set_status(
                actor=actor, campaign_group_ids=groups, status=data["status"], ip_address=client_ip(request)
            ), str(_("changed (whole campaigns)")))  # fmt: skip

        members = Submission.objects.filter(campaign_group_id__in=groups)
        return self._intermediate(
            request, exports.with_campaign_size(members), form_class=StatusForm,
            title=_("Change the status of every response in these campaigns"), submit=_("Change the status"),
            apply=apply,
        )  # fmt: skip

    @admin.action(description=_("Export selected to CSV"), permissions=["view"])
    def export_selected_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponseBase:
        filters = request.GET.urlencode()
        return exports.csv_response(request, queryset, filters=filters, selected=True)

    # --- "Export all matching": the changelist's own queryset (filters, search, ordering) -------

    def get_urls(self) -> list:
        export = path("export/", self.admin_site.admin_view(self.export_view), name="rfi_submission_export")
        return [export, *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:rfi_submission_changelist") + "?e=1")
        return exports.csv_response(request, changelist.queryset, filters=request.GET.urlencode(), selected=False)
