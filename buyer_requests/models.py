"""A buyer's request for a package (no account needed), with the staff's notes, replies and confirmed matches."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import Layer
from catalog.models import Country, Package, Sector

if TYPE_CHECKING:
    from .selectors import Suggestion

from .choices import FinancingInterest, RequesterType, RequestStatus, Scale, Timeline

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
NEED_FIELDS = {
    Layer.HARDWARE: "need_hardware",
    Layer.SOFTWARE: "need_software",
    Layer.DATA: "need_data",
    Layer.SECURITY: "need_security",
}
NEED_MAX_LENGTH = 5000


def generate_reference() -> str:
    """``PR-XXXX-XXXX``: 40 random bits from ``secrets`` (uniqueness is checked by the service)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"PR-{chars[:4]}-{chars[4:]}"


class PackageRequest(models.Model):
    """What a foreign government, agency or company asks for, layer by layer; triaged by program staff."""

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    requester_type = models.CharField(_("requester type"), max_length=20, choices=RequesterType.choices)
    organization_name = models.CharField(_("organization"), max_length=250)
    contact_name = models.CharField(_("contact name"), max_length=200)
    email = models.EmailField(_("e-mail address"), max_length=254)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("sector"))
    need_hardware = models.TextField(_("hardware needed"), blank=True, max_length=NEED_MAX_LENGTH)
    need_software = models.TextField(_("software and models needed"), blank=True, max_length=NEED_MAX_LENGTH)
    need_data = models.TextField(_("data needed"), blank=True, max_length=NEED_MAX_LENGTH)
    need_security = models.TextField(_("security needed"), blank=True, max_length=NEED_MAX_LENGTH)
    scale = models.CharField(_("scale"), max_length=20, choices=Scale.choices)
    timeline = models.CharField(_("timeline"), max_length=10, choices=Timeline.choices)
    financing_interest = models.CharField(_("financing interest"), max_length=20, choices=FinancingInterest.choices)
    confidential_details = models.TextField(
        _("confidential details (staff only)"), blank=True, max_length=NEED_MAX_LENGTH
    )
    consent_to_contact = models.BooleanField(_("consents to be contacted"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_package_requests",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    receipt_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)

    # Not a column: the staff API sets it on the row it returns, for its serializer (``selectors.match_suggestions``).
    suggestions: list[Suggestion]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("package request")
        verbose_name_plural = _("package requests")

    def __str__(self) -> str:
        return f"{self.reference} — {self.organization_name}"

    @property
    def layers(self) -> list[str]:
        """The layers the requester described a need in, in layer order."""
        return [layer.value for layer, name in NEED_FIELDS.items() if getattr(self, name).strip()]

    @property
    def needs(self) -> list[tuple[str, str]]:
        """``[(layer label, what is needed)]`` for the layers asked, in layer order."""
        return [(str(layer.label), getattr(self, name)) for layer, name in NEED_FIELDS.items() if getattr(self, name)]


class RequestNote(models.Model):
    """A staff note on a request; never shown to the requester."""

    request = models.ForeignKey(PackageRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.text[:40]}"


class RequestReply(models.Model):
    """A staff reply to the requester: e-mailed, and shown on the request's status page."""

    request = models.ForeignKey(PackageRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reply"), max_length=10000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reply to the requester")
        verbose_name_plural = _("replies to the requester")

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.text[:40]}"


class RequestMatch(models.Model):
    """A published package staff confirmed as fitting a request; its consortium is told about the request."""

    request = models.ForeignKey(PackageRequest, on_delete=models.CASCADE, related_name="matches")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="request_matches")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)
    notified_at = models.DateTimeField(_("consortium notified"), null=True, blank=True)

    class Meta:
        ordering = ["confirmed_at", "id"]
        verbose_name = _("matched package")
        verbose_name_plural = _("matched packages")
        constraints = [models.UniqueConstraint(fields=["request", "package"], name="buyer_requests_match_uniq")]

    def __str__(self) -> str:
        return f"{self.request.reference} → {self.package.title}"
