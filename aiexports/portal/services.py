"""Portal writes: contact messages (received, acknowledged, handled by staff) and information pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.mail import absolute_url, send_templated_mail

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
    """Store a visitor's message; after commit, a task e-mails the sender an acknowledgement."""
    from .tasks import send_contact_acknowledgement

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
        # robust: if the broker is unreachable the visitor still gets their confirmation page; the beat
        # sweeper (``sweep_contact_acknowledgements``) sends the acknowledgement later.
        transaction.on_commit(lambda: send_contact_acknowledgement.delay(row.pk), robust=True)
    return row


def contact_message_acknowledge(*, message_id: int) -> bool:
    """E-mail the sender that their message arrived, once. Returns False when there is nothing to do."""
    row = ContactMessage.objects.filter(pk=message_id, acknowledged_at__isnull=True).first()
    if row is None:
        return False
    send_templated_mail(
        "portal/email/contact_ack", {"row": row, "home_url": absolute_url("/")}, [row.email], language=row.language
    )
    if settings.AIX_STAFF_INBOX_EMAIL:
        admin_url = absolute_url(reverse("admin:portal_contactmessage_change", args=[row.pk]))
        send_templated_mail(
            "portal/email/contact_staff_notice",
            {"row": row, "admin_url": admin_url},
            [settings.AIX_STAFF_INBOX_EMAIL],
            reply_to=[row.email],
        )
    # Conditional stamp: if two deliveries of the task race, only one row update wins.
    return (
        ContactMessage.objects.filter(pk=row.pk, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
        == 1
    )


def contact_messages_unacknowledged(*, older_than: timedelta = timedelta(minutes=10), limit: int = 500) -> list[int]:
    """Messages whose acknowledgement should have gone out by now (bounded, oldest first)."""
    cutoff = timezone.now() - older_than
    return list(
        ContactMessage.objects.filter(acknowledged_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def contact_message_update(
    *,
    actor: Any,
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


def info_page_save(*, actor: Any, page: InfoPage, ip_address: str | None = None) -> InfoPage:
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


def info_page_delete(*, actor: Any, page: InfoPage, ip_address: str | None = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="info_page.delete",
            target=page,
            changes=field_changes(snapshot(page, ("slug", "language", "title")), {}),
            ip_address=ip_address,
        )
        page.delete()
