"""Reference data: countries, regional blocs and sectors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import SectorChoice
from catalog.countries import country_name, region_name


class Country(models.Model):
    """An ISO 3166-1 country, keyed by its alpha-2 code. Reference data loaded by a data migration."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name  # stable for audit rows and logs; pages show ``localized_name``

    @property
    def localized_name(self) -> str:
        """The CLDR name in the active language (``catalog.countries``); ``name`` is the stored English one."""
        return country_name(self.code) or self.name


def localized_country_name(code: str) -> str:
    """The country's name in the active language ("" for an unknown code); see ``catalog.countries``."""
    return country_name(code)


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
        return self.name  # stable for audit rows and logs; pages show ``localized_name``

    @property
    def localized_name(self) -> str:
        """The bloc's name in the active language (``catalog.countries.REGION_NAMES``)."""
        return region_name(self.code, self.name)


class Sector(models.Model):
    """A sector or use case a package serves; its label is the translatable ``SectorChoice`` label."""

    code = models.CharField(_("code"), max_length=40, primary_key=True, choices=SectorChoice.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return str(self.get_code_display())
