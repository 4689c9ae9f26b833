"""Choices of restricted-party screening."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    JSON = "json", _("JSON")


class EntryType(models.TextChoices):
    """The CSL ``type`` column. Empty on the BIS and State lists (``null`` in the JSON): not stated."""

    NOT_STATED = "", _("Not stated by the list")
    INDIVIDUAL = "Individual", _("Individual")
    ENTITY = "Entity", _("Entity")
    VESSEL = "Vessel", _("Vessel")
    AIRCRAFT = "Aircraft", _("Aircraft")


class HitStatus(models.TextChoices):
    """A hit is a lead for a human. Open and confirmed hits block publication; the others do not."""

    OPEN = "open", _("Open: awaiting staff review")
    CLEARED = "cleared", _("Cleared: not the listed party")
    CONFIRMED = "confirmed", _("Confirmed: the listed party")
    WITHDRAWN = "withdrawn", _("Withdrawn: no longer matches the list")


BLOCKING_STATUSES = (HitStatus.OPEN, HitStatus.CONFIRMED)


class SubjectKind(models.TextChoices):
    """Who was screened for a hit: the organization itself, or a person named on it (a member's full name)."""

    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person named on the organization")
