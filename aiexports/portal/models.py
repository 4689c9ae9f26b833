"""Portal models: staff-written information pages and messages sent to the AI export team."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ContactStatus, ContactTopic


class InfoPage(models.Model):
    """A public information page (About, How to take part, FAQ) in one language, written in Markdown.

    The body is rendered to HTML and sanitized on display, so staff cannot inject scripts by mistake.
    A page missing in the visitor's language falls back to English.
    """

    slug = models.SlugField(_("slug"), max_length=80, help_text=_("The address: /pages/<slug>/"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), max_length=50_000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug", "language"]
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        constraints = [models.UniqueConstraint(fields=["slug", "language"], name="uniq_infopage_slug_language")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class ContactMessage(models.Model):
    """A message sent through "Contact the AI export team": the staff inbox in the admin."""

    name = models.CharField(_("name"), max_length=150)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    country = models.ForeignKey(
        "catalog.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField(_("e-mail address"))
    topic = models.CharField(_("topic"), max_length=30, choices=ContactTopic.choices)
    message = models.TextField(_("message"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, default="en")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ContactStatus.choices, default=ContactStatus.NEW, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_contact_messages",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledgement sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>: {self.get_topic_display()}"
