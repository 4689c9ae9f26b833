"""Revisions of published packages: the diff a reviewer sees, and the merge that approval performs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.choices import PackageStatus
from catalog.models import Component, Package

from .packages import COMPONENT_FIELDS, PACKAGE_FIELDS, PACKAGE_M2M, component_values, package_snapshot
from .translations import translations_copy

DIFF_COMPONENT_FIELDS = ("layer", *COMPONENT_FIELDS)


@dataclass
class RevisionDiff:
    """What a revision changes: package fields, and components added, removed and changed."""

    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    added: list[Component] = field(default_factory=list)
    removed: list[Component] = field(default_factory=list)
    changed: list[tuple[Component, list[tuple[str, Any, Any]]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed)


def _label(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _component_display(component: Component, name: str) -> Any:
    if name == "supplier":
        return str(component.supplier) if component.supplier_id else ""
    if name in ("layer", "category"):
        return getattr(component, f"get_{name}_display")()
    return getattr(component, name)


def revision_diff(revision: Package) -> RevisionDiff:
    """Field-by-field differences of ``revision`` against the published package it revises."""
    diff = RevisionDiff()
    original = revision.revision_of
    if original is None:
        return diff
    before, after = package_snapshot(original), package_snapshot(revision)
    for name in (*PACKAGE_FIELDS, *PACKAGE_M2M):
        if before.get(name) != after.get(name):
            diff.fields.append((_label(Package, name), before.get(name), after.get(name)))
    originals = {c.pk: c for c in original.components.select_related("supplier")}
    seen: set[int] = set()
    for comp in revision.components.select_related("supplier"):
        source = originals.get(comp.revision_source_id) if comp.revision_source_id else None
        if source is None:
            diff.added.append(comp)
            continue
        seen.add(source.pk)
        changes = [
            (_label(Component, name), _component_display(source, name), _component_display(comp, name))
            for name in DIFF_COMPONENT_FIELDS
            if _component_display(source, name) != _component_display(comp, name)
        ]
        if changes:
            diff.changed.append((comp, changes))
    diff.removed = [c for pk, c in originals.items() if pk not in seen]
    return diff


def revision_merge(*, revision: Package) -> Package:
    """Copy an approved revision onto its published package (slug and URL stay) and close the revision.

    Components copied from the published package are updated in place, so their ids stay stable;
    components the revision added are created, and those it dropped are deleted. Call inside the
    publishing transaction, which holds the locks and writes the audit row.
    """
    original = Package.objects.select_for_update().get(pk=revision.revision_of_id or 0)
    for name in PACKAGE_FIELDS:
        setattr(original, name, getattr(revision, name))
    original.save()
    for name in PACKAGE_M2M:
        getattr(original, name).set(getattr(revision, name).all())
    originals = {c.pk: c for c in original.components.all()}
    kept: set[int] = set()
    counterparts: dict[int, int] = {}  # revision component -> published component (for the language versions)
    for comp in revision.components.all():
        values = component_values(comp)
        target = originals.get(comp.revision_source_id) if comp.revision_source_id else None
        if target is None:
            counterparts[comp.pk] = Component.objects.create(package=original, **values).pk
            continue
        kept.add(target.pk)
        counterparts[comp.pk] = target.pk
        for key, value in values.items():
            setattr(target, key, value)
        target.save()
    original.components.exclude(pk__in=kept).filter(pk__in=list(originals)).delete()
    translations_copy(source=revision, target=original, component_map=counterparts)
    revision.status = PackageStatus.MERGED
    revision.save(update_fields=["status", "updated_at"])
    return original
