"""Submissions (responses to a notice), their answers, attachments, tags, campaign groups and internal notes."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rfi.choices import HELD_BACK_STATUSES, AttachmentType, OrganizationType, RespondentType, SubmissionStatus

from .notices import Notice, Question

# No 0/O or 1/I: a tracking number is read aloud on the phone and typed from paper.
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TRACKING_RE = r"AIX-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}"


def generate_tracking_number() -> str:
    """``AIX-XXXX-XXXX``: 40 random bits from ``secrets`` (unguessable; uniqueness is checked by the caller)."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"AIX-{chars[:4]}-{chars[4:]}"


class Tag(models.Model):
    """A topic tag staff put on submissions to sort the queue."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic tag")
        verbose_name_plural = _("topic tags")

    def __str__(self) -> str:
        return self.name


class CampaignGroup(models.Model):
    """Submissions to one notice whose answers are near-identical (a mass-comment campaign)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="campaign_groups")
    label = models.CharField(_("label"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign group")
        verbose_name_plural = _("campaign groups")

    def __str__(self) -> str:
        return self.label or f"{_('Campaign')} #{self.pk}"


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def in_reading_room(self) -> SubmissionQuerySet:
        """What the public may see: not spam/duplicate and not hidden by staff (the notice must have closed too)."""
        return self.exclude(status__in=HELD_BACK_STATUSES).filter(hidden_from_reading_room=False)


class Submission(models.Model):
    """One response to a notice, public or by a signed-in user, with its review state.

    ``is_confidential`` is the respondent's claim of confidential business information, always with a
    justification. Which parts are confidential is said by ``Answer.is_confidential`` and
    ``Attachment.is_confidential``; the reading room never shows those parts.
    """

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("notice"))
    tracking_number = models.CharField(_("tracking number"), max_length=13, unique=True, editable=False)
    respondent_type = models.CharField(_("responding as"), max_length=20, choices=RespondentType.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True, db_index=True)
    organization_name = models.CharField(_("organization"), max_length=250, blank=True)
    organization_type = models.CharField(
        _("organization type"), max_length=30, choices=OrganizationType.choices, blank=True
    )
    country = models.ForeignKey(
        "catalog.Country", verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rfi_submissions",
    )
    is_confidential = models.BooleanField(_("contains confidential business information"), default=False)
    confidentiality_justification = models.TextField(_("why it should not be disclosed"), blank=True, max_length=5000)
    certified = models.BooleanField(_("certified accurate"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED, db_index=True
    )
    is_duplicate_flag = models.BooleanField(
        _("possible duplicate"),
        default=False,
        db_index=True,
        help_text=_("Another response to this notice came from the same e-mail address."),
    )
    is_late = models.BooleanField(_("received after the closing time"), default=False)
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_rfi_submissions",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="submissions", verbose_name=_("topic tags"))
    campaign_group = models.ForeignKey(
        CampaignGroup,
        verbose_name=_("campaign group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    hidden_from_reading_room = models.BooleanField(_("hidden from the reading room"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt e-mailed"), null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    submission_key = models.CharField(
        _("submission key"),
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Idempotency key sent with the response: the same key for the same notice stores it once."),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    #: Set by ``rfi_submission_create`` on the instance it returns: True when the submission key had already
    #: been used for this notice and the earlier submission is returned instead of a new one (not stored).
    is_replay = False

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("RFI submission")
        verbose_name_plural = _("RFI submissions")
        indexes = [models.Index(fields=["notice", "email"], name="rfi_sub_notice_email_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_confidential=True, confidentiality_justification=""),
                name="rfi_submission_confidential_needs_justification",
            ),
            # NULLs are distinct: responses sent without a key never conflict.
            models.UniqueConstraint(fields=["notice", "submission_key"], name="rfi_submission_unique_key_per_notice"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    def get_absolute_url(self) -> str:
        return reverse("rfi:reading_room_detail", args=[self.notice.docket_id, self.tracking_number])

    @property
    def display_name(self) -> str:
        """The name the reading room shows (anonymous responses show no name)."""
        if self.respondent_type == RespondentType.ANONYMOUS:
            return str(_("Anonymous"))
        if self.respondent_type == RespondentType.ORGANIZATION and self.organization_name:
            return self.organization_name
        return self.name or str(_("Anonymous"))

    @property
    def is_held_back(self) -> bool:
        return self.status in HELD_BACK_STATUSES or self.hidden_from_reading_room


class Answer(models.Model):
    """The answer of one submission to one question."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("answer"))
    is_confidential = models.BooleanField(_("confidential"), default=False)

    class Meta:
        ordering = ["question__topic_area__position", "question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["submission", "question"], name="rfi_answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.submission_id} / {self.question_id}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """A generated name with no part of the user's file name: ``rfi/<notice id>/<random hex>``.

    MEDIA_ROOT is a private folder that no web server serves; downloads go through ``rfi:attachment``.
    """
    notice_id = instance.submission.notice_id if instance.submission_id else "unsorted"
    return f"rfi/{notice_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file of a submission. Its type was detected from its content (magic bytes) when it was stored."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(_("file name (sanitized)"), max_length=255)
    file = models.FileField(_("stored file"), upload_to=attachment_upload_to, max_length=255)
    kind = models.CharField(_("detected type"), max_length=10, choices=AttachmentType.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    is_confidential = models.BooleanField(_("confidential"), default=False)
    public_version_of = models.ForeignKey(
        "self",
        verbose_name=_("public version of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_versions",
        help_text=_("This file is the redacted public version of a confidential attachment."),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_confidential=True, public_version_of__isnull=False),
                name="rfi_public_version_is_not_confidential",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("rfi:attachment", args=[self.public_id])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        storage, name = self.file.storage, self.file.name
        result = super().delete(*args, **kwargs)
        if name:
            storage.delete(name)
        return result


class InternalNote(models.Model):
    """A reviewer's private note on a submission. Never shown on a public page or in the API."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="rfi_internal_notes"
    )
    text = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.text[:60]}"
