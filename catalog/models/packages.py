"""Packages and their components. The eligibility engine reads the export-control fields on ``Component``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiexports.typed import StrOrPromise
from catalog.choices import CATEGORY_LAYER, Category, Layer, PackageStatus

from .organizations import Consortium, Organization
from .reference import Country, Region, Sector

# An Export Control Classification Number such as 3A090.a, 4A090, 5A992.c, 4E091, 3A001.b.4.a or EAR99.
ECCN_RE = r"^(EAR99|[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*)$"
eccn_validator = RegexValidator(
    ECCN_RE,
    _("Enter an ECCN such as 3A090.a, 4A090, 5A992.c or 4E091, or EAR99."),
    code="invalid_eccn",
)


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
    # Workflow (catalog/services/): a revision is a draft copy of a published package; approving it copies
    # it back onto the published package (whose slug stays) and closes it as "merged".
    revision_of = models.ForeignKey(
        "self",
        verbose_name=_("revision of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("last review decision"), null=True, blank=True)

    # Derived data for the public catalog's full-text search (PostgreSQL only; stays NULL on SQLite).
    # Kept fresh by ``catalog.services.search``; the GIN index is created by migration 0003_search on
    # PostgreSQL only, so it is not declared in Meta.indexes.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    # Not columns: attached to instances by ``catalog.selectors`` for the public pages.
    sector_codes: list[str]
    sector_labels: list[str]
    target_region_codes: list[str]
    target_country_codes: list[str]
    target_markets: list[str]
    layer_counts: list[tuple[str, int]]
    layers: list[tuple[str, StrOrPromise, list[Component]]]
    federal_support_labels: list[StrOrPromise]
    # Not columns either: set by ``catalog.translations.localize_packages`` (the language each field is shown in).
    lang: dict[str, str]
    content_language: str
    english_only: bool

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
    dram_bandwidth = models.FloatField(
        _("total DRAM bandwidth (GB/s) per unit"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # Not stated (None): the eligibility engine treats the chip as designed for data centers (fails closed).
    designed_for_data_centers = models.BooleanField(_("designed or marketed for data centers"), null=True, blank=True)
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
    # In a revision, the published package's component this one was copied from (None when added).
    revision_source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

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
