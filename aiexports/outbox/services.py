"""Outbox writes: queue an e-mail in the caller's transaction, deliver it once, sweep lost ones, retry failed ones.

Delivery follows the eligibility checks' design (CONVENTIONS.md, "Celery tasks"): the task claims its row with
``SELECT ... FOR UPDATE SKIP LOCKED`` and a status change (pending → sending, with a lease), sends, then marks it
sent, so a redelivered or duplicated message sends nothing. A failed send goes back to pending with an
exponential backoff, up to ``AIX_OUTBOX_MAX_ATTEMPTS``; the sweeper re-enqueues rows whose lease or backoff
passed. A worker that dies between the send and the mark leaves the row "sending": its lease expires and the
e-mail is sent again (at least once, never lost; the only duplicate is that crash window).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.errors import InvalidTransition
from aiexports.mail import render_templated_mail, send_rendered_mail
from aiexports.tasks_enqueue import enqueue_on_commit

from .choices import MailStatus
from .models import OutboxMail

logger = logging.getLogger(__name__)

DELIVER_TASK = "aiexports.outbox.tasks.outbox_mail_deliver"
RETRY_FIELDS = ("status", "attempts", "next_attempt_at", "last_error")


def _lease() -> timedelta:
    return timedelta(seconds=settings.AIX_OUTBOX_LEASE_SECONDS)


def _backoff(attempts: int) -> timedelta:
    """Seconds before the next attempt after ``attempts`` failures: doubling from the base, capped."""
    base = settings.AIX_OUTBOX_RETRY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.AIX_OUTBOX_RETRY_MAX_SECONDS))


def queue_mail(
    template_prefix: str,
    context: Mapping[str, Any],
    to: Sequence[str],
    *,
    language: str | None = None,
    from_email: str | None = None,
    reply_to: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    dedupe_key: str | None = None,
) -> OutboxMail | None:
    """Render ``<template_prefix>`` (as ``aiexports.mail.send_templated_mail`` does) and store the message in the
    caller's transaction; it is delivered after commit. ``None`` when ``to`` holds no address.

    ``dedupe_key`` names the e-mail (``"rfi-receipt:42"``): queued again under the same key, the stored row is
    returned and nothing more is sent. Without one, every call is a new e-mail.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return None
    key = (dedupe_key or f"uuid:{uuid.uuid4().hex}")[:200]
    existing = OutboxMail.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing
    subject, text, html = render_templated_mail(template_prefix, context, language=language)
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert of the same key leaves the caller usable
            row = OutboxMail.objects.create(
                template_prefix=template_prefix,
                language=language or settings.LANGUAGE_CODE,
                subject=subject[:255],
                body_text=text,
                body_html=html,
                from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                to=recipients,
                reply_to=[address for address in reply_to or () if address],
                headers=dict(headers or {}),
                dedupe_key=key,
                next_attempt_at=timezone.now() + _lease(),
            )
    except IntegrityError:
        existing = OutboxMail.objects.filter(dedupe_key=key).first()
        if existing is None:
            raise
        return existing
    enqueue_on_commit(DELIVER_TASK, row.pk)
    return row


def outbox_mail_cancel(*, dedupe_key: str) -> bool:
    """Withdraw an e-mail not sent yet (what it announced was undone first). True if one was cancelled."""
    return bool(
        OutboxMail.objects.filter(dedupe_key=dedupe_key, status=MailStatus.PENDING).update(
            status=MailStatus.CANCELLED, next_attempt_at=None, body_text="", body_html=""
        )
    )


def _claim(mail_id: int) -> OutboxMail | None:
    """Take the row for this worker: pending, or sending with an expired lease (its worker died)."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(Q(status=MailStatus.PENDING) | Q(status=MailStatus.SENDING, next_attempt_at__lt=now), pk=mail_id)
            .first()
        )
        if row is None:
            return None
        row.status = MailStatus.SENDING
        row.attempts += 1
        row.next_attempt_at = now + _lease()
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
    return row


def outbox_mail_deliver(*, mail_id: int) -> str:
    """Send one queued e-mail. Returns ``"sent"``, ``"retry"``, ``"failed"`` or ``"skipped"`` (gone, already
    sent or cancelled, or being sent by another worker)."""
    row = _claim(mail_id)
    if row is None:
        return "skipped"
    try:
        send_rendered_mail(
            subject=row.subject,
            text=row.body_text,
            html=row.body_html,
            to=row.to,
            from_email=row.from_email or None,
            reply_to=row.reply_to or None,
            headers=row.headers or None,
        )
    except Exception as exc:  # noqa: BLE001 - any failure of the send is recorded on the row and retried
        return _failed(row, f"{type(exc).__name__}: {exc}")
    OutboxMail.objects.filter(pk=row.pk, status=MailStatus.SENDING).update(
        status=MailStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error="", body_text="", body_html=""
    )
    return "sent"


def _failed(row: OutboxMail, error: str) -> str:
    now = timezone.now()
    if row.attempts >= settings.AIX_OUTBOX_MAX_ATTEMPTS:
        status, next_at = MailStatus.FAILED, None
    else:
        status, next_at = MailStatus.PENDING, now + _backoff(row.attempts)
    logger.warning("e-mail %s (%s) not sent, attempt %d: %s", row.pk, row.template_prefix, row.attempts, error)
    OutboxMail.objects.filter(pk=row.pk, status=MailStatus.SENDING).update(
        status=status, next_attempt_at=next_at, last_error=error[:2000]
    )
    return "failed" if status == MailStatus.FAILED else "retry"


def outbox_sweep() -> dict[str, int]:
    """Re-enqueue pending or sending rows whose lease or backoff passed; fail those out of attempts."""
    now = timezone.now()
    due = OutboxMail.objects.filter(status__in=[MailStatus.PENDING, MailStatus.SENDING], next_attempt_at__lt=now)
    failed = due.filter(attempts__gte=settings.AIX_OUTBOX_MAX_ATTEMPTS).update(
        status=MailStatus.FAILED, next_attempt_at=None, last_error=_("Gave up after the maximum number of attempts.")
    )
    with transaction.atomic():
        ids = list(
            due.filter(attempts__lt=settings.AIX_OUTBOX_MAX_ATTEMPTS)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.AIX_OUTBOX_SWEEP_BATCH]
        )
        OutboxMail.objects.filter(pk__in=ids).update(status=MailStatus.PENDING, next_attempt_at=now + _lease())
        for mail_id in ids:
            enqueue_on_commit(DELIVER_TASK, mail_id)
    return {"requeued": len(ids), "failed": failed}


def outbox_mail_retry(*, actor: User, mail: OutboxMail, ip_address: str | None = None) -> OutboxMail:
    """Staff send a failed e-mail again: back to pending with fresh attempts, delivered after commit."""
    with transaction.atomic():
        row = OutboxMail.objects.select_for_update().get(pk=mail.pk)
        if row.status != MailStatus.FAILED:
            raise InvalidTransition(
                _("Only an e-mail that failed can be sent again; this one is %(status)s.")
                % {"status": row.get_status_display().lower()},
                code="invalid_transition",
            )
        before = snapshot(row, RETRY_FIELDS)
        row.status = MailStatus.PENDING
        row.attempts = 0
        row.next_attempt_at = timezone.now() + _lease()
        row.last_error = ""
        row.save(update_fields=list(RETRY_FIELDS))
        audit_record(
            actor=actor,
            action="outbox.mail_retry",
            target=row,
            changes=field_changes(before, snapshot(row, RETRY_FIELDS)),
            ip_address=ip_address,
        )
        enqueue_on_commit(DELIVER_TASK, row.pk)
    return row
