"""Celery tasks of the RFI module: thin, take primary keys, call one service."""

from __future__ import annotations

import smtplib

from celery import shared_task

from .services import rfi_receipt_send


@shared_task(
    name="rfi.send_submission_receipt",
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_submission_receipt(submission_id: int) -> bool:
    """E-mail the respondent a receipt with the tracking number (idempotent: sent at most once)."""
    return rfi_receipt_send(submission_id=submission_id)
