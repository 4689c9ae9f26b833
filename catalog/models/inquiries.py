"""Inquiries: a buyer's "express interest" message about a published package."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .packages import Package
from .reference import Country


class Inquiry(models.Model):
    """A message a (usually foreign) buyer sends to a package's consortium from the public catalog."""

    package = models.ForeignKey(Package, verbose_name=_("package"), on_delete=models.CASCADE, related_name="inquiries")
    name = models.CharField(_("your name"), max_length=200)
    organization = models.CharField(_("organization"), max_length=200)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("e-mail address"), max_length=254)
    message = models.TextField(_("message"), max_length=5000)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    # Set by the notification task once the consortium's managers were e-mailed (makes the task idempotent).
    notified_at = models.DateTimeField(_("managers notified"), null=True, blank=True)
    # The language the buyer wrote in (their copy is in it), and when the copy was sent (idempotent like the above).
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    copy_sent_at = models.DateTimeField(_("copy sent to the buyer"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return f"{self.name} ({self.organization}) → {self.package}"
