"""Choices of buyers' package requests."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    MATCHED = "matched", _("Matched with packages")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class RequesterType(models.TextChoices):
    GOVERNMENT = "government", _("National government")
    AGENCY = "agency", _("Government agency or public body")
    COMPANY = "company", _("Company")


class Scale(models.TextChoices):
    PILOT = "pilot", _("Pilot or proof of concept")
    ORGANIZATION = "organization", _("One organization or agency")
    SECTOR = "sector", _("A whole sector")
    NATIONAL = "national", _("National scale")


class Timeline(models.TextChoices):
    SIX_MONTHS = "6m", _("Within 6 months")
    YEAR = "12m", _("Within 12 months")
    TWO_YEARS = "24m", _("Within 2 years")
    LATER = "later", _("Later, or not decided yet")


class FinancingInterest(models.TextChoices):
    INTERESTED = "interested", _("Yes, we are interested in U.S. financing (EXIM, DFC)")
    NOT_NEEDED = "not_needed", _("No, financing is arranged")
    UNDECIDED = "undecided", _("Not decided yet")
