"""Choices of the RFI module: respondent and organization types, submission statuses, attachment types."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RespondentType(models.TextChoices):
    INDIVIDUAL = "individual", _("An individual")
    ORGANIZATION = "organization", _("An organization")
    ANONYMOUS = "anonymous", _("Anonymous")


class OrganizationType(models.TextChoices):
    COMPANY = "company", _("Company")
    CONSORTIUM = "consortium", _("Consortium")
    TRADE_ASSOCIATION = "trade_association", _("Trade association")
    ACADEMIC = "academic", _("Academic or research institution")
    GOVERNMENT = "government", _("Government body")
    NON_PROFIT = "non_profit", _("Non-profit organization")
    OTHER = "other", _("Other")


class SubmissionStatus(models.TextChoices):
    """Review workflow: received → in review → reviewed; spam and duplicate are held back from the reading room."""

    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed")
    SPAM = "spam", _("Spam")
    DUPLICATE = "duplicate", _("Duplicate")


# Statuses held back from the public reading room by default.
HELD_BACK_STATUSES = (SubmissionStatus.SPAM, SubmissionStatus.DUPLICATE)


class AttachmentType(models.TextChoices):
    """File types recognised by their content (see ``rfi.filetypes``), not by name or browser content type."""

    PDF = "pdf", "PDF"
    DOCX = "docx", _("Word document (DOCX)")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    CSV = "csv", "CSV"
    TXT = "txt", _("Plain text")
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


DEFAULT_ATTACHMENT_TYPES = [choice.value for choice in AttachmentType]
DEFAULT_MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
DEFAULT_MAX_ATTACHMENT_COUNT = 10
