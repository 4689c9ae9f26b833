"""Writes of a package's content in other languages (``catalog.models.translations``): save or remove a language
version, audited with its before/after, and the copies a revision makes and its approval merges back.

A version is content the reviewers see with the package, so it follows the package's editing rules: it is written
while the package is a draft or has changes requested; a published package's versions change through a revision
(``package_revise`` copies them, approving the revision copies them back). The public catalog's cache and the
search vector follow through the signal handlers in ``catalog.models.search``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record, field_changes
from catalog.models import ComponentTranslation, Package, PackageTranslation
from catalog.models.translations import content_language_choices

from ._common import lock_package, require_manager
from .packages import require_editable

TEXT_FIELDS = ("title", "summary", "description")


def clean_language(language: Any) -> str:
    """The language code of a version, or a ValidationError naming the languages a version may be in."""
    choices = dict(content_language_choices())
    code = str(language or "").strip().lower()
    if code not in choices:
        names = ", ".join(f"{name} ({c})" for c, name in choices.items())
        if not code:
            message = _("Choose the language of this version: %(languages)s.") % {"languages": names}
        else:
            message = _("“%(code)s” is not a language a package can be given in. Choose one of: %(languages)s.") % {
                "code": str(language)[:20],
                "languages": names,
            }
        raise ValidationError({"language": [message]}, code="invalid_language")
    return code


def _snapshot(package: Package, language: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    translation = PackageTranslation.objects.filter(package=package, language=language).first()
    if translation is not None:
        data.update({name: getattr(translation, name) for name in TEXT_FIELDS})
    rows = ComponentTranslation.objects.filter(component__package=package, language=language)
    for row in rows.order_by("component_id"):
        data[f"component {row.component_id} name"] = row.name
        data[f"component {row.component_id} description"] = row.description
    return data


def _save_components(package: Package, language: str, components: Mapping[Any, Mapping[str, Any]]) -> None:
    own = set(package.components.values_list("pk", flat=True))
    for raw_id, values in components.items():
        try:
            component_id = int(raw_id)
        except (TypeError, ValueError):
            component_id = None
        if component_id not in own:
            raise ValidationError(
                {"components": [_("Component %(id)s is not part of this package.") % {"id": str(raw_id)[:20]}]}
            )
        name = str(values.get("name") or "").strip()
        description = str(values.get("description") or "").strip()
        if not name and not description:  # nothing given: the English is shown
            ComponentTranslation.objects.filter(component_id=component_id, language=language).delete()
            continue
        row = ComponentTranslation.objects.filter(component_id=component_id, language=language).first()
        row = row or ComponentTranslation(component_id=component_id, language=language)
        row.name, row.description = name, description
        row.full_clean(exclude=["component"], validate_unique=False)
        row.save()


@transaction.atomic
def package_translation_save(
    *,
    actor: User,
    package: Package,
    language: Any,
    title: str,
    summary: str = "",
    description: str = "",
    components: Mapping[Any, Mapping[str, Any]] | None = None,
) -> PackageTranslation:
    """Add or change the ``language`` version of an editable package (its managers only): title (required),
    summary, description, and ``components``: ``{component id: {"name": ..., "description": ...}}`` (both blank
    removes that component's version). Records the before/after of every field that changed."""
    require_manager(actor, package.consortium)
    package = lock_package(package)
    require_editable(package)
    language = clean_language(language)
    if not str(title or "").strip():
        raise ValidationError({"title": [_("Give the title in this language.")]})
    before = _snapshot(package, language)
    translation = PackageTranslation.objects.filter(package=package, language=language).first()
    translation = translation or PackageTranslation(package=package, language=language)
    translation.title, translation.summary = str(title).strip(), str(summary or "").strip()
    translation.description = str(description or "").strip()
    translation.full_clean(exclude=["package"], validate_unique=False)
    translation.save()
    _save_components(package, language, components or {})
    changes = field_changes(before, _snapshot(package, language))
    if changes:
        audit_record(
            actor=actor,
            action="package.translation_save",
            target=package,
            changes={"language": language, **changes},
            message=f"language {language}",
        )
    return translation


@transaction.atomic
def package_translation_remove(*, actor: User, package: Package, language: Any) -> None:
    """Remove the ``language`` version of an editable package, and its components' versions in that language."""
    require_manager(actor, package.consortium)
    package = lock_package(package)
    require_editable(package)
    language = clean_language(language)
    before = _snapshot(package, language)
    if not before:
        raise ValidationError({"language": [_("This package has no version in that language.")]})
    PackageTranslation.objects.filter(package=package, language=language).delete()
    ComponentTranslation.objects.filter(component__package=package, language=language).delete()
    audit_record(
        actor=actor,
        action="package.translation_remove",
        target=package,
        changes={"language": language, **field_changes(before, {})},
        message=f"language {language}",
    )


def translations_copy(*, source: Package, target: Package, component_map: Mapping[int, int]) -> None:
    """Make ``target``'s versions those of ``source`` (a revision opened or merged back): called inside
    ``package_revise`` and the publishing of a revision, whose audit rows record the step.
    ``component_map`` maps each of ``source``'s component ids to its counterpart in ``target``."""
    PackageTranslation.objects.filter(package=target).delete()
    ComponentTranslation.objects.filter(component__package=target).delete()
    PackageTranslation.objects.bulk_create(
        PackageTranslation(package=target, language=t.language, **{name: getattr(t, name) for name in TEXT_FIELDS})
        for t in PackageTranslation.objects.filter(package=source)
    )
    ComponentTranslation.objects.bulk_create(
        ComponentTranslation(
            component_id=component_map[t.component_id], language=t.language, name=t.name, description=t.description
        )
        for t in ComponentTranslation.objects.filter(component__package=source)
        if t.component_id in component_map
    )
