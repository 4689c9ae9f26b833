"""Staff admin for country groups, rule sets (drafts editable, others read-only), checks and results."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aiexports.errors import DomainError
from aiexports.singleline import SingleLineFormMixin

from . import services
from .choices import RuleSetStatus
from .models import (
    CountryGroup,
    CountryTier,
    EligibilityCheck,
    EligibilityResult,
    ProgramEligibility,
    Rule,
    RuleSet,
    Tier,
)
from .selectors import ruleset_progress


@admin.register(CountryGroup)
class CountryGroupAdmin(admin.ModelAdmin):
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
    fields = ["priority", "tier", "match", "outcome", "threshold_mode", "threshold_tpp", "explanation", "citation"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "tier":
            ruleset_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Tier.objects.filter(ruleset_id=ruleset_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CloneForm(SingleLineFormMixin, forms.Form):
    new_version = forms.SlugField(label=_("New version"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "effective_from", "status", "activated_at", "activated_by", "progress"]
    list_filter = ["status"]
    search_fields = ["name", "version", "notes", "sources"]
    readonly_fields = ["status", "activated_at", "activated_by", "created_at", "progress"]
    inlines = [TierInline, RuleInline]
    actions = ["activate", "clone", "rerun_failed"]

    def get_readonly_fields(self, request: HttpRequest, obj: RuleSet | None = None) -> list[str]:
        if obj is not None and obj.status != RuleSetStatus.DRAFT:
            return [f.name for f in RuleSet._meta.fields if f.name != "id"] + ["progress"]
        return list(self.readonly_fields)

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
            count = services.ruleset_activate(ruleset=queryset.get(), actor=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("Rule set activated; %(n)d checks queued.") % {"n": count}, messages.SUCCESS)

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
                    ruleset=source, new_version=form.cleaned_data["new_version"], actor=request.user,
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
        total = sum(services.eligibility_checks_rerun_failed(ruleset=rs, actor=request.user) for rs in queryset)
        self.message_user(request, _("%(n)d failed checks queued again.") % {"n": total}, messages.SUCCESS)


@admin.register(CountryTier)
class CountryTierAdmin(admin.ModelAdmin):
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
            services.eligibility_check_request(package_id=package_id, actor=request.user, trigger="staff")
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


# Restricted-party screening registers its own admin classes.
from .screening import admin as _screening_admin  # noqa: E402,F401
