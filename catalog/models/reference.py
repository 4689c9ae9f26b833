"""Reference data: countries, regional blocs and sectors."""

from __future__ import annotations

import functools

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.choices import SectorChoice


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
        return localized_country_name(self.code) or self.name


def localized_country_name(code: str) -> str:
    """The country's name in the active language ("" for an unknown code): a list page shows dozens of them and
    django-countries translates a name on every call."""
    return _localized_country_name(code, get_language() or "")


@functools.lru_cache(maxsize=4096)
def _localized_country_name(code: str, language: str) -> str:
    from django_countries import countries

    return str(countries.name(code))


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
