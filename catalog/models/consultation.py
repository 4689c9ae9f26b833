"""The interagency consultation behind a designation: the offices Commerce consults and their answers.

A designation (publishing a package in the program) is a national-interest determination by Commerce after
consultation with other agencies (State, War, Energy, OSTP). Each consulted office answers through the members
of its staff group; the answers and their comments are internal and never shown to submitters or the public.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import ConsultationPosition

from .packages import Package


class ConsultedOffice(models.Model):
    """An office consulted before a designation; the members of ``group`` answer for it (and nobody else)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    group = models.ForeignKey(
        Group,
        verbose_name=_("staff group"),
        on_delete=models.PROTECT,
        related_name="consulted_offices",
        help_text=_("Only members of this group may answer for the office."),
    )
    active = models.BooleanField(_("consulted"), default=True, help_text=_("Untick to stop consulting this office."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("consulted office")
        verbose_name_plural = _("consulted offices")

    def __str__(self) -> str:
        return self.name


class ConsultationAnswer(models.Model):
    """One office's answer for one package: concurrence, objection (with its text) or no comment.

    An answer counts for the package's current submission only (given at or after ``submitted_at``); a
    resubmitted package needs the office's answer again. ``comment`` is internal.
    """

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="consultation_answers")
    office = models.ForeignKey(
        ConsultedOffice, verbose_name=_("office"), on_delete=models.PROTECT, related_name="answers"
    )
    position = models.CharField(_("answer"), max_length=20, choices=ConsultationPosition.choices)
    comment = models.TextField(_("internal comment"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        ordering = ["office__position", "office__name"]
        verbose_name = _("consultation answer")
        verbose_name_plural = _("consultation answers")
        constraints = [
            models.UniqueConstraint(fields=["package", "office"], name="uniq_consultation_answer"),
            models.CheckConstraint(
                condition=~models.Q(position="object") | ~models.Q(comment=""),
                name="consultation_objection_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} on {self.package_id}: {self.position}"
