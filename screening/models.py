"""Models of restricted-party screening (app label ``screening``; tables named ``eligibility_…`` as before)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import BLOCKING_STATUSES, EntryType, HitStatus, ListFormat, SubjectKind

__all__ = ["OrganizationScreening", "ScreeningEntry", "ScreeningHit", "ScreeningListImport", "ScreeningName"]


class ScreeningListImport(models.Model):
    """One import of the Consolidated Screening List file. The latest import is the current list."""

    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=ListFormat.choices)
    list_date = models.DateField(_("list date"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    row_count = models.PositiveIntegerField(_("entries"))
    added_count = models.PositiveIntegerField(_("added"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    removed_count = models.PositiveIntegerField(_("removed"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)

    class Meta:
        db_table = "eligibility_screeninglistimport"  # the table it had in the eligibility app
        ordering = ["-imported_at", "-id"]
        verbose_name = _("screening list import")
        verbose_name_plural = _("screening list imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.list_date:%Y-%m-%d}, {self.row_count})"


class ScreeningEntry(models.Model):
    """A restricted party of the current list: one CSL row, with the columns that matter kept as fields.

    ``key`` is the CSL ``_id``; ``fingerprint`` is a hash of the row's content, so a staff clearance of a hit
    holds only while the entry it was made against is unchanged.
    """

    key = models.CharField(_("list id"), max_length=100, unique=True)
    list_import = models.ForeignKey(
        ScreeningListImport, verbose_name=_("import"), on_delete=models.PROTECT, related_name="entries"
    )
    source = models.CharField(_("source list"), max_length=255, db_index=True)
    entity_number = models.CharField(_("entity number"), max_length=100, blank=True)
    entry_type = models.CharField(_("type"), max_length=20, choices=EntryType.choices, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=500)
    alt_names = models.JSONField(_("alternate names"), default=list, blank=True)
    addresses = models.JSONField(_("addresses"), default=list, blank=True)
    countries = models.JSONField(
        _("countries"), default=list, blank=True, help_text=_("ISO codes read from addresses and nationalities.")
    )
    programs = models.JSONField(_("programs"), default=list, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    source_list_url = models.CharField(_("source list URL"), max_length=500, blank=True)
    raw = models.JSONField(_("all columns as imported"), default=dict, blank=True)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)

    class Meta:
        db_table = "eligibility_screeningentry"  # the table it had in the eligibility app
        ordering = ["name"]
        verbose_name = _("screening list entry")
        verbose_name_plural = _("screening list entries")

    def __str__(self) -> str:
        return self.name

    def is_expired(self, today: date | None = None) -> bool:
        """An entry whose ``end_date`` has passed no longer restricts anyone: it is not matched any more."""
        return self.end_date is not None and self.end_date < (today or timezone.localdate())


class ScreeningName(models.Model):
    """One name of an entry (its name or an alternate name) with its normalized form, the unit of matching.

    On PostgreSQL ``normalized`` carries a GIN trigram index (created by migration 0001_screening).
    """

    entry = models.ForeignKey(ScreeningEntry, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=500)
    normalized = models.CharField(_("normalized name"), max_length=500)
    is_alias = models.BooleanField(_("alternate name"), default=False)

    class Meta:
        db_table = "eligibility_screeningname"  # the table it had in the eligibility app
        verbose_name = _("screening name")
        verbose_name_plural = _("screening names")

    def __str__(self) -> str:
        return self.name


class ScreeningHit(models.Model):
    """A possible match of an organization with a list entry, and the staff decision about it.

    The entry's key, list, name and fingerprint are copied so a hit stays readable (and a clearance stays
    tied to the exact entry content) even after the entry leaves the list.
    """

    organization = models.ForeignKey(
        "catalog.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="screening_hits"
    )
    entry = models.ForeignKey(
        ScreeningEntry,
        verbose_name=_("list entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hits",
    )
    entry_key = models.CharField(_("list id"), max_length=100)
    entry_fingerprint = models.CharField(_("entry fingerprint"), max_length=64)
    source_list = models.CharField(_("list"), max_length=255, db_index=True)
    entry_name = models.CharField(_("listed name"), max_length=500)
    screened_name = models.CharField(_("organization name screened"), max_length=200)
    screened_subject = models.CharField(
        _("who was screened"), max_length=20, choices=SubjectKind.choices, default=SubjectKind.ORGANIZATION
    )
    matched_name = models.CharField(_("matched name or alias"), max_length=500)
    matched_alias = models.BooleanField(_("matched an alternate name"), default=False)
    score = models.FloatField(_("score"))
    name_scores = models.JSONField(
        _("score of each listed name"),
        default=list,
        blank=True,
        help_text=_("Every name and alternate name of the entry with its score against the name screened."),
    )
    evidence = models.JSONField(
        _("supporting evidence"),
        default=dict,
        blank=True,
        help_text=_("Countries and addresses of the entry that agree with what the portal holds on the organization."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=HitStatus.choices, default=HitStatus.OPEN, db_index=True
    )
    reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "eligibility_screeninghit"  # the table it had in the eligibility app
        ordering = ["-created_at", "-id"]
        verbose_name = _("screening hit")
        verbose_name_plural = _("screening hits")
        constraints = [models.UniqueConstraint(fields=["organization", "entry_key"], name="uniq_screening_hit")]

    def __str__(self) -> str:
        return f"{self.screened_name} ~ {self.entry_name} ({self.score:.2f}, {self.status})"

    @property
    def blocks_publication(self) -> bool:
        return self.status in BLOCKING_STATUSES


class OrganizationScreening(models.Model):
    """When an organization was last screened, against which import and under which name.

    Publication is held while a consortium member has not been screened against the current list (a new
    member, a renamed one, or a re-screen still running after an import).
    """

    organization = models.OneToOneField(
        "catalog.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="screening"
    )
    list_import = models.ForeignKey(
        ScreeningListImport,
        verbose_name=_("list screened against"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screened_name = models.CharField(_("name screened"), max_length=200)
    screened_at = models.DateTimeField(_("screened"))
    threshold = models.FloatField(_("threshold"))
    hit_count = models.PositiveIntegerField(_("matches"), default=0)

    class Meta:
        db_table = "eligibility_organizationscreening"  # the table it had in the eligibility app
        verbose_name = _("organization screening")
        verbose_name_plural = _("organization screenings")

    def __str__(self) -> str:
        return f"{self.screened_name} @ {self.screened_at:%Y-%m-%d %H:%M}"
