from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aiexports.http import client_ip
from aiexports.typed import StrOrPromise

from . import services
from .models import User


class EmailConfirmedFilter(admin.SimpleListFilter):
    title = _("e-mail address confirmed")
    parameter_name = "email_confirmed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in ("yes", "no"):
            return queryset.filter(email_confirmed_at__isnull=self.value() == "no")
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "email_confirmed_at", "date_joined", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", EmailConfirmedFilter, "groups")
    search_fields = ("email", "full_name")
    readonly_fields = ("email_confirmed_at",)
    fieldsets = (
        (None, {"fields": ("email", "email_confirmed_at", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A changed e-mail address goes through ``user_email_change``: it must be confirmed again."""
        new_email = obj.email
        email_changed = change and "email" in form.changed_data
        if email_changed:
            obj.email = form.initial["email"]  # the service compares with the stored address and audits it
        super().save_model(request, obj, form, change)
        if email_changed:
            changed = services.user_email_change(
                actor=request.user,  # type: ignore[arg-type]
                user=obj,
                email=new_email,
                ip_address=client_ip(request),
            )
            obj.email, obj.email_confirmed_at = changed.email, changed.email_confirmed_at
