"""Celery tasks of the alerts app: thin, ids only, each calling one service (idempotent; see ``services``)."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)
RETRY = {"acks_late": True, "retry_backoff": 30, "retry_backoff_max": 600, "max_retries": 5, "retry_jitter": True}


@shared_task(name="alerts.confirmation_send", autoretry_for=MAIL_ERRORS, **RETRY)
def alert_confirmation_send(alert_id: int) -> int:
    return services.alert_confirmation_send(alert_id=alert_id)


@shared_task(name="alerts.manage_link_send", autoretry_for=MAIL_ERRORS, **RETRY)
def manage_link_send(subscriber_id: int) -> int:
    return services.manage_link_send(subscriber_id=subscriber_id)


@shared_task(name="alerts.match_package", autoretry_for=(OperationalError, InterfaceError), **RETRY)
def alerts_match_package(package_id: int) -> int:
    """After a publication or new eligibility results: which subscribers' searches this package now matches."""
    return services.alerts_match_package(package_id=package_id)


@shared_task(name="alerts.digest_send", autoretry_for=(*MAIL_ERRORS, OperationalError, InterfaceError), **RETRY)
def alerts_digest_send(subscriber_id: int) -> int:
    return services.alerts_digest_send(subscriber_id=subscriber_id)


@shared_task(name="alerts.sweep", acks_late=True)
def alerts_sweep() -> dict[str, int]:
    """Daily (beat): matches a lost trigger missed, and the digests due."""
    return services.alerts_sweep()
