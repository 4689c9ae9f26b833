"""Choices of the eligibility app: rule-set statuses, outcomes, rule matches and check statuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class Outcome(models.TextChoices):
    """Export-control outcome for a destination, from the least to the most restrictive."""

    ELIGIBLE = "eligible", _("Eligible")
    LICENSE_REQUIRED = "license_required", _("License required")
    PROHIBITED = "prohibited", _("Prohibited")


class DerivedClass(models.TextChoices):
    """Classes of components a rule may match instead of an ECCN pattern (see ``engine.py``)."""

    ADVANCED_COMPUTING = "advanced_computing", _("Advanced computing item (3A090, 4A090, .z items)")
    CLOSED_WEIGHT_FRONTIER_MODEL = (
        "closed_weight_frontier_model",
        _("Closed-weight model trained with more than 10^26 operations (4E091)"),
    )
    ADVANCED_COMPUTING_EXCEPTION = (
        "advanced_computing_exception",
        _("Advanced computing item License Exceptions NAC/ACA can authorize (not a data-center 3A090.a item)"),
    )
    HIGH_BANDWIDTH_MEMORY = "high_bandwidth_memory", _("Stand-alone high-bandwidth memory (3A090.c)")
    EAR99_SOFTWARE = "ear99_software", _("EAR99 software")


class LicenseException(models.TextChoices):
    """License exceptions a rule may name (15 CFR Part 740): its outcome holds under that exception."""

    NONE = "", _("None")
    ACA = "ACA", _("ACA: Advanced Computing Authorized (15 CFR 740.8)")
    NAC = "NAC", _("NAC: Notified Advanced Computing (15 CFR 740.8)")
    SPP = "SPP", _("SPP: Syria Peace and Prosperity (15 CFR 740.5)")


class ThresholdMode(models.TextChoices):
    NONE = "", _("Always")
    ABOVE = "above", _("Only above the package's aggregate TPP threshold")
    UP_TO = "up_to", _("Only up to the package's aggregate TPP threshold")


class ReviewPolicy(models.TextChoices):
    """The license review policy a rule states (``license_required`` is case-by-case or approval; denial is
    shown as ``prohibited``)."""

    NONE = "", _("Not stated")
    APPROVAL = "approval", _("Presumption of approval")
    CASE_BY_CASE = "case_by_case", _("Case-by-case review")
    DENIAL = "denial", _("Presumption of denial")


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CheckTrigger(models.TextChoices):
    SUBMISSION = "submission", _("Package submitted")
    ACTIVATION = "activation", _("Rule set activated")
    STAFF = "staff", _("Requested by staff")


# The labels of the tier codes the seeded rule sets use (``seeding.py``), with their seeded English names. A
# tier's ``name`` is rule-set data: pages show the seeded name in the reader's language, and a tier staff
# renamed (or added) by its stored name, never its raw code. Outcome labels come from ``Outcome``.
TIER_LABELS = {
    "allied": gettext_noop("Allied"),
    "license_review": gettext_noop("License review"),
    "arms_embargoed": gettext_noop("Arms-embargoed"),
    "embargoed": gettext_noop("Embargoed"),
    "china_macau": gettext_noop("China and Macau"),
    "russia_belarus": gettext_noop("Russia and Belarus"),
    "syria": gettext_noop("Syria"),
    "tier1": gettext_noop("Tier 1"),
    "tier2": gettext_noop("Tier 2"),
    "tier3": gettext_noop("Tier 3"),
}
NO_RESULT = _("No result")

# The seeded rule-set names (``seeding.py``): shown in the reader's language; a name staff gave is shown as stored.
RULESET_NAMES = {
    "Current EAR controls": gettext_noop("Current EAR controls"),
    "AI Diffusion framework, January 2025": gettext_noop("AI Diffusion framework, January 2025"),
}


def ruleset_label(name: str) -> str:
    """A rule set's name in the active language when it is a seeded name, else as stored."""
    source = RULESET_NAMES.get(name)
    return gettext(source) if source is not None else name


def tier_label(code: str | None, name: str = "") -> str:
    """A tier's label in the active language: the seeded name translated, else the stored name, else the code."""
    source = TIER_LABELS.get(code or "")
    if source is not None and (not name or name == source):
        return gettext(source)
    return name or code or ""


def outcome_label(outcome: str | None) -> str:
    """An outcome's label in the active language ("No result" for none or an unknown value)."""
    labels = dict(Outcome.choices)
    return str(labels[outcome]) if outcome in labels else str(NO_RESULT)
