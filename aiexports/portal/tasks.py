"""Portal tasks. Each takes a primary key, loads its row and calls one service."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    name="portal.send_contact_acknowledgement",
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_contact_acknowledgement(message_id: int) -> bool:
    """Tell the sender their message arrived. Idempotent: a second run finds it acknowledged and stops."""
    return services.contact_message_acknowledge(message_id=message_id)
