"""Package services for submitters: drafting, components, submit, withdraw, reopen and revise.

Only consortium managers (admins of the anchor organization) write. A package can be edited while it is a
draft or has changes requested; published packages change only through a revision (``package_revise``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.accounts.services import require_confirmed_email
from aiexports.audit.services import audit_record, field_changes
from aiexports.errors import DomainError, InvalidTransition, NotAllowed
from catalog import workflow
from catalog.choices import PackageStatus
from catalog.component_rules import component_rule_errors, normalize_eccn
from catalog.errors import PackageIncomplete
from catalog.models import Component, Consortium, Country, Package, Region, Sector
from catalog.readiness import package_missing
from catalog.workflow import Action
from eligibility.services import eligibility_check_request

from ._common import lock_package, notify_status_change, require_manager, unique_slug

PACKAGE_FIELDS = (
    "title",
    "summary",
    "description",
    "builder",
    "owner",
    "operator",
    "business_model",
    "federal_support",
    "federal_support_details",
    "us_content_statement",
)
PACKAGE_M2M = {"sectors": Sector, "target_countries": Country, "target_regions": Region}
COMPONENT_FIELDS = (
    "category",
    "supplier",
    "name",
    "description",
    "quantity",
    "position",
    "eccn",
    "tpp",
    "performance_density",
    "dram_bandwidth",
    "designed_for_data_centers",
    "unit_value_usd",
    "us_origin_share",
    "training_operations",
    "weights_published",
    "specs",
)
EDITABLE_STATUSES = workflow.statuses_for(Action.EDIT)  # from the transition table (catalog.workflow)


def package_snapshot(package: Package) -> dict[str, Any]:
    """The package's content as plain values (m2m as sorted keys), for audit diffs and revision diffs."""
    data: dict[str, Any] = {name: getattr(package, name) for name in PACKAGE_FIELDS}
    if package.pk:
        for name in PACKAGE_M2M:
            data[name] = sorted(str(pk) for pk in getattr(package, name).values_list("pk", flat=True))
    return data


def component_values(component: Component) -> dict[str, Any]:
    """The component's content as model keyword arguments (supplier by id), for copies and diffs."""
    values = {name: getattr(component, name) for name in COMPONENT_FIELDS if name != "supplier"}
    values["supplier_id"] = component.supplier_id
    values["layer"] = component.layer
    return values


def component_snapshot(component: Component) -> dict[str, Any]:
    """The component's editable fields as plain values (supplier by id), for audit diffs."""
    data = {name: getattr(component, name) for name in COMPONENT_FIELDS if name != "supplier"}
    data["supplier"] = component.supplier_id
    return data


def require_editable(package: Package) -> None:
    if package.status == PackageStatus.PUBLISHED:
        raise NotAllowed(
            _("A published package is read-only: start a revision to change it."), code="published_read_only"
        )
    workflow.require(
        package, Action.EDIT, _("This package cannot be edited while it is “%(status)s”."), code="not_editable"
    )


def _apply_package_fields(package: Package, fields: dict[str, Any]) -> dict[str, Iterable[Any]]:
    unknown = set(fields) - set(PACKAGE_FIELDS) - set(PACKAGE_M2M)
    if unknown:
        raise DomainError(_("These fields cannot be set: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    m2m = {name: fields.pop(name) for name in list(fields) if name in PACKAGE_M2M}
    for key, value in fields.items():
        setattr(package, key, value)
    if "title" in fields and not str(package.title).strip():
        raise ValidationError({"title": _("Give the package a title.")})
    package.full_clean(exclude=["slug", "consortium", "status", "revision_of"])
    return m2m


def _set_m2m(package: Package, m2m: dict[str, Iterable[Any]]) -> None:
    for name, values in m2m.items():
        getattr(package, name).set(list(values))


@transaction.atomic
def package_create(*, actor: User, consortium: Consortium, title: str, **fields: Any) -> Package:
    """Start a draft package for ``consortium`` (its managers only)."""
    require_manager(actor, consortium)
    package = Package(consortium=consortium, created_by=actor, status=PackageStatus.DRAFT)
    m2m = _apply_package_fields(package, {"title": title, **fields})
    package.slug = unique_slug(Package, title)
    package.save()
    _set_m2m(package, m2m)
    audit_record(
        actor=actor, action="package.create", target=package, changes=field_changes({}, package_snapshot(package))
    )
    return package


@transaction.atomic
def package_update(*, actor: User, package: Package, **fields: Any) -> Package:
    """Change a draft's fields (and its sectors and target markets); records the before/after values."""
    require_manager(actor, package.consortium)
    package = lock_package(package)
    require_editable(package)
    before = package_snapshot(package)
    m2m = _apply_package_fields(package, dict(fields))
    package.save()
    _set_m2m(package, m2m)
    changes = field_changes(before, package_snapshot(package))
    if changes:
        audit_record(actor=actor, action="package.update", target=package, changes=changes)
    return package


def _validate_component(
    component: Component, package: Package, *, check_supplier: bool = True, changed: Iterable[str] | None = None
) -> None:
    """Every rule on a component (``catalog.component_rules``, the supplier's membership, the model's own
    validation), raised together as one ``ValidationError`` keyed by field. ``changed``: see the rules."""
    component.eccn = normalize_eccn(component.eccn)
    errors = component_rule_errors(component, changed=None if changed is None else set(changed))
    # Only an accepted member can be named; a supplier that left since stays until it is changed (the
    # readiness check then asks for a new one), so editing another field of the component is not refused.
    if (
        check_supplier
        and component.supplier_id
        and not package.consortium.members.accepted().filter(organization_id=component.supplier_id).exists()
    ):
        errors["supplier"] = [_("The supplier must be a member organization of the consortium.")]
    try:
        component.full_clean(exclude=["package", "revision_source"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            if key in errors and key != "supplier":  # the rule's own message says it already (no twin)
                continue
            errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def component_add(*, actor: User, package: Package, layer: str, category: str, name: str, **fields: Any) -> Component:
    """Add a component to an editable package; the category must belong to ``layer``."""
    require_manager(actor, package.consortium)
    require_editable(package)
    unknown = set(fields) - set(COMPONENT_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    component = Component(package=package, layer=layer, category=category, name=name, **fields)
    if "position" not in fields:
        component.position = package.components.filter(layer=layer).count()
    _validate_component(component, package)
    component.save()
    audit_record(
        actor=actor,
        action="component.add",
        target=package,
        changes={"component": name, "layer": layer, **field_changes({}, component_snapshot(component))},
        message=f"component {component.pk}",
    )
    return component


@transaction.atomic
def component_update(*, actor: User, component: Component, **fields: Any) -> Component:
    """Change a component of an editable package; records the before/after value of every field that changed.

    The row is re-read under a lock: the caller's instance may already carry the new values (a ModelForm
    copies them onto its instance while validating), and a "before" taken from it would see no change.
    """
    unknown = set(fields) - set(COMPONENT_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    package = lock_package(Package(pk=component.package_id))
    require_manager(actor, package.consortium)
    require_editable(package)
    component = Component.objects.select_for_update().get(pk=component.pk, package=package)
    before = component_snapshot(component)
    old_supplier_id = component.supplier_id  # re-read under the lock: the stored supplier
    for key, value in fields.items():
        setattr(component, key, value)
    _validate_component(
        component, package, check_supplier=component.supplier_id != old_supplier_id, changed=fields.keys()
    )
    component.save()
    changes = field_changes(before, component_snapshot(component))
    if changes:
        audit_record(
            actor=actor,
            action="component.update",
            target=package,
            changes={"component": component.name, **changes},
            message=f"component {component.pk}",
        )
    return component


@transaction.atomic
def component_remove(*, actor: User, component: Component) -> None:
    package = component.package
    require_manager(actor, package.consortium)
    require_editable(package)
    component = Component.objects.select_for_update().get(pk=component.pk)
    audit_record(
        actor=actor,
        action="component.remove",
        target=package,
        changes={
            "component": component.name,
            "layer": component.layer,
            **field_changes(component_snapshot(component), {}),
        },
        message=f"component {component.pk}",
    )
    component.delete()


@transaction.atomic
def package_submit(*, actor: User, package: Package) -> Package:
    """Send a complete draft (or a package with changes requested) to review and request an eligibility check."""
    require_manager(actor, package.consortium)
    require_confirmed_email(actor)
    package = lock_package(package)
    new_status = workflow.require(
        package,
        Action.SUBMIT,
        _("Only a draft or a package with changes requested can be submitted; this one is “%(status)s”."),
    )
    missing = package_missing(package)
    if missing:
        raise PackageIncomplete(
            _("The package is not complete: %(items)s") % {"items": " ".join(str(m.message) for m in missing)},
            missing=[m.as_dict() for m in missing],
        )
    old = package.status
    package.status = new_status
    package.submitted_at = timezone.now()
    package.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="package.resubmit" if old == PackageStatus.CHANGES_REQUESTED else "package.submit",
        target=package,
        changes={"status": {"before": old, "after": package.status}},
    )
    eligibility_check_request(package_id=package.pk, actor=actor)
    notify_status_change(package)
    return package


@transaction.atomic
def package_withdraw(*, actor: User, package: Package) -> Package:
    """The submitter takes a package out of review (submitted, in review or with changes requested)."""
    require_manager(actor, package.consortium)
    package = lock_package(package)
    new_status = workflow.require(package, Action.WITHDRAW, _("A package that is “%(status)s” cannot be withdrawn."))
    old = package.status
    package.status = new_status
    package.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="package.withdraw",
        target=package,
        changes={"status": {"before": old, "after": new_status}},
    )
    notify_status_change(package)
    return package


@transaction.atomic
def package_reopen(*, actor: User, package: Package) -> Package:
    """Turn a withdrawn package back into a draft."""
    require_manager(actor, package.consortium)
    package = lock_package(package)
    new_status = workflow.require(package, Action.REOPEN, _("Only a withdrawn package can be reopened as a draft."))
    if package.revision_of is not None and open_revision(package.revision_of) is not None:
        raise InvalidTransition(_("Another revision of this package is already in progress."), code="revision_open")
    old = package.status
    package.status = new_status
    package.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="package.reopen",
        target=package,
        changes={"status": {"before": old, "after": new_status}},
    )
    notify_status_change(package)
    return package


def open_revision(package: Package) -> Package | None:
    """The revision of a published package still in progress, if any (at most one at a time)."""
    closed = [PackageStatus.MERGED, PackageStatus.REJECTED, PackageStatus.WITHDRAWN]
    return package.revisions.exclude(status__in=closed).first()


@transaction.atomic
def package_revise(*, actor: User, package: Package) -> Package:
    """Start a revision of a published package: a draft copy of its fields and components.

    The public keeps seeing the published package until staff approve the revision (``package_publish``).
    """
    require_manager(actor, package.consortium)
    package = lock_package(package)
    if package.revision_of_id or not workflow.can(Action.REVISE, package.status):
        raise InvalidTransition(_("Only a published package can be revised."))
    existing = open_revision(package)
    if existing is not None:
        raise InvalidTransition(
            _("A revision of this package is already in progress."), code="revision_open", revision=existing.slug
        )
    revision = Package(
        consortium=package.consortium,
        created_by=actor,
        status=PackageStatus.DRAFT,
        revision_of=package,
        slug=unique_slug(Package, f"{package.slug}-revision"),
        **{name: getattr(package, name) for name in PACKAGE_FIELDS},
    )
    revision.save()
    for name in PACKAGE_M2M:
        getattr(revision, name).set(getattr(package, name).all())
    Component.objects.bulk_create(
        [Component(package=revision, revision_source=c, **component_values(c)) for c in package.components.all()]
    )
    from .translations import translations_copy  # the language versions travel with the revision

    copies = dict(revision.components.values_list("revision_source_id", "pk"))
    translations_copy(source=package, target=revision, component_map=copies)
    audit_record(actor=actor, action="package.revise", target=package, changes={"revision": revision.slug})
    return revision
