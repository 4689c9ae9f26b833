"""Showing a package in the buyer's language (reads only; the writes are ``catalog.services.translations``).

A package's own fields are English. When the active language has a version (``PackageTranslation``), its
non-blank fields replace the English ones on the instance about to be rendered, and ``package.lang`` says, field
by field, which language is shown — templates put it in a ``lang`` attribute, so screen readers switch voice and
the "English left behind" scan skips English text marked ``lang="en"``. ``package.english_only`` is true when the
buyer reads another language and the consortium gave none: the page then says "available in English only".
Public pages are cached per language (``catalog.cache``), so this runs once per catalog version and language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language

from catalog.models import Component, ComponentTranslation, Package, PackageTranslation
from catalog.models.translations import SOURCE_LANGUAGE, content_language_choices

PACKAGE_TEXT_FIELDS = ("title", "summary", "description")
COMPONENT_TEXT_FIELDS = ("name", "description")


def active_content_language() -> str:
    """The active language as a content language code (``en`` for English or anything unknown)."""
    code = (get_language() or SOURCE_LANGUAGE).split("-")[0].lower()
    return code if code in dict(content_language_choices()) else SOURCE_LANGUAGE


def _apply(obj: object, fields: Iterable[str], values: dict[str, str] | None, language: str) -> None:
    lang = {}
    for name in fields:
        value = (values or {}).get(name) or ""
        if value.strip():
            setattr(obj, name, value)
            lang[name] = language
        else:
            lang[name] = SOURCE_LANGUAGE
    obj.lang = lang  # type: ignore[attr-defined]


def localize_packages(packages: Iterable[Package], *, fields: Iterable[str] = ("title", "summary")) -> None:
    """Show these packages' ``fields`` in the active language where a version exists (one query for them all)."""
    packages = list(packages)
    fields = tuple(fields)
    language = active_content_language()
    found: dict[int, dict[str, str]] = {}
    if language != SOURCE_LANGUAGE and packages:
        rows = PackageTranslation.objects.filter(package_id__in=[p.pk for p in packages], language=language)
        found = {row["package_id"]: row for row in rows.values("package_id", *fields)}
    for package in packages:
        _apply(package, fields, found.get(package.pk), language)
        package.content_language = language if package.pk in found else SOURCE_LANGUAGE
        package.english_only = language != SOURCE_LANGUAGE and package.pk not in found


def localize_components(components: Iterable[Component]) -> None:
    """Show these components' names and descriptions in the active language where given (one query)."""
    components = list(components)
    language = active_content_language()
    found: dict[int, dict[str, str]] = {}
    if language != SOURCE_LANGUAGE and components:
        rows = ComponentTranslation.objects.filter(component_id__in=[c.pk for c in components], language=language)
        found = {row["component_id"]: row for row in rows.values("component_id", *COMPONENT_TEXT_FIELDS)}
    for component in components:
        _apply(component, COMPONENT_TEXT_FIELDS, found.get(component.pk), language)
