"""Buyers' inquiries ("express interest") about published packages."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.audit.services import audit_record
from aiexports.errors import NotAllowed
from aiexports.mail import absolute_url
from aiexports.outbox.services import queue_mail
from catalog.choices import PackageStatus
from catalog.models import Inquiry, Package


def inquiry_create(
    *,
    package: Package,
    name: str,
    organization: str,
    country_code: str,
    email: str,
    message: str,
    ip_address: str | None = None,
    language: str = "",
) -> Inquiry:
    """Store a buyer's inquiry about a published package; e-mail the consortium's managers and send the buyer a
    copy of what was sent and to whom (both queued in the outbox in the same transaction, sent after commit)."""
    if package.status != PackageStatus.PUBLISHED:
        raise NotAllowed(_("This package is not published."), code="package_not_published")
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            package=package,
            name=name.strip(),
            organization=organization.strip(),
            country_id=country_code.upper(),
            email=email.strip(),
            message=message.strip(),
            ip_address=ip_address or None,
            language=language,
        )
        audit_record(
            action="catalog.inquiry.create",
            target=inquiry,
            actor_repr=f"{inquiry.name} <{inquiry.email}>",
            changes={"package": package.slug, "organization": inquiry.organization, "country": inquiry.country_id},
            ip_address=ip_address,
        )
        inquiry_notify(inquiry_id=inquiry.pk)
        inquiry_copy_send(inquiry_id=inquiry.pk)
    return inquiry


def inquiry_notify(*, inquiry_id: int) -> int:
    """Queue the e-mail of one inquiry to its consortium's managers; the number of recipients (0 when already done).

    Idempotent: an inquiry whose managers were notified is not queued again (and the outbox row's key is the
    inquiry's, so it is sent once).
    """
    from catalog.selectors import consortium_manager_emails

    inquiry = (
        Inquiry.objects.select_related("package__consortium", "country")
        .filter(pk=inquiry_id, notified_at__isnull=True)
        .first()
    )
    if inquiry is None:
        return 0
    # A consortium without a manager still gets its inquiries looked at: the program's inbox receives them.
    recipients = consortium_manager_emails(consortium_id=inquiry.package.consortium_id) or [
        e for e in [settings.AIX_STAFF_INBOX_EMAIL] if e
    ]
    if recipients:
        context = {
            "inquiry": inquiry,
            "package": inquiry.package,
            "url": absolute_url(reverse("catalog:package_detail", args=[inquiry.package.slug])),
        }
        queue_mail(
            "catalog/public/email/inquiry",
            context,
            recipients,
            reply_to=[inquiry.email],
            dedupe_key=f"inquiry:{inquiry.pk}",
        )
    Inquiry.objects.filter(pk=inquiry.pk).update(notified_at=timezone.now())
    return len(recipients)


def inquiry_copy_send(*, inquiry_id: int) -> int:
    """Queue the buyer's copy of their inquiry: what they sent, about which package and to whom (the consortium,
    by name; the managers' addresses stay private). Idempotent: returns 0 when the copy was already queued."""
    inquiry = (
        Inquiry.objects.select_related("package__consortium", "country")
        .filter(pk=inquiry_id, copy_sent_at__isnull=True)
        .first()
    )
    if inquiry is None:
        return 0
    context = {
        "inquiry": inquiry,
        "package": inquiry.package,
        "consortium": inquiry.package.consortium,
        "url": absolute_url(reverse("catalog:package_detail", args=[inquiry.package.slug])),
    }
    queue_mail(
        "catalog/public/email/inquiry_copy",
        context,
        [inquiry.email],
        language=inquiry.language or None,
        dedupe_key=f"inquiry-copy:{inquiry.pk}",
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(copy_sent_at=timezone.now())
    return 1
