"""Celery tasks of the eligibility app: thin wrappers around services, taking ids only.

Reliability (see CONVENTIONS.md): late acknowledgement (project-wide), an atomic claim in the service,
idempotent upserts, retries with backoff for transient database errors only, ``on_failure`` recording the
error, and a periodic sweeper that re-enqueues rows whose lease expired (a lost message is never a lost check).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from aiexports.tasks_enqueue import enqueue

from . import services

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class EligibilityCheckTask(Task):
    """Records the outcome of failed or retried attempts on the check row."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        for check_id in _check_ids(args, kwargs):
            services.eligibility_check_fail(check_id=check_id, error=f"{type(exc).__name__}: {exc}")

    def on_retry(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # If the database is still away, the row's lease expires and the sweeper takes over.
        with contextlib.suppress(*TRANSIENT_ERRORS):
            for check_id in _check_ids(args, kwargs):
                services.eligibility_check_release(check_id=check_id, error=f"retrying: {type(exc).__name__}: {exc}")


def _check_ids(args: Any, kwargs: Any) -> list[int]:
    """The check ids of a ``check_run`` (one id) or ``checks_run`` (a list) call."""
    value = (args or [kwargs.get("check_id", kwargs.get("check_ids"))])[0]
    if value is None:
        return []
    return [int(v) for v in value] if isinstance(value, list | tuple) else [int(value)]


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


@shared_task(
    name="eligibility.checks_run",
    base=EligibilityCheckTask,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def eligibility_checks_run(check_ids: list[int]) -> dict[str, int]:
    """Run a batch of checks in one transaction (see ``services.eligibility_checks_execute``); counts by outcome."""
    outcomes = services.eligibility_checks_execute(check_ids=check_ids)
    return dict(Counter(outcomes.values()))


@shared_task(name="eligibility.checks_enqueue", acks_late=True)
def eligibility_checks_enqueue(check_ids: list[int]) -> int:
    """Fan out: one ``checks_run`` message per batch of ``AIX_ELIGIBILITY_BATCH`` ids (a refused one is left to
    the sweeper); returns the number of ids sent."""
    size = max(1, settings.AIX_ELIGIBILITY_BATCH)
    batches = [list(check_ids[start : start + size]) for start in range(0, len(check_ids), size)]
    return sum(len(batch) for batch in batches if enqueue(eligibility_checks_run, batch))


@shared_task(name="eligibility.sweep", acks_late=True)
def eligibility_sweep() -> dict[str, int]:
    """Periodic: re-enqueue checks stuck in pending/running past their lease; fail those out of attempts."""
    return services.eligibility_sweep()


@shared_task(name="eligibility.impact_preview", acks_late=True)
def eligibility_impact_preview(impact_id: int) -> str:
    """Compute an impact preview (what would move if a rule set replaced another), writing progress."""
    from .impact import impact_preview_execute

    return impact_preview_execute(impact_id=impact_id)
