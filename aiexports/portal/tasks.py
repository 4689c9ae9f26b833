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


@shared_task(name="portal.sweep_contact_acknowledgements")
def sweep_contact_acknowledgements() -> int:
    """Re-enqueue acknowledgements still unsent a while after the message arrived (a lost task message)."""
    ids = services.contact_messages_unacknowledged()
    for message_id in ids:
        send_contact_acknowledgement.delay(message_id)
    return len(ids)
