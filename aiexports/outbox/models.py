"""The outbox row: one e-mail, rendered when it was queued, and where its delivery stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import MailStatus


class OutboxMail(models.Model):
    """One e-mail to send, written in the transaction of the change it announces (``queue_mail``).

    Subject and bodies are rendered at queue time in the recipient's language, so delivery needs no domain
    code. ``next_attempt_at`` is the lease of a pending or sending row: past it, the sweeper sends the row
    again. ``dedupe_key`` is unique: the same e-mail queued twice (a redelivered task, a replayed request) is
    stored once and sent once. The bodies are cleared once the message is sent (they may hold a sign-in link).
    """

    template_prefix = models.CharField(_("template"), max_length=200)
    language = models.CharField(_("language"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("plain text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    to = models.JSONField(_("to"), default=list)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbox e-mail")
        verbose_name_plural = _("outbox e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
