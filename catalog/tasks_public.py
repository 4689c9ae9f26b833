"""Celery tasks of the public catalog. They take primary keys and call one service."""

from __future__ import annotations

import smtplib

from celery import shared_task

from catalog.services.inquiries import inquiry_notify


@shared_task(
    name="catalog.inquiry_notify_managers",
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def inquiry_notify_managers(inquiry_id: int) -> int:
    """E-mail a buyer's inquiry to the consortium's managers (no-op when it is gone or already sent)."""
    return inquiry_notify(inquiry_id=inquiry_id)
