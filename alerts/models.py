"""Subscribers (an e-mail address), their alerts (a saved catalog search for a country) and announcements (one row
per subscriber × package: a package is announced to a subscriber once)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Country, Package


class Subscriber(models.Model):
    """An e-mail address that asked for alerts. No account: it manages its alerts through signed links."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Bumped by "unsubscribe from everything": every manage and unsubscribe link sent before stops working.
    token_version = models.PositiveIntegerField(_("link version"), default=0)
    # The UTC day of the last digest: the claim that keeps it to one digest per subscriber per day.
    last_digest_on = models.DateField(_("last digest"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("alert subscriber")
        verbose_name_plural = _("alert subscribers")

    def __str__(self) -> str:
        return self.email


class Alert(models.Model):
    """A saved catalog search (the list's filters) for the buyer's country; active once confirmed, until ended."""

    subscriber = models.ForeignKey(Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE,
                                   related_name="alerts")  # fmt: skip
    label = models.CharField(_("name"), max_length=100, blank=True)
    query = models.JSONField(_("filters"), default=dict, blank=True)  # {filter name: [values]}, as the list takes
    country = models.ForeignKey(Country, verbose_name=_("buyer's country"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("availability alert")
        verbose_name_plural = _("availability alerts")
        indexes = [models.Index(fields=["confirmed_at", "ended_at"], name="alerts_alert_active")]

    def __str__(self) -> str:
        return f"{self.subscriber} · {self.country_id} · {self.label or self.pk}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.ended_at is None


class Announcement(models.Model):
    """A package found for a subscriber: sent in a digest (``sent_at``), or known already when the alert was
    confirmed (``baseline``: matches at sign-up are not "new"). Unique per subscriber × package."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="announcements")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcements")
    baseline = models.BooleanField(_("already matching at confirmation"), default=False)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "package"], name="alerts_announcement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.package_id}"
