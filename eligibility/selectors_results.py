"""Reads about rule sets, checks and results (re-exported by ``selectors``)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from catalog.models import Country, Package

from . import engine
from .choices import CheckStatus, Outcome, RuleSetStatus
from .models import CountryTier, EligibilityCheck, EligibilityResult, Rule, RuleSet

_ENGINE_CACHE: dict[tuple, tuple[dict[str, str], list[engine.RuleData]]] = {}


def ruleset_active() -> RuleSet | None:
    return RuleSet.objects.filter(status=RuleSetStatus.ACTIVE).first()


def ruleset_engine_data(ruleset: RuleSet) -> tuple[dict[str, str], list[engine.RuleData]]:
    """The engine's view of a rule set: country → tier code, and its rules.

    Active and archived rule sets are read-only, so their data is cached per process; drafts never are.
    """
    key = (ruleset.pk, ruleset.version, ruleset.status, ruleset.created_at, ruleset.activated_at)
    if ruleset.status != RuleSetStatus.DRAFT and key in _ENGINE_CACHE:
        return _ENGINE_CACHE[key]
    tiers = dict(CountryTier.objects.filter(ruleset=ruleset).values_list("country_id", "tier__code"))
    rules = [
        engine.RuleData(
            id=r.pk,
            tier=r.tier.code,
            match=r.match,
            outcome=r.outcome,
            explanation=r.explanation,
            citation=r.citation,
            priority=r.priority,
            threshold_mode=r.threshold_mode,
            threshold_tpp=r.threshold_tpp,
            code=r.code,
            review_policy=r.review_policy,
            conditions=tuple(r.conditions or ()),
            figures=tuple(engine.FigureCondition.from_dict(f) for f in r.figure_conditions or ()),
            license_exception=r.license_exception,
        )  # fmt: skip
        for r in Rule.objects.filter(ruleset=ruleset).select_related("tier")
    ]
    if ruleset.status != RuleSetStatus.DRAFT:
        if len(_ENGINE_CACHE) > 32:
            _ENGINE_CACHE.clear()
        _ENGINE_CACHE[key] = (tiers, rules)
    return tiers, rules


def countries_with_tiers(ruleset: RuleSet | None) -> QuerySet[Country]:
    """Countries with their groups prefetched and, under ``ruleset``, their tier code and name annotated."""
    from django.db.models import OuterRef, Subquery

    qs = Country.objects.order_by("code").prefetch_related("export_groups")
    if ruleset is None:
        return qs
    tiers = CountryTier.objects.filter(ruleset=ruleset, country_id=OuterRef("pk"))
    return qs.annotate(
        tier_code=Subquery(tiers.values("tier__code")[:1]), tier_name=Subquery(tiers.values("tier__name")[:1])
    )


def package_results(package: Package, *, country: str | None = None) -> QuerySet[EligibilityResult]:
    qs = EligibilityResult.objects.filter(package=package).select_related("country").order_by("country__name")
    if country:
        qs = qs.filter(country_id=country.upper())
    return qs


def packages_available_in(
    queryset: QuerySet[Package], *, country: str, include_license_required: bool = False
) -> QuerySet[Package]:
    """Narrow a package queryset to packages whose current outcome for ``country`` allows export.

    Eligible only by default; ``include_license_required`` also keeps packages that need a license.
    """
    outcomes = [Outcome.ELIGIBLE] + ([Outcome.LICENSE_REQUIRED] if include_license_required else [])
    allowed = EligibilityResult.objects.filter(
        package_id=OuterRef("pk"), country_id=(country or "").upper(), outcome__in=outcomes
    )
    return queryset.filter(Exists(allowed))


def ruleset_progress(ruleset: RuleSet) -> dict[str, int]:
    """Re-check progress of a rule set: checks by status, and the total."""
    counts = EligibilityCheck.objects.filter(ruleset=ruleset).aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in CheckStatus.values},
    )
    return {key: value or 0 for key, value in counts.items()}


def ruleset_by_version(version: str | None, *, include_drafts: bool = False) -> RuleSet | None:
    if not version:
        return ruleset_active()
    qs = RuleSet.objects.all() if include_drafts else RuleSet.objects.exclude(status=RuleSetStatus.DRAFT)
    return qs.filter(version=version).first()


def eligibility_evaluate(
    *, components: list[engine.ComponentData], ruleset: RuleSet, countries: list[str] | None = None
) -> engine.PackageEvaluation:
    """Evaluate components that are not saved anywhere (the calculator), for some or all countries."""
    tiers, rules = ruleset_engine_data(ruleset)
    if countries:
        tiers = {code: tiers[code] for code in countries if code in tiers}
    return engine.evaluate(components, tiers, rules, **ruleset_reference(ruleset))


def ruleset_reference(ruleset: RuleSet) -> dict[str, str]:
    """What every reason records about its rule set: the version and the effective date (ISO)."""
    return {"ruleset": ruleset.version, "effective_from": ruleset.effective_from.isoformat()}


def package_visible_to(package: Package, user) -> bool:
    """Published packages are public; others only to staff and to members of the package's consortium."""
    from catalog.choices import PackageStatus

    if package.status == PackageStatus.PUBLISHED:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    from catalog.models import ConsortiumMember

    # Only accepted members: an invitation (or a past membership) gives no view of unpublished packages.
    return (
        ConsortiumMember.objects.accepted()
        .filter(consortium_id=package.consortium_id, organization__members=user)
        .exists()
    )


def package_for_eligibility(slug: str, user) -> Package | None:
    package = Package.objects.select_related("consortium").filter(slug=slug).first()
    if package is None or not package_visible_to(package, user):
        return None
    return package
