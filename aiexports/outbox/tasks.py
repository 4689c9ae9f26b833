"""Outbox tasks: thin, take ids, call one service (see ``services`` for the claim/lease/sweep design)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="outbox.deliver",
    acks_late=True,
    # The database away at the claim: retried here, and the row's lease brings the sweeper in after that.
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=60,
)
def outbox_mail_deliver(mail_id: int) -> str:
    """Send one queued e-mail (claimed atomically: a duplicate message sends nothing)."""
    return services.outbox_mail_deliver(mail_id=mail_id)


@shared_task(name="outbox.sweep", acks_late=True)
def outbox_sweep() -> dict[str, int]:
    """Periodic: re-enqueue e-mails left unsent past their lease or backoff; fail those out of attempts."""
    return services.outbox_sweep()
