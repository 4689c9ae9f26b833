"""Staff admin: the contact inbox (status, assignment, audited actions) and the information pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aiexports.http import client_ip, signed_in_user
from aiexports.typed import StrOrPromise

from . import services
from .choices import ContactStatus
from .models import ContactMessage, InfoPage


class AssignedFilter(admin.SimpleListFilter):
    title = _("assignment")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, StrOrPromise]]:
        return [("mine", _("Assigned to me")), ("nobody", _("Not assigned"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "mine":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "name", "email", "organization", "country", "topic", "status", "assigned_to")
    list_filter = ("status", AssignedFilter, "topic", ("created_at", admin.DateFieldListFilter), "country")
    search_fields = ("name", "email", "organization", "message")
    list_select_related = ("country", "assigned_to")
    date_hierarchy = "created_at"
    fields = (
        "status", "assigned_to", "name", "email", "organization", "country", "topic", "message", "language",
        "created_at", "acknowledged_at", "ip_address",
    )  # fmt: skip
    readonly_fields = (
        "name", "email", "organization", "country", "topic", "message", "language", "created_at",
        "acknowledged_at", "ip_address",
    )  # fmt: skip
    actions = ["assign_to_me", "mark_in_progress", "mark_closed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # messages come from the public form only

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        if db_field.name == "assigned_to":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ContactMessage, form, change: bool) -> None:  # noqa: ANN001
        # Edits go through the service so that every change is audited.
        services.contact_message_update(
            actor=signed_in_user(request),
            message=obj,
            status=form.cleaned_data["status"],
            assigned_to=form.cleaned_data["assigned_to"],
            ip_address=client_ip(request),
        )

    def _bulk(self, request: HttpRequest, queryset: QuerySet, **change: Any) -> int:
        rows = list(queryset)
        for row in rows:
            services.contact_message_update(
                actor=signed_in_user(request), message=row, ip_address=client_ip(request), **change
            )
        return len(rows)

    @admin.action(description=_("Assign to me"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = self._bulk(request, queryset, assigned_to=request.user)
        text = ngettext("%(count)d message assigned to you.", "%(count)d messages assigned to you.", n)
        self.message_user(request, text % {"count": n}, messages.SUCCESS)

    @admin.action(description=_("Mark as in progress"))
    def mark_in_progress(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = self._bulk(request, queryset, status=ContactStatus.IN_PROGRESS)
        text = ngettext("%(count)d message marked in progress.", "%(count)d messages marked in progress.", n)
        self.message_user(request, text % {"count": n}, messages.SUCCESS)

    @admin.action(description=_("Mark as closed"))
    def mark_closed(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = self._bulk(request, queryset, status=ContactStatus.CLOSED)
        text = ngettext("%(count)d message closed.", "%(count)d messages closed.", n)
        self.message_user(request, text % {"count": n}, messages.SUCCESS)


@admin.register(InfoPage)
class InfoPageAdmin(admin.ModelAdmin):
    list_display = ("slug", "language", "title", "updated_at")
    list_filter = ("language", "slug")
    search_fields = ("slug", "title", "body")
    ordering = ("slug", "language")

    def save_model(self, request: HttpRequest, obj: InfoPage, form, change: bool) -> None:  # noqa: ANN001
        services.info_page_save(actor=signed_in_user(request), page=obj, ip_address=client_ip(request))

    def delete_model(self, request: HttpRequest, obj: InfoPage) -> None:
        services.info_page_delete(actor=signed_in_user(request), page=obj, ip_address=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for page in queryset:
            services.info_page_delete(actor=signed_in_user(request), page=page, ip_address=client_ip(request))
