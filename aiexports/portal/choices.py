from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactTopic(models.TextChoices):
    GENERAL = "general", _("General question about the program")
    TAKING_PART = "taking_part", _("Taking part: organizations and consortia")
    BUYING = "buying", _("Buying a package (foreign buyers)")
    RFI = "rfi", _("The request for information (RFI)")
    EXPORT_CONTROLS = "export_controls", _("Export controls and eligibility")
    WEBSITE = "website", _("A problem with this website")


class ContactStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
