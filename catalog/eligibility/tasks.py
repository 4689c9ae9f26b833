"""Celery tasks of the eligibility app: thin wrappers around services, taking ids only.

Reliability (see CONVENTIONS.md): late acknowledgement (project-wide), an atomic claim in the service,
idempotent upserts, retries with backoff for transient database errors only, ``on_failure`` recording the
error, and a periodic sweeper that re-enqueues rows whose lease expired (a lost message is never a lost check).
"""

from __future__ import annotations

import contextlib
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class EligibilityCheckTask(Task):
    """Records the outcome of failed or retried attempts on the check row."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        check_id = (args or [kwargs.get("check_id")])[0]
        if check_id is not None:
            services.eligibility_check_fail(check_id=int(check_id), error=f"{type(exc).__name__}: {exc}")

    def on_retry(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        check_id = (args or [kwargs.get("check_id")])[0]
        # If the database is still away, the row's lease expires and the sweeper takes over.
        with contextlib.suppress(*TRANSIENT_ERRORS):
            services.eligibility_check_release(check_id=int(check_id), error=f"retrying: {type(exc).__name__}: {exc}")


@shared_task(
    name="eligibility.check_run",
    base=EligibilityCheckTask,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def eligibility_check_run(check_id: int) -> str:
    """Run one eligibility check (claimed atomically; results upserted in one transaction)."""
    return services.eligibility_check_execute(check_id=check_id)


@shared_task(name="eligibility.checks_enqueue", acks_late=True)
def eligibility_checks_enqueue(check_ids: list[int]) -> int:
    """Fan out: send one ``check_run`` message per id of a chunk."""
    for check_id in check_ids:
        eligibility_check_run.delay(check_id)
    return len(check_ids)


@shared_task(name="eligibility.sweep", acks_late=True)
def eligibility_sweep() -> dict[str, int]:
    """Periodic: re-enqueue checks stuck in pending/running past their lease; fail those out of attempts."""
    return services.eligibility_sweep()


@shared_task(name="eligibility.impact_preview", acks_late=True)
def eligibility_impact_preview(impact_id: int) -> str:
    """Compute an impact preview (what would move if a rule set replaced another), writing progress."""
    from .impact import impact_preview_execute

    return impact_preview_execute(impact_id=impact_id)
