"""Celery tasks of the RFI module: thin, take primary keys, call one service. (The receipt is an outbox e-mail.)"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="rfi.detect_campaign",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    max_retries=3,
)
def detect_campaign(submission_id: int) -> int | None:
    """Group the submission with near-identical responses to its notice (idempotent)."""
    from .duplicates import submission_detect_campaign

    group = submission_detect_campaign(submission_id=submission_id)
    return group.pk if group else None
