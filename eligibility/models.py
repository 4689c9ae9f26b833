"""Eligibility models: country groups, versioned rule sets (tiers, country tiers, rules), checks and results.

Rule sets are staff-maintained data, never code constants. Exactly one rule set is active at a time
(a partial unique index enforces it on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aiexports.typed import StrOrPromise
from catalog.models import Country, Package

from . import engine
from .choices import (
    CheckStatus,
    CheckTrigger,
    DerivedClass,
    LicenseException,
    Outcome,
    ReviewPolicy,
    RuleSetStatus,
    ThresholdMode,
)

# An ECCN pattern: ECCN characters plus ``*`` and ``?`` wildcards (``3A090.*``, ``*.z*``, ``4E091``, ``*``).
MATCH_PATTERN_RE = re.compile(r"^[0-9A-Za-z.*?]+$")
RULE_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
FIGURE_KEYS = {"figure", "op", "value"}


def figure_conditions_errors(value: object) -> list[str]:
    """What is wrong with a rule's figure conditions (a list of {"figure", "op", "value"}), if anything."""
    if not isinstance(value, list):
        return [str(_("Give a list of conditions."))]
    errors = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) != FIGURE_KEYS:
            errors.append(str(_("Condition %(n)d: give exactly figure, op and value.") % {"n": i}))
            continue
        if item["figure"] not in engine.FIGURES:
            names = ", ".join(engine.FIGURES)
            errors.append(str(_("Condition %(n)d: the figure is one of %(figures)s.") % {"n": i, "figures": names}))
        if item["op"] not in engine.FIGURE_OPS:
            errors.append(str(_("Condition %(n)d: op is lt, le, gt or ge.") % {"n": i}))
        number = item["value"]
        if isinstance(number, bool) or not isinstance(number, int | float) or number != number or number < 0:
            errors.append(str(_("Condition %(n)d: the value is a non-negative number.") % {"n": i}))
    return errors


class CountryGroup(models.Model):
    """An EAR country group (Supplement No. 1 to Part 740), or a historical grouping such as the 2025 tiers."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_ear_group = models.BooleanField(_("EAR country group"), default=True)
    countries = models.ManyToManyField(Country, related_name="export_groups", verbose_name=_("countries"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country group")
        verbose_name_plural = _("country groups")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class RuleSet(models.Model):
    """A versioned, dated set of country tiers and control rules. Drafts are edited; one is active."""

    name = models.CharField(_("name"), max_length=200)
    version = models.SlugField(_("version"), max_length=40, unique=True)
    effective_from = models.DateField(_("effective from"))
    status = models.CharField(
        _("status"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT, db_index=True
    )
    sources = models.TextField(_("source citations"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("activated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="eligibility_one_active_ruleset"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == RuleSetStatus.DRAFT


class Tier(models.Model):
    """A tier of countries within one rule set (for example "allied" or "Tier 2")."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="tiers")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["ruleset", "position", "code"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [models.UniqueConstraint(fields=["ruleset", "code"], name="eligibility_uniq_tier_code")]

    def __str__(self) -> str:
        return self.name


class CountryTier(models.Model):
    """The tier of one country under one rule set."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="country_tiers")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="country_tiers")

    class Meta:
        ordering = ["ruleset", "country"]
        verbose_name = _("country tier")
        verbose_name_plural = _("country tiers")
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "country"], name="eligibility_uniq_country_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}: {self.tier}"

    def clean(self) -> None:
        if self.tier_id and self.ruleset_id and self.tier.ruleset_id != self.ruleset_id:
            raise ValidationError({"tier": _("This tier belongs to another rule set.")})


class Rule(models.Model):
    """For components matching ``match`` sent to a country of ``tier``, the outcome is ``outcome``.

    ``match`` is an ECCN pattern (``3A090.*``, ``*.z*``, ``4E091``, ``*`` for any component) or a derived
    class (``advanced_computing``, ``closed_weight_frontier_model``). Rules are tried by ascending
    ``priority``; the first that matches decides the component's outcome.
    """

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="rules")
    match = models.CharField(
        _("applies to"),
        max_length=60,
        help_text=_(
            "An ECCN or pattern (3A090.*, 4A090.*, *.z*, 4E091, * for any component) or a derived class: "
            "advanced_computing, closed_weight_frontier_model."
        ),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    threshold_mode = models.CharField(
        _("threshold"), max_length=10, choices=ThresholdMode.choices, default=ThresholdMode.NONE, blank=True
    )
    threshold_tpp = models.FloatField(_("aggregate TPP threshold"), null=True, blank=True)
    figure_conditions = models.JSONField(
        _("figure conditions"),
        default=list,
        blank=True,
        help_text=_(
            'Per-unit figures the component must meet, all of them, for example [{"figure": "tpp", "op": "lt", '
            '"value": 21000}, {"figure": "dram_bandwidth", "op": "lt", "value": 6500}]. Figures: tpp, pd, '
            "dram_bandwidth (GB/s). Edges: lt (below), le (at or below), gt (above), ge (at or above). A component "
            "that does not state the figure does not match."
        ),
    )
    explanation = models.TextField(_("explanation"))
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    priority = models.PositiveIntegerField(_("priority"), default=100, help_text=_("Lower numbers are tried first."))
    code = models.CharField(
        _("code"),
        max_length=60,
        blank=True,
        help_text=_("A stable code that reasons carry, for example ear.china_macau.case_by_case."),
    )
    review_policy = models.CharField(
        _("license review policy"), max_length=20, choices=ReviewPolicy.choices, default=ReviewPolicy.NONE, blank=True
    )
    conditions = models.JSONField(
        _("conditions"),
        default=list,
        blank=True,
        help_text=_("What the exporter must meet or certify under this rule: a list of sentences."),
    )
    license_exception = models.CharField(
        _("license exception"),
        max_length=10,
        choices=LicenseException.choices,
        default=LicenseException.NONE,
        blank=True,
        help_text=_("The license exception the outcome holds under (eligible under License Exception ACA, …)."),
    )

    class Meta:
        ordering = ["ruleset", "tier__position", "priority", "id"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_mode="") | Q(threshold_tpp__isnull=False),
                name="eligibility_rule_threshold_has_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier}: {self.match} → {self.get_outcome_display()}"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.match not in DerivedClass.values and not MATCH_PATTERN_RE.match(self.match or ""):
            errors["match"] = _("Enter an ECCN pattern such as 3A090.* or a derived class.")
        if self.threshold_mode and self.threshold_tpp is None:
            errors["threshold_tpp"] = _("Give the aggregate TPP threshold.")
        if self.tier_id and self.ruleset_id and self.tier.ruleset_id != self.ruleset_id:
            errors["tier"] = _("This tier belongs to another rule set.")
        if self.code and not RULE_CODE_RE.match(self.code):
            errors["code"] = _("Use lower-case letters, digits, dots, dashes and underscores.")
        figure_errors = figure_conditions_errors(self.figure_conditions)
        if figure_errors:
            errors["figure_conditions"] = " ".join(figure_errors)
        if not isinstance(self.conditions, list) or not all(isinstance(c, str) and c.strip() for c in self.conditions):
            errors["conditions"] = _("Give a list of non-empty sentences.")
        if self.review_policy == ReviewPolicy.DENIAL and self.outcome and self.outcome != Outcome.PROHIBITED:
            errors["review_policy"] = _("A presumption of denial is shown as prohibited: choose that outcome.")
        if self.review_policy in (ReviewPolicy.APPROVAL, ReviewPolicy.CASE_BY_CASE) and self.outcome not in (
            Outcome.LICENSE_REQUIRED,
            "",
        ):
            errors["review_policy"] = _("This review policy goes with the outcome license required.")
        if self.license_exception and self.outcome and self.outcome != Outcome.ELIGIBLE:
            errors["license_exception"] = _("A license exception goes with the outcome eligible.")
        if errors:
            raise ValidationError(errors)


class EligibilityCheck(models.Model):
    """A durable job: compute one package's results under one rule set (pending → running → done / failed).

    ``lease_expires_at`` is the deadline after which the sweeper treats the row as lost and re-enqueues it.
    """

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="eligibility_checks")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="checks")
    status = models.CharField(_("status"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    trigger = models.CharField(_("trigger"), max_length=12, choices=CheckTrigger.choices, default=CheckTrigger.STAFF)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        indexes = [
            models.Index(fields=["status", "lease_expires_at"], name="elig_check_status_lease"),
            models.Index(fields=["ruleset", "status"], name="elig_check_ruleset_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.package_id} @ {self.ruleset_id} ({self.status})"


class EligibilityResult(models.Model):
    """The current export-control outcome of one package for one country (one row per package × country)."""

    # No separate foreign-key indexes: (package, country) is unique and (country, outcome) is indexed, which
    # cover the lookups; every index costs time on the hot path (249 upserts per check).
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="eligibility_results", db_index=False)
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", db_index=False)
    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="results", db_index=False)
    ruleset_version = models.CharField(_("rule-set version"), max_length=40)
    tier_code = models.CharField(_("tier"), max_length=40, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["package", "country"]
        verbose_name = _("eligibility result")
        verbose_name_plural = _("eligibility results")
        constraints = [
            models.UniqueConstraint(fields=["package", "country"], name="eligibility_uniq_package_country"),
        ]
        indexes = [models.Index(fields=["country", "outcome"], name="elig_result_country_outcome")]

    def __str__(self) -> str:
        return f"{self.package_id} → {self.country_id}: {self.outcome}"

    @property
    def review_policy(self) -> str:
        """The license review policy of the decisive reasons ("" for rows written before policies existed)."""
        from .reasons import summary_policy

        return summary_policy(self.reasons)[0]

    @property
    def conditions(self) -> list[str]:
        from .reasons import summary_policy

        return summary_policy(self.reasons)[1]

    @property
    def license_exceptions(self) -> list[str]:
        """The license exceptions an eligible outcome holds under (for example ["ACA"])."""
        from .reasons import summary_exceptions

        return summary_exceptions(self.reasons)

    @property
    def effective_from(self) -> str | None:
        """The effective date (ISO) of the rule set the reasons were computed under, when they say it."""
        dates = (r.get("effective_from") for r in self.reasons or () if isinstance(r, dict))
        return next((d for d in dates if d), None)


class ProgramEligibility(models.Model):
    """The program's own eligibility of a package (call for proposals), computed beside export controls."""

    package = models.OneToOneField(Package, on_delete=models.CASCADE, related_name="program_eligibility")
    eligible = models.BooleanField(_("eligible for the program"))
    issues = models.JSONField(_("issues"), default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("program eligibility")
        verbose_name_plural = _("program eligibility")

    def __str__(self) -> str:
        return f"{self.package_id}: {'eligible' if self.eligible else 'ineligible'}"


class RuleSetImpact(models.Model):
    """What would change if ``ruleset`` replaced ``baseline``: package × country outcomes that move.

    Computed in Celery (``eligibility.impact_preview``) with progress, from the engine under both rule sets,
    so a draft can be previewed before activation and any two versions compared. Nothing else is written.
    """

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="impacts", verbose_name=_("rule set"))
    baseline = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="+", verbose_name=_("compared with"))
    status = models.CharField(_("status"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    packages_total = models.PositiveIntegerField(_("packages"), default=0)
    packages_done = models.PositiveIntegerField(_("packages compared"), default=0)
    outcomes_compared = models.PositiveIntegerField(_("outcomes compared"), default=0)
    outcomes_moved = models.PositiveIntegerField(_("outcomes that move"), default=0)
    # {"prohibited→license_required": 12, …}, {"CN": 3, …}, [{"slug", "title", "moved"}, …], and the first rows.
    transitions = models.JSONField(_("moves by outcome"), default=dict, blank=True)
    countries = models.JSONField(_("moves by country"), default=dict, blank=True)
    packages = models.JSONField(_("packages that move"), default=list, blank=True)
    changes = models.JSONField(_("changed outcomes (first 1,000)"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impact preview")
        verbose_name_plural = _("impact previews")

    def __str__(self) -> str:
        return f"{self.baseline.version} → {self.ruleset.version} ({self.status})"
