"""Staff admin of screening: list imports (with upload), list entries, the hits queue with clear/confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aiexports.errors import DomainError
from aiexports.http import client_ip, signed_in_user
from aiexports.typed import StrOrPromise
from aiexports.uploads import client_name

from .forms import HitDecisionForm, ScreeningUploadForm
from .models import OrganizationScreening, ScreeningEntry, ScreeningHit, ScreeningListImport
from .selectors import screening_hits_for_review
from .services import screening_hit_clear, screening_hit_confirm, screening_list_import, screening_screen_organizations


class _ReadOnlyMixin:
    """History and imported data are never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScreeningListImport)
class ScreeningListImportAdmin(_ReadOnlyMixin, admin.ModelAdmin):
    """Imports of the list. "Add" is the upload form: the import replaces the current list."""

    list_display = (
        "list_date",
        "file_name",
        "file_format",
        "row_count",
        "added_count",
        "changed_count",
        "removed_count",
        "imported_at",
        "imported_by",
    )
    list_filter = ("file_format",)
    search_fields = ("file_name", "sha256")
    list_select_related = ("imported_by",)
    date_hierarchy = "imported_at"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff and request.user.has_perm("screening.add_screeninglistimport")

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ScreeningUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = screening_list_import(
                    content=upload.read(),
                    file_name=client_name(upload),  # as sent: a hostile name is refused, not quietly cleaned
                    file_format=form.cleaned_data["file_format"] or None,
                    list_date=form.cleaned_data["list_date"],
                    actor=signed_in_user(request),
                    ip_address=client_ip(request),
                )
            except DomainError as exc:
                form.add_error("file", str(exc))
            else:
                self.message_user(
                    request,
                    _(
                        "Imported %(count)d entries (%(added)d added, %(changed)d changed, %(removed)d removed). "
                        "Re-screening of consortium members has been queued."
                    )
                    % {
                        "count": record.row_count,
                        "added": record.added_count,
                        "changed": record.changed_count,
                        "removed": record.removed_count,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:screening_screeninglistimport_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a screening list"),
            "opts": self.opts,
            "form": form,
            "has_view_permission": True,
        }
        status = 400 if request.method == "POST" else 200  # a refused upload is a client error
        return TemplateResponse(request, "screening/admin_upload.html", context, status=status)


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = {code for countries in ScreeningEntry.objects.values_list("countries", flat=True) for code in countries}
        return [(code, code) for code in sorted(codes)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").upper()
        if len(value) == 2 and value.isalpha():
            # The JSON text of the list contains "CN" with its quotes; works on SQLite and PostgreSQL alike.
            return queryset.filter(countries__icontains=f'"{value}"')
        return queryset


class InForceFilter(admin.SimpleListFilter):
    """Entries whose end date has passed stay on the list as published but are no longer matched."""

    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("In force")), ("expired", _("Expired"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(end_date__lt=today)
        if self.value() == "yes":
            return queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        return queryset


@admin.register(ScreeningEntry)
class ScreeningEntryAdmin(_ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "entry_type",
        "source",
        "country_codes",
        "program_list",
        "start_date",
        "end_date",
        "in_force",
        "key",
    )
    list_filter = ("source", "entry_type", InForceFilter, CountryFilter)

    @admin.display(description=_("in force"))
    def in_force(self, obj: ScreeningEntry) -> StrOrPromise:
        return _in_force_text(obj)

    search_fields = ("name", "names__name", "key", "entity_number", "remarks")

    @admin.display(description=_("countries"))
    def country_codes(self, obj: ScreeningEntry) -> str:
        return ", ".join(obj.countries)

    @admin.display(description=_("programs"))
    def program_list(self, obj: ScreeningEntry) -> str:
        return ", ".join(obj.programs)


def _in_force_text(entry: ScreeningEntry) -> StrOrPromise:
    if entry.is_expired() and entry.end_date is not None:
        return _("Expired on %(date)s: not matched") % {"date": date_format(entry.end_date, "SHORT_DATE_FORMAT")}
    return _("In force")


@admin.register(ScreeningHit)
class ScreeningHitAdmin(admin.ModelAdmin):
    """The hits queue. Decisions are made only through the clear/confirm actions, each with a reason."""

    list_display = (
        "organization",
        "status",
        "screened_name",
        "source_list",
        "matched_name",
        "matched_alias",
        "score",
        "entry_name",
        "created_at",
        "decided_by",
    )
    list_filter = ("status", "source_list", "matched_alias", "screened_subject")
    search_fields = ("organization__name", "screened_name", "matched_name", "entry_name", "entry_key")
    list_select_related = ("organization", "decided_by")
    actions = ("clear_hits", "confirm_hits")
    readonly_fields = (
        "organization",
        "status",
        "screened_name",
        "screened_subject",
        "source_list",
        "entry_key",
        "entry",
        "entry_name",
        "entry_in_force",
        "license_requirement",
        "license_policy",
        "matched_name",
        "matched_alias",
        "score",
        "scores_of_each_name",
        "supporting_evidence",
        "entry_fingerprint",
        "reason",
        "decided_by",
        "decided_at",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ScreeningHit]:
        return screening_hits_for_review()

    @admin.display(description=_("entry in force"))
    def entry_in_force(self, obj: ScreeningHit) -> StrOrPromise:
        if obj.entry is None:
            return "—"
        return _in_force_text(obj.entry)

    @admin.display(description=_("score of each listed name"))
    def scores_of_each_name(self, obj: ScreeningHit) -> str:
        if not obj.name_scores:
            return "—"
        rows = format_html_join(
            "",
            "<li>{} ({}): {}</li>",
            (
                (row["name"], _("alternate name") if row.get("alias") else _("name"), f"{row['score']:.2f}")
                for row in obj.name_scores
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    @admin.display(description=_("supporting evidence"))
    def supporting_evidence(self, obj: ScreeningHit) -> StrOrPromise:
        evidence = obj.evidence or {}
        lines = []
        if evidence.get("countries"):
            lines.append(
                _("Listed in the organization's country: %(countries)s.")
                % {"countries": ", ".join(evidence["countries"])}
            )
        lines += [_("Listed address there: %(address)s") % {"address": a} for a in evidence.get("addresses", [])]
        if not lines:
            return _("None: the entry's countries and addresses do not agree with the organization's.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines)))

    @admin.display(description=_("license requirement (as listed)"))
    def license_requirement(self, obj: ScreeningHit) -> str:
        return (obj.entry.raw.get("license_requirement") if obj.entry else "") or "—"

    @admin.display(description=_("license policy (as listed)"))
    def license_policy(self, obj: ScreeningHit) -> str:
        return (obj.entry.raw.get("license_policy") if obj.entry else "") or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Clear the selected hits (not the listed party)…"), permissions=["change"])
    def clear_hits(self, request: HttpRequest, queryset: QuerySet[ScreeningHit]) -> HttpResponse | None:
        return self._decide(request, queryset, screening_hit_clear, "clear_hits", _("Clear screening hits"))

    @admin.action(description=_("Confirm the selected hits (the listed party)…"), permissions=["change"])
    def confirm_hits(self, request: HttpRequest, queryset: QuerySet[ScreeningHit]) -> HttpResponse | None:
        return self._decide(request, queryset, screening_hit_confirm, "confirm_hits", _("Confirm screening hits"))

    def _decide(self, request, queryset, service, action: str, title) -> HttpResponse | None:
        form = HitDecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = 0, []
            for hit in queryset.select_related("organization"):
                try:
                    service(hit_id=hit.pk, actor=signed_in_user(request), reason=form.cleaned_data["reason"])
                    done += 1
                except DomainError as exc:
                    refused.append(f"{hit.organization}: {exc}")
            if done:
                self.message_user(
                    request, ngettext("%(count)d hit decided.", "%(count)d hits decided.", done) % {"count": done}
                )
            for problem in refused:
                self.message_user(request, problem, messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "hits": queryset.select_related("organization"),
            "form": form,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "screening/admin_decide.html", context)


@admin.register(OrganizationScreening)
class OrganizationScreeningAdmin(_ReadOnlyMixin, admin.ModelAdmin):
    """When each organization was last screened; staff can screen selected organizations again now."""

    list_display = ("organization", "screened_name", "list_import", "screened_at", "hit_count", "threshold")
    search_fields = ("organization__name", "screened_name")
    list_select_related = ("organization", "list_import")
    actions = ("screen_again",)

    @admin.action(description=_("Screen the selected organizations again now"))
    def screen_again(self, request: HttpRequest, queryset: QuerySet[OrganizationScreening]) -> None:
        count = screening_screen_organizations(
            organization_ids=list(queryset.values_list("organization_id", flat=True)), actor=signed_in_user(request)
        )
        self.message_user(
            request,
            ngettext("%(count)d organization screened.", "%(count)d organizations screened.", count) % {"count": count},
        )
