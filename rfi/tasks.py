"""Celery tasks of the RFI module: thin, take primary keys, call one service."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import rfi_receipt_send


@shared_task(
    name="rfi.send_submission_receipt",
    acks_late=True,
    # A dropped database connection is transient too: without a retry the receipt would never be sent.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_submission_receipt(submission_id: int) -> bool:
    """E-mail the respondent a receipt with the tracking number (idempotent: sent at most once)."""
    return rfi_receipt_send(submission_id=submission_id)


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
