"""Staff admin of the RFI module: notices with their topic areas and questions, and a basic submission view.

The submission admin is deliberately small: the review queue (filters, actions, notes, export) extends it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .choices import AttachmentType
from .models import Answer, Attachment, Notice, Question, Submission, Tag, TopicArea


class NoticeAdminForm(forms.ModelForm):
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
class NoticeAdmin(admin.ModelAdmin):
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


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ("question", "text", "is_confidential")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ("download", "kind", "size", "is_confidential", "public_version_of", "sha256")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "notice", "respondent_type", "organization_name", "status", "created_at")
    list_filter = ("notice", "status")
    search_fields = ("tracking_number", "name", "organization_name", "email")
    list_select_related = ("notice",)
    readonly_fields = (
        "tracking_number",
        "notice",
        "respondent_type",
        "name",
        "email",
        "organization_name",
        "organization_type",
        "country",
        "user",
        "is_confidential",
        "confidentiality_justification",
        "certified",
        "is_duplicate_flag",
        "is_late",
        "text_fingerprint",
        "language",
        "ip_address",
        "created_at",
        "receipt_sent_at",
    )
    fields = (*readonly_fields, "status", "assigned_reviewer", "tags", "hidden_from_reading_room")
    autocomplete_fields = ("assigned_reviewer",)
    inlines = [AnswerInline, AttachmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # responses come from the public form or the API, through the service


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
