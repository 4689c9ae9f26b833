"""Admin of the public catalog's buyer inquiries (read-only: they are the buyers' own words)."""

from __future__ import annotations

from django.contrib import admin

from ..models import Inquiry


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "name", "organization", "country", "email", "package", "notified_at")
    list_filter = ("country", "package__consortium", ("notified_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "organization", "email", "message", "package__title")
    list_select_related = ("country", "package")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Inquiry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
