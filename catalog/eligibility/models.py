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

from catalog.models import Country, Package

from .choices import CheckStatus, CheckTrigger, DerivedClass, Outcome, RuleSetStatus, ThresholdMode

# An ECCN pattern: ECCN characters plus ``*`` and ``?`` wildcards (``3A090.*``, ``*.z*``, ``4E091``, ``*``).
MATCH_PATTERN_RE = re.compile(r"^[0-9A-Za-z.*?]+$")


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
    explanation = models.TextField(_("explanation"))
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    priority = models.PositiveIntegerField(_("priority"), default=100, help_text=_("Lower numbers are tried first."))

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
        errors: dict[str, str] = {}
        if self.match not in DerivedClass.values and not MATCH_PATTERN_RE.match(self.match or ""):
            errors["match"] = _("Enter an ECCN pattern such as 3A090.* or a derived class.")
        if self.threshold_mode and self.threshold_tpp is None:
            errors["threshold_tpp"] = _("Give the aggregate TPP threshold.")
        if self.tier_id and self.ruleset_id and self.tier.ruleset_id != self.ruleset_id:
            errors["tier"] = _("This tier belongs to another rule set.")
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


# Restricted-party screening keeps its models in a sub-package of this app.
from .screening.models import *  # noqa: E402,F401,F403
