"""Notices in the admin, with their topic areas and questions; campaign groups and tags."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiexports.audit.admin_mixins import AuditedAdminMixin
from aiexports.singleline import SingleLineFormMixin

from ..choices import AttachmentType
from ..models import CampaignGroup, Notice, Question, Tag, TopicArea


class NoticeAdminForm(SingleLineFormMixin, forms.ModelForm):
    allowed_attachment_types = forms.MultipleChoiceField(
        label=_("Allowed attachment types"),
        choices=AttachmentType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Checked against each file's content, not its name."),
    )

    class Meta:
        model = Notice
        fields = [
            "docket_id",
            "title",
            "summary",
            "body",
            "opens_at",
            "closes_at",
            "accepts_late",
            "allowed_attachment_types",
            "max_attachment_size",
            "max_attachment_count",
        ]


class TopicAreaInline(admin.TabularInline):
    model = TopicArea
    extra = 0
    ordering = ("position", "id")
    fields = ("position", "title", "description")


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    ordering = ("topic_area__position", "position", "id")
    fields = ("topic_area", "position", "text", "help_text", "max_length")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # noqa: ANN001, ANN003, ANN201
        # Only the topic areas of the notice being edited (a new notice must be saved with its areas first).
        if db_field.name == "topic_area":
            notice_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = TopicArea.objects.filter(notice_id=notice_id).order_by("position")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Notice)
class NoticeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = NoticeAdminForm
    list_display = ("docket_id", "title", "opens_at", "closes_at", "accepts_late")
    search_fields = ("docket_id", "title")
    list_filter = ("accepts_late",)
    date_hierarchy = "closes_at"
    inlines = [TopicAreaInline, QuestionInline]
    fieldsets = (
        (None, {"fields": ("docket_id", "title", "summary", "body")}),
        (_("Comment period"), {"fields": ("opens_at", "closes_at", "accepts_late")}),
        (
            _("Attachment rules"),
            {"fields": ("allowed_attachment_types", "max_attachment_size", "max_attachment_count")},
        ),
    )


@admin.register(CampaignGroup)
class CampaignGroupAdmin(admin.ModelAdmin):
    """Campaigns are found by ``rfi.duplicates``, not made by hand: this list only leads to their members."""

    list_display = ("__str__", "notice", "size", "created_at")
    list_filter = ("notice",)
    list_select_related = ("notice",)
    readonly_fields = ("notice", "label", "created_at", "size")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(member_count=Count("submissions"))

    @admin.display(description=_("responses"), ordering="member_count")
    def size(self, obj: CampaignGroup) -> str:
        url = reverse("admin:rfi_submission_changelist") + f"?campaign={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.member_count)  # type: ignore[attr-defined]  # annotated

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Tag)
class TagAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


__all__ = ["CampaignGroupAdmin", "NoticeAdmin", "TagAdmin"]
