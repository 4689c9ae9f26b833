"""Portal writes: contact messages (received, acknowledged, handled by staff) and information pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.mail import absolute_url
from aiexports.outbox.services import queue_mail

from .choices import ContactStatus
from .models import ContactMessage, InfoPage


def contact_message_create(
    *,
    name: str,
    organization: str,
    country: Any,
    email: str,
    topic: str,
    message: str,
    language: str = "en",
    ip_address: str | None = None,
) -> ContactMessage:
    """Store a visitor's message and queue its acknowledgement to the sender (and the notice to the staff inbox)
    in the outbox, in the same transaction; they are sent after commit."""
    with transaction.atomic():
        row = ContactMessage.objects.create(
            name=name,
            organization=organization,
            country=country,
            email=email,
            topic=topic,
            message=message,
            language=language,
            ip_address=ip_address,
        )
        audit_record(action="contact.receive", target=row, actor_repr=email, ip_address=ip_address)
        # The outbox row is durable: if the broker is unreachable at commit the visitor still gets their
        # confirmation page, and the outbox sweeper sends the acknowledgement later.
        contact_message_acknowledge(message_id=row.pk)
    return row


def contact_message_acknowledge(*, message_id: int) -> bool:
    """Queue the e-mail telling the sender their message arrived (and the staff notice), once: the stamp
    ``acknowledged_at`` (queued) is conditional and the outbox rows are keyed by the message. Returns False when
    there is nothing to do."""
    with transaction.atomic():
        # Conditional stamp: if two calls race, only one row update wins and queues.
        stamped = ContactMessage.objects.filter(pk=message_id, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now()
        )
        if not stamped:
            return False
        row = ContactMessage.objects.get(pk=message_id)
        queue_mail(
            "portal/email/contact_ack",
            {"row": row, "home_url": absolute_url("/")},
            [row.email],
            language=row.language,
            dedupe_key=f"contact-ack:{row.pk}",
        )
        if settings.AIX_STAFF_INBOX_EMAIL:
            admin_url = absolute_url(reverse("admin:portal_contactmessage_change", args=[row.pk]))
            queue_mail(
                "portal/email/contact_staff_notice",
                {"row": row, "admin_url": admin_url},
                [settings.AIX_STAFF_INBOX_EMAIL],
                reply_to=[row.email],
                dedupe_key=f"contact-staff-notice:{row.pk}",
            )
    return True


def contact_message_update(
    *,
    actor: User,
    message: ContactMessage,
    status: str | None = None,
    assigned_to: Any = ...,
    ip_address: str | None = None,
) -> ContactMessage:
    """Change a message's status and/or assignee (``assigned_to=None`` unassigns), with an audit row."""
    fields = ("status", "assigned_to")
    with transaction.atomic():
        row = ContactMessage.objects.select_for_update().get(pk=message.pk)
        before = snapshot(row, fields)
        if status is not None:
            if status not in ContactStatus.values:
                raise ValueError(f"unknown status {status!r}")
            row.status = status
        if assigned_to is not ...:
            row.assigned_to = assigned_to
        changes = field_changes(before, snapshot(row, fields))
        if changes:
            row.save(update_fields=list(changes))
            audit_record(actor=actor, action="contact.update", target=row, changes=changes, ip_address=ip_address)
    return row


def info_page_save(*, actor: User, page: InfoPage, ip_address: str | None = None) -> InfoPage:
    """Save a staff edit of an information page with an audit row of what changed."""
    fields = ("slug", "language", "title", "body")
    with transaction.atomic():
        stored = InfoPage.objects.filter(pk=page.pk).first() if page.pk else None
        before = snapshot(stored, fields) if stored else {}
        page.full_clean()
        page.save()
        audit_record(
            actor=actor,
            action="info_page.update" if stored else "info_page.create",
            target=page,
            changes=field_changes(before, snapshot(page, fields)),
            ip_address=ip_address,
        )
    return page


def info_page_delete(*, actor: User, page: InfoPage, ip_address: str | None = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="info_page.delete",
            target=page,
            changes=field_changes(snapshot(page, ("slug", "language", "title")), {}),
            ip_address=ip_address,
        )
        page.delete()
