"""Choices of the eligibility app: rule-set statuses, outcomes, rule matches and check statuses."""

from __future__ import annotations

from django.db import models
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
