from __future__ import annotations

from django.contrib import admin

from . import models


class MembershipInline(admin.TabularInline):
    model = models.OrganizationMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "foreign_controlled", "controlling_country", "verified", "created_at")
    list_filter = ("verified", "foreign_controlled", "country")
    search_fields = ("name", "slug", "website", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("country", "controlling_country")
    inlines = [MembershipInline]
    list_select_related = ("country", "controlling_country")


@admin.register(models.Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


# Buyer inquiries of the public catalog (kept in their own module).
from . import admin_public  # noqa: E402,F401
