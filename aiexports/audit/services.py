"""Writing the audit trail. Call ``audit_record`` inside the transaction of the change it describes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from aiexports.typed import Actor

from .models import AuditEvent

if TYPE_CHECKING:
    from aiexports.accounts.models import User


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value differs, as ``{field: {"before": old, "after": new}}``."""
    changed: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changed[key] = {"before": _jsonable(old), "after": _jsonable(new)}
    return changed


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` on ``instance``, for a before/after comparison."""
    return {name: getattr(instance, name) for name in fields}


def audit_record(
    *,
    actor: Actor = None,
    action: str,
    target: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    message: str = "",
    ip_address: str | None = None,
    actor_repr: str = "",
) -> AuditEvent:
    """Record one audit event. ``actor`` may be a user, an anonymous user or ``None`` (the system)."""
    # Only a signed-in user is stored (an authenticated actor is a ``User``); mypy cannot narrow on the flag.
    user = cast("User | None", actor if getattr(actor, "is_authenticated", False) else None)
    return AuditEvent.objects.create(
        actor=user,
        actor_repr=(actor_repr or (str(user) if user else "system"))[:255],
        action=action[:100],
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes=_jsonable(dict(changes or {})),
        message=message,
        ip_address=ip_address or None,
    )
