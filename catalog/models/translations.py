"""Package content in other languages than English: a consortium's own versions of a package's title, summary and
description (``PackageTranslation``) and of its components' names and descriptions (``ComponentTranslation``).

English is the package's own fields; a translation is optional and per language. The public pages show the
buyer's language when a version exists and say "available in English only" otherwise (``catalog.translations``).
Written through ``catalog.services.translations`` (audited); kept in the search vector and the public cache by the
signal handlers in ``catalog.models.search``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiexports.typed import StrOrPromise

from .packages import Component, Package

SOURCE_LANGUAGE = "en"


def content_language_choices() -> list[tuple[str, StrOrPromise]]:
    """The site's languages a package can be translated into (every language but English, the source)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


class PackageTranslation(models.Model):
    """A package's title, summary and description in one language other than English."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=content_language_choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["package", "language"]
        verbose_name = _("package translation")
        verbose_name_plural = _("package translations")
        constraints = [
            models.UniqueConstraint(fields=["package", "language"], name="catalog_package_translation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class ComponentTranslation(models.Model):
    """A component's name and description in one language other than English (blank: the English is shown)."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=content_language_choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)

    class Meta:
        ordering = ["component", "language"]
        verbose_name = _("component translation")
        verbose_name_plural = _("component translations")
        constraints = [
            models.UniqueConstraint(fields=["component", "language"], name="catalog_component_translation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.component_id} [{self.language}]"
