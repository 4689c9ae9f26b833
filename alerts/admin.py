"""Staff views of alerts: read-only lists (subscribers change their alerts through their signed links)."""

from __future__ import annotations

from django.contrib import admin

from .models import Alert, Announcement, Subscriber


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ("email", "language", "created_at", "last_digest_on")
    search_fields = ("email",)
    list_filter = ("language",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("subscriber", "country", "label", "created_at", "confirmed_at", "ended_at")
    search_fields = ("subscriber__email", "label")
    list_filter = ("country", ("confirmed_at", admin.EmptyFieldListFilter), ("ended_at", admin.EmptyFieldListFilter))
    list_select_related = ("subscriber", "country")


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ("subscriber", "package", "baseline", "created_at", "sent_at")
    search_fields = ("subscriber__email", "package__title")
    list_filter = ("baseline", ("sent_at", admin.EmptyFieldListFilter))
    list_select_related = ("subscriber", "package")
