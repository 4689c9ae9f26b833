"""Catalog models: reference countries and regions, organizations, consortia, packages and components.

The eligibility engine (``catalog.eligibility``) reads packages and components; the export-control
fields on ``Component`` exist for it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import (
    CATEGORY_LAYER,
    Category,
    ConsortiumRole,
    Layer,
    OrganizationRole,
    PackageStatus,
    SectorChoice,
)

# An Export Control Classification Number such as 3A090.a, 4A090, 5A992.c, 4E091, 3A001.b.4.a or EAR99.
ECCN_RE = r"^(EAR99|[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*)$"
eccn_validator = RegexValidator(
    ECCN_RE,
    _("Enter an ECCN such as 3A090.a, 4A090, 5A992.c or 4E091, or EAR99."),
    code="invalid_eccn",
)


class Country(models.Model):
    """An ISO 3166-1 country, keyed by its alpha-2 code. Reference data loaded by a data migration."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> str:
        from django_countries import countries

        return str(countries.name(self.code)) or self.name


class Region(models.Model):
    """A regional bloc a package may target (for example the Gulf Cooperation Council)."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    countries = models.ManyToManyField(Country, related_name="regions", verbose_name=_("countries"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """A sector or use case a package serves; its label is the translatable ``SectorChoice`` label."""

    code = models.CharField(_("code"), max_length=40, primary_key=True, choices=SectorChoice.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return str(self.get_code_display())


class Organization(models.Model):
    """A company or institution. People belong to it through ``OrganizationMembership``."""

    name = models.CharField(_("legal name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country of headquarters"), on_delete=models.PROTECT, related_name="+"
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    foreign_controlled = models.BooleanField(
        _("owned or controlled from another country"),
        default=False,
        help_text=_("Tick if a person or entity in another country owns or controls this organization."),
    )
    controlling_country = models.ForeignKey(
        Country,
        verbose_name=_("controlling country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified = models.BooleanField(_("verified by staff"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganizationMembership", related_name="organizations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class OrganizationMembership(models.Model):
    """A user's membership of an organization, as admin (manages members) or editor."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=OrganizationRole.choices, default=OrganizationRole.EDITOR)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization membership")
        verbose_name_plural = _("organization memberships")
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="uniq_org_member")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.role})"


class Consortium(models.Model):
    """An industry consortium: an anchor (lead) organization and member organizations."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    website = models.URLField(_("website"), blank=True)
    anchor = models.ForeignKey(
        Organization, verbose_name=_("anchor member"), on_delete=models.PROTECT, related_name="anchored_consortia"
    )
    organizations = models.ManyToManyField(Organization, through="ConsortiumMember", related_name="consortia")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")

    def __str__(self) -> str:
        return self.name


class ConsortiumMember(models.Model):
    """An organization's membership of a consortium: its role and the layers it contributes."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="consortium_memberships")
    role = models.CharField(_("role"), max_length=20, choices=ConsortiumRole.choices, default=ConsortiumRole.TECHNOLOGY)
    layers = models.JSONField(_("layers contributed"), default=list, blank=True)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        constraints = [models.UniqueConstraint(fields=["consortium", "organization"], name="uniq_consortium_member")]

    def __str__(self) -> str:
        return f"{self.organization} in {self.consortium}"


class Package(models.Model):
    """A full-stack AI export package proposed by a consortium, reviewed by staff, published to buyers."""

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="packages")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="packages", verbose_name=_("sectors"))
    target_countries = models.ManyToManyField(
        Country, blank=True, related_name="targeting_packages", verbose_name=_("target countries")
    )
    target_regions = models.ManyToManyField(
        Region, blank=True, related_name="targeting_packages", verbose_name=_("target regional blocs")
    )
    builder = models.CharField(_("who builds the infrastructure"), max_length=500, blank=True)
    owner = models.CharField(_("who owns the infrastructure"), max_length=500, blank=True)
    operator = models.CharField(_("who operates the infrastructure"), max_length=500, blank=True)
    business_model = models.TextField(_("business and operating model"), blank=True, max_length=10000)
    federal_support = models.JSONField(_("federal support requested"), default=list, blank=True)
    federal_support_details = models.TextField(_("details of the support requested"), blank=True, max_length=5000)
    us_content_statement = models.TextField(_("U.S.-content statement"), blank=True, max_length=5000)

    status = models.CharField(
        _("status"), max_length=20, choices=PackageStatus.choices, default=PackageStatus.DRAFT, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="packages_to_review",
    )
    reviewer_feedback = models.TextField(_("feedback to the submitter"), blank=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")

    def __str__(self) -> str:
        return self.title


class Component(models.Model):
    """One item of a package, in one layer, with the export-control facts the eligibility engine reads."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="components")
    layer = models.CharField(_("layer"), max_length=20, choices=Layer.choices, db_index=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    supplier = models.ForeignKey(
        Organization,
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supplied_components",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MaxValueValidator(10_000_000)])
    position = models.PositiveIntegerField(_("position"), default=0)

    eccn = models.CharField(
        _("ECCN"),
        max_length=30,
        blank=True,
        validators=[eccn_validator],
        help_text=_("Export Control Classification Number, for example 3A090.a, 5A992.c or EAR99."),
    )
    tpp = models.FloatField(
        _("total processing performance (TPP) per unit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    performance_density = models.FloatField(
        _("performance density (TPP per mm²)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    unit_value_usd = models.DecimalField(
        _("value per unit (USD)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    us_origin_share = models.DecimalField(
        _("U.S.-origin share of value (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    training_operations = models.FloatField(
        _("training compute (operations)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    weights_published = models.BooleanField(_("model weights are published"), null=True, blank=True)
    specs = models.JSONField(_("specifications"), default=dict, blank=True)

    class Meta:
        ordering = ["package", "layer", "position", "id"]
        verbose_name = _("component")
        verbose_name_plural = _("components")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.category and self.layer and CATEGORY_LAYER.get(self.category) != self.layer:
            raise ValidationError({"category": _("This category does not belong to the chosen layer.")})
