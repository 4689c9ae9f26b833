"""Staff edits made directly on an admin change page (no service of their own) still reach the audit log.

Django's admin change form copies the typed values onto ``obj`` while it validates, so the "before" is read from the
stored row, never from ``obj``. The admin already runs ``save_model``, ``save_related`` and ``delete_model`` inside
one transaction, so the audit row commits with the change or not at all.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import models
from django.http import HttpRequest

from aiexports.http import client_ip

from .services import audit_record, field_changes, snapshot


def _field_names(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not isinstance(f, models.DateTimeField | models.AutoField)
    ]


def _stored(obj: models.Model) -> dict[str, Any]:
    if obj.pk is None:
        return {}
    row = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(row, _field_names(type(obj))) if row is not None else {}


def _action(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.admin_{verb}"


_ModelT = TypeVar("_ModelT", bound=models.Model)


class AuditedAdminMixin(Generic[_ModelT]):
    """Mix into a ``ModelAdmin`` whose saves do not go through a service: each add, change and delete of the
    object and of its inline rows writes an audit event with the before/after of every field that changed."""

    def save_model(self, request: HttpRequest, obj: _ModelT, form: Any, change: bool) -> None:
        before = _stored(obj) if change else {}
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        changes = field_changes(before, snapshot(obj, _field_names(type(obj))))
        if changes:
            audit_record(
                actor=request.user,
                action=_action(obj, "change" if change else "add"),
                target=obj,
                changes=changes,
                ip_address=client_ip(request),
            )

    def delete_model(self, request: HttpRequest, obj: _ModelT) -> None:
        audit_record(
            actor=request.user,
            action=_action(obj, "delete"),
            target=obj,
            changes=field_changes(_stored(obj), {}),
            ip_address=client_ip(request),
        )
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_record(
                actor=request.user,
                action=_action(obj, "delete"),
                target=obj,
                changes=field_changes(_stored(obj), {}),
                ip_address=client_ip(request),
            )
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Keyed by the instance itself: a deleted row's pk is None once the formset has saved.
        befores = {id(f.instance): _stored(f.instance) for f in formset.initial_forms if f.instance.pk}
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        parent = form.instance
        rows: list[tuple[str, models.Model, dict[str, Any]]] = []
        for obj in formset.new_objects:
            rows.append(("add", obj, field_changes({}, snapshot(obj, _field_names(type(obj))))))
        for obj, _fields in formset.changed_objects:
            rows.append(
                ("change", obj, field_changes(befores.get(id(obj), {}), snapshot(obj, _field_names(type(obj)))))
            )
        for obj in formset.deleted_objects:
            rows.append(("delete", obj, field_changes(befores.get(id(obj), {}), {})))
        for verb, obj, changes in rows:
            if changes:
                audit_record(
                    actor=request.user,
                    action=_action(obj, verb),
                    target=parent,
                    changes={str(obj._meta.model_name): str(obj), **changes},
                    ip_address=client_ip(request),
                )
