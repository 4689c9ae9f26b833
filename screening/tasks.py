"""Celery tasks of restricted-party screening: thin wrappers around the services, taking ids only.

Screening is idempotent (a hit per organization × entry, updated in place), so a redelivered message is
harmless; the periodic sweep catches any organization whose screening was lost.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from . import services
from .selectors import screening_current_import

_RELIABLE: dict = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "max_retries": 5,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
}


@shared_task(name="screening.rescreen_all", **_RELIABLE)
def screening_rescreen_all_task(import_id: int | None = None) -> int:
    """Fan the screening of every consortium member out in chunks (after an import).

    Skipped when a newer import exists: that import's own task re-screens everyone against the newer list.
    """
    current = screening_current_import()
    if import_id is not None and current is not None and current.pk != import_id:
        return 0
    return services.screening_rescreen_all()


@shared_task(name="screening.screen_organizations", **_RELIABLE)
def screening_screen_organizations_task(organization_ids: list[int]) -> int:
    return services.screening_screen_organizations(organization_ids=organization_ids)


@shared_task(name="screening.sweep", **_RELIABLE)
def screening_sweep_task() -> int:
    """Periodic (Celery beat): screen members not screened against the current list."""
    return services.screening_sweep()
