"""Staff admin for country groups, rule sets (drafts editable, others read-only), checks and results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiexports.audit.admin_mixins import AuditedAdminMixin
from aiexports.errors import DomainError
from aiexports.http import signed_in_user
from aiexports.singleline import SingleLineFormMixin
from aiexports.typed import StrOrPromise

from . import impact, services
from .choices import RuleSetStatus
from .models import (
    CountryGroup,
    CountryTier,
    EligibilityCheck,
    EligibilityResult,
    ProgramEligibility,
    Rule,
    RuleSet,
    RuleSetImpact,
    Tier,
)
from .selectors import ruleset_progress


@admin.register(CountryGroup)
class CountryGroupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "is_ear_group", "member_count"]
    list_filter = ["is_ear_group"]
    search_fields = ["code", "name", "countries__code", "countries__name"]
    filter_horizontal = ["countries"]

    @admin.display(description=_("members"))
    def member_count(self, obj: CountryGroup) -> int:
        return obj.countries.count()


class _DraftOnlyInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj: RuleSet | None) -> bool:
        return obj is None or obj.status == RuleSetStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class TierInline(_DraftOnlyInline):
    model = Tier
    fields = ["position", "code", "name", "description"]


class RuleInline(_DraftOnlyInline):
    model = Rule
    fields = [
        "priority", "tier", "match", "outcome", "review_policy", "threshold_mode", "threshold_tpp", "figure_conditions",
        "license_exception", "code", "explanation", "conditions", "citation",
    ]  # fmt: skip

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "tier":
            ruleset_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Tier.objects.filter(ruleset_id=ruleset_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CloneForm(SingleLineFormMixin, forms.Form):
    new_version = forms.SlugField(label=_("New version"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


@admin.register(RuleSet)
class RuleSetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "version", "effective_from", "status", "activated_at", "activated_by", "progress"]
    list_filter = ["status"]
    search_fields = ["name", "version", "notes", "sources"]
    readonly_fields = ["status", "activated_at", "activated_by", "created_at", "progress"]
    inlines = [TierInline, RuleInline]
    actions = ["activate", "preview_impact", "compare_two", "clone", "rerun_failed"]

    def get_readonly_fields(self, request: HttpRequest, obj: RuleSet | None = None) -> list[str]:
        if obj is not None and obj.status != RuleSetStatus.DRAFT:
            return [f.name for f in RuleSet._meta.fields if f.name != "id"] + ["progress", "package_outcomes_link"]
        return [*self.readonly_fields, "package_outcomes_link"]

    @admin.display(description=_("a package's outcomes"))
    def package_outcomes_link(self, obj: RuleSet) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:eligibility_ruleset_package_outcomes", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Show a package's outcomes under this version"))

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.package_outcomes_view)
        return [
            path("<int:object_id>/package-outcomes/", view, name="eligibility_ruleset_package_outcomes"),
            *super().get_urls(),
        ]

    def package_outcomes_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """A package's outcomes under this (possibly older) version, computed now; nothing is written."""
        from catalog.models import Package

        from .selectors_results import eligibility_evaluate

        ruleset = get_object_or_404(RuleSet, pk=object_id)
        if not self.has_view_permission(request, ruleset):
            raise PermissionDenied
        slug = (request.GET.get("package") or "").strip()
        context: dict[str, Any] = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "ruleset": ruleset, "slug": slug,
            "title": _("Outcomes under %(version)s") % {"version": ruleset.version},
        }  # fmt: skip
        if slug:
            package = Package.objects.filter(slug=slug).first()
            if package is None:
                context["error"] = _("No package with this slug.")
            else:
                evaluation = eligibility_evaluate(components=services._components(package.pk), ruleset=ruleset)
                current = dict(EligibilityResult.objects.filter(package=package).values_list("country_id", "outcome"))
                context["package"] = package
                context["rows"] = [
                    {
                        "country": o.country,
                        "tier": o.tier,
                        "outcome": o.outcome,
                        "current": current.get(o.country),
                        "reasons": o.reasons,
                    }  # fmt: skip
                    for o in sorted(evaluation.outcomes.values(), key=lambda o: o.country)
                ]
        return render(request, "admin/eligibility/package_outcomes.html", context)

    def has_delete_permission(self, request: HttpRequest, obj: RuleSet | None = None) -> bool:
        return (obj is None or obj.status == RuleSetStatus.DRAFT) and super().has_delete_permission(request, obj)

    @admin.display(description=_("re-check progress"))
    def progress(self, obj: RuleSet) -> str:
        p = ruleset_progress(obj)
        if not p["total"]:
            return "—"
        return format_html(
            "{} / {} done, {} failed, {} waiting",
            p["done"],
            p["total"],
            p["failed"],
            p["pending"] + p["running"],
        )

    @admin.action(description=_("Activate the selected rule set (re-checks every package)"))
    def activate(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one rule set to activate."), messages.ERROR)
            return
        try:
            count = services.ruleset_activate(ruleset=queryset.get(), actor=signed_in_user(request))
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("Rule set activated; %(n)d checks queued.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Preview what activating the selected rule set would change"))
    def preview_impact(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one rule set to preview."), messages.ERROR)
            return None
        return self._impact(request, ruleset=queryset.get(), baseline=None)

    @admin.action(description=_("Compare the two selected rule sets (older → newer)"))
    def compare_two(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> HttpResponse | None:
        if queryset.count() != 2:
            self.message_user(request, _("Select exactly two rule sets to compare."), messages.ERROR)
            return None
        older, newer = sorted(queryset, key=lambda r: (r.effective_from, r.created_at, r.pk))
        return self._impact(request, ruleset=newer, baseline=older)

    def _impact(self, request: HttpRequest, *, ruleset: RuleSet, baseline: RuleSet | None) -> HttpResponse | None:
        try:
            preview = impact.impact_preview_request(ruleset=ruleset, baseline=baseline, actor=signed_in_user(request))
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        self.message_user(request, _("Impact preview queued."), messages.SUCCESS)
        return redirect("admin:eligibility_rulesetimpact_change", preview.pk)

    @admin.action(description=_("Clone the selected rule set into a new draft…"))
    def clone(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one rule set to clone."), messages.ERROR)
            return None
        source = queryset.get()
        form = CloneForm(request.POST if "new_version" in request.POST else None)
        if form.is_valid():
            try:
                clone = services.ruleset_clone(
                    ruleset=source, new_version=form.cleaned_data["new_version"], actor=signed_in_user(request),
                    name=form.cleaned_data["name"] or None,
                )  # fmt: skip
            except DomainError as exc:
                form.add_error("new_version", str(exc))
            else:
                self.message_user(request, _("Draft %(v)s created.") % {"v": clone.version}, messages.SUCCESS)
                return redirect("admin:eligibility_ruleset_change", clone.pk)
        context = {**self.admin_site.each_context(request), "form": form, "source": source, "opts": self.model._meta}
        return render(request, "admin/eligibility/ruleset_clone.html", context)

    @admin.action(description=_("Re-run the failed checks of the selected rule sets"))
    def rerun_failed(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> None:
        actor = signed_in_user(request)
        total: int = sum(services.eligibility_checks_rerun_failed(ruleset=rs, actor=actor) for rs in queryset)
        self.message_user(request, _("%(n)d failed checks queued again.") % {"n": total}, messages.SUCCESS)


@admin.register(CountryTier)
class CountryTierAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["country", "tier", "ruleset"]
    list_filter = ["ruleset", "tier__code"]
    search_fields = ["country__code", "country__name"]
    list_select_related = ["country", "tier", "ruleset"]

    def has_change_permission(self, request: HttpRequest, obj: CountryTier | None = None) -> bool:
        editable = obj is None or obj.ruleset.status == RuleSetStatus.DRAFT
        return editable and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: CountryTier | None = None) -> bool:
        editable = obj is None or obj.ruleset.status == RuleSetStatus.DRAFT
        return editable and super().has_delete_permission(request, obj)


@admin.register(EligibilityCheck)
class EligibilityCheckAdmin(admin.ModelAdmin):
    list_display = ["id", "package", "ruleset", "status", "trigger", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "trigger", "ruleset"]
    search_fields = ["package__title", "package__slug", "last_error"]
    list_select_related = ["package", "ruleset"]
    readonly_fields = [f.name for f in EligibilityCheck._meta.fields]
    actions = ["rerun"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Check the selected packages again under the active rule set"))
    def rerun(self, request: HttpRequest, queryset: QuerySet[EligibilityCheck]) -> None:
        package_ids = set(queryset.values_list("package_id", flat=True))
        for package_id in package_ids:
            services.eligibility_check_request(package_id=package_id, actor=signed_in_user(request), trigger="staff")
        self.message_user(request, _("%(n)d checks queued.") % {"n": len(package_ids)}, messages.SUCCESS)


@admin.register(EligibilityResult)
class EligibilityResultAdmin(admin.ModelAdmin):
    list_display = ["package", "country", "outcome", "tier_code", "ruleset_version", "computed_at"]
    list_filter = ["outcome", "ruleset_version"]
    search_fields = ["package__title", "package__slug", "country__code", "country__name"]
    list_select_related = ["package", "country"]
    readonly_fields = [f.name for f in EligibilityResult._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProgramEligibility)
class ProgramEligibilityAdmin(admin.ModelAdmin):
    list_display = ["package", "eligible", "computed_at"]
    list_filter = ["eligible"]
    search_fields = ["package__title"]
    readonly_fields = ["package", "eligible", "issues", "computed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RuleSetImpact)
class RuleSetImpactAdmin(admin.ModelAdmin):
    """Impact previews: read-only, requested from the rule-set list (actions), computed by the worker."""

    list_display = ["__str__", "status", "progress", "outcomes_moved", "created_at", "requested_by"]
    list_filter = ["status", "ruleset"]
    list_select_related = ["ruleset", "baseline", "requested_by"]
    fields = [
        "ruleset", "baseline", "status", "progress", "outcomes_compared", "outcomes_moved", "moves_by_outcome",
        "moves_by_country", "packages_that_move", "changed_rows", "last_error", "requested_by", "created_at",
        "started_at", "finished_at",
    ]  # fmt: skip
    readonly_fields = fields  # type: ignore[assignment]  # the same flat list of names

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("progress"))
    def progress(self, obj: RuleSetImpact) -> str:
        return format_html("{} / {}", obj.packages_done, obj.packages_total)

    @staticmethod
    def _table(rows: Sequence[Sequence[object]], headers: Sequence[StrOrPromise]) -> str:
        if not rows:
            return "—"
        head = "".join(format_html("<th scope='col'>{}</th>", h) for h in headers)
        body = "".join(
            format_html("<tr>{}</tr>", format_html("".join("<td>{}</td>" for _ in row), *row)) for row in rows
        )
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)

    @admin.display(description=_("moves by outcome"))
    def moves_by_outcome(self, obj: RuleSetImpact) -> str:
        return self._table([(k, str(v)) for k, v in obj.transitions.items()], (_("before → after"), _("outcomes")))

    @admin.display(description=_("moves by country"))
    def moves_by_country(self, obj: RuleSetImpact) -> str:
        return self._table([(k, str(v)) for k, v in obj.countries.items()], (_("country"), _("packages")))

    @admin.display(description=_("packages that move"))
    def packages_that_move(self, obj: RuleSetImpact) -> str:
        rows = [(p["slug"], p["title"], str(p["moved"])) for p in obj.packages[:200]]
        return self._table(rows, (_("package"), _("title"), _("countries")))

    @admin.display(description=_("changed outcomes (first 1,000)"))
    def changed_rows(self, obj: RuleSetImpact) -> str:
        rows = [(c["package"], c["country"], c["before"], c["after"]) for c in obj.changes]
        return self._table(rows, (_("package"), _("country"), _("before"), _("after")))
