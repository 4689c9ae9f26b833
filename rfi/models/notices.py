"""RFI notices and their questions, grouped under ordered topic areas."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiexports.markdown import render_markdown
from rfi.choices import (
    DEFAULT_ATTACHMENT_TYPES,
    DEFAULT_MAX_ATTACHMENT_COUNT,
    DEFAULT_MAX_ATTACHMENT_SIZE,
    AttachmentType,
)

docket_validator = RegexValidator(
    r"^[A-Z0-9]+(?:-[A-Z0-9]+)+$",
    _("Use capital letters, digits and hyphens, for example ITA-ITA-2025-0070."),
)


def default_attachment_types() -> list[str]:
    return list(DEFAULT_ATTACHMENT_TYPES)


def default_max_attachment_size() -> int:
    return getattr(settings, "AIX_RFI_MAX_ATTACHMENT_SIZE", DEFAULT_MAX_ATTACHMENT_SIZE)


def default_max_attachment_count() -> int:
    return getattr(settings, "AIX_RFI_MAX_ATTACHMENT_COUNT", DEFAULT_MAX_ATTACHMENT_COUNT)


class Notice(models.Model):
    """A request for information: a docket with a comment period, questions and attachment rules.

    ``body`` is Markdown written by staff; it is rendered and then sanitized with nh3 (``body_html``),
    so a staff mistake or a pasted script never reaches a visitor's browser.
    """

    docket_id = models.CharField(
        _("docket id"), max_length=40, unique=True, validators=[docket_validator], help_text=_("e.g. ITA-ITA-2025-0070")
    )
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), max_length=2000)
    body = models.TextField(_("body (Markdown)"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    accepts_late = models.BooleanField(_("accepts late responses"), default=False)
    allowed_attachment_types = models.JSONField(
        _("allowed attachment types"),
        default=default_attachment_types,
        blank=True,
        help_text=_("Checked against each file's content, not its name."),
    )
    max_attachment_size = models.PositiveIntegerField(
        _("maximum attachment size (bytes)"), default=default_max_attachment_size, validators=[MinValueValidator(1)]
    )
    max_attachment_count = models.PositiveSmallIntegerField(
        _("maximum number of attachments"), default=default_max_attachment_count
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-closes_at", "docket_id"]
        verbose_name = _("RFI notice")
        verbose_name_plural = _("RFI notices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="rfi_notice_closes_after_opens"
            )
        ]

    def __str__(self) -> str:
        return f"{self.docket_id}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("rfi:notice_detail", args=[self.docket_id])

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})
        valid = set(AttachmentType.values)
        unknown = [t for t in (self.allowed_attachment_types or []) if t not in valid]
        if unknown:
            raise ValidationError({"allowed_attachment_types": _("Unknown types: %s") % ", ".join(map(str, unknown))})

    # --- derived state ---------------------------------------------------------------------
    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_closed(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    def has_opened(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.opens_at

    def accepts_submissions(self, now: datetime | None = None) -> bool:
        """Open, or closed but still taking late responses."""
        now = now or timezone.now()
        return self.has_opened(now) and (not self.has_closed(now) or self.accepts_late)

    @property
    def body_html(self) -> str:
        return render_markdown(self.body)

    @property
    def allowed_type_labels(self) -> list[str]:
        labels = dict(AttachmentType.choices)
        return [str(labels[t]) for t in self.allowed_attachment_types or [] if t in labels]


class TopicArea(models.Model):
    """A group of questions within a notice, shown in ``position`` order."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="topic_areas", verbose_name=_("notice"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True, max_length=2000)

    class Meta:
        ordering = ["notice", "position", "id"]
        verbose_name = _("topic area")
        verbose_name_plural = _("topic areas")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """One question of a notice, under a topic area. ``notice`` is stored too so that answers can be
    validated against the notice in one query and the admin can edit questions inline on the notice."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="questions", verbose_name=_("notice"))
    topic_area = models.ForeignKey(
        TopicArea, on_delete=models.CASCADE, related_name="questions", verbose_name=_("topic area")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("question"), max_length=2000)
    help_text = models.TextField(_("help text"), blank=True, max_length=2000)
    max_length = models.PositiveIntegerField(
        _("maximum answer length (characters)"), default=5000, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["notice", "topic_area__position", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.topic_area_id and self.notice_id and self.topic_area.notice_id != self.notice_id:
            raise ValidationError({"topic_area": _("Choose a topic area of the same notice.")})
