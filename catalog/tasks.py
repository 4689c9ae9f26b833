"""Celery tasks of the catalog. Tasks take primary keys, load their row, and return early when it is gone."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.urls import reverse

from aiexports.mail import absolute_url, send_templated_mail
from catalog.choices import MemberStatus, OrganizationRole, PackageStatus
from catalog.models import ConsortiumMember, OrganizationMembership, Package

logger = logging.getLogger(__name__)


def package_status_recipients(package: Package) -> list[str]:
    """Who hears about a package's status: its creator and the admins of the consortium's anchor organization."""
    emails = set(
        OrganizationMembership.objects.filter(
            organization_id=package.consortium.anchor_id, role=OrganizationRole.ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if package.created_by_id and package.created_by.is_active:
        emails.add(package.created_by.email)
    return sorted(e for e in emails if e)


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_package_status_email(package_id: int, status: str) -> int:
    """E-mail the submitters that ``package_id`` reached ``status`` (the status at the time of the change)."""
    package = Package.objects.select_related("consortium", "created_by").filter(pk=package_id).first()
    if package is None:
        logger.info("package %s is gone; no status e-mail", package_id)
        return 0
    recipients = package_status_recipients(package)
    if not recipients:
        return 0
    context = {
        "package": package,
        # A lazy label: rendered in the e-mail's language.
        "status": PackageStatus(status).label if status in PackageStatus.values else status,
        "status_code": status,
        "url": absolute_url(reverse("catalog:manage_package_detail", args=[package.slug])),
    }
    return send_templated_mail("catalog/email/package_status", context, recipients)


# Who hears about each membership step: the invited organization's admins about an invitation (and its
# withdrawal); the consortium's managers (the anchor's admins) about an answer or a departure.
MEMBER_EVENTS: dict[str, tuple[str, str]] = {
    # event: (status the row must still have, recipients)
    "invited": (MemberStatus.PENDING, "organization"),
    "withdrawn": (MemberStatus.WITHDRAWN, "organization"),
    "accepted": (MemberStatus.ACCEPTED, "managers"),
    "declined": (MemberStatus.DECLINED, "managers"),
    "left": (MemberStatus.LEFT, "managers"),
}


def _admin_emails(organization_id: int) -> list[str]:
    return sorted(
        e
        for e in OrganizationMembership.objects.filter(
            organization_id=organization_id, role=OrganizationRole.ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
        if e
    )


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_consortium_member_email(member_id: int, event: str) -> int:
    """E-mail the other side of a membership step (``MEMBER_EVENTS``). Nothing is sent when the row is gone or
    has moved on since (an invitation withdrawn before its e-mail went out is not announced)."""
    if event not in MEMBER_EVENTS:
        logger.warning("unknown membership event %r", event)
        return 0
    member = (
        ConsortiumMember.objects.select_related("consortium", "consortium__anchor", "organization")
        .filter(pk=member_id)
        .first()
    )
    status, audience = MEMBER_EVENTS[event]
    if member is None or member.status != status:
        logger.info("membership %s is gone or no longer %s; no e-mail", member_id, status)
        return 0
    if audience == "organization":
        recipients = _admin_emails(member.organization_id)
        path = reverse("catalog:manage_invitations")
    else:
        recipients = _admin_emails(member.consortium.anchor_id)
        path = reverse("catalog:manage_consortium_members", args=[member.consortium.slug])
    if not recipients:
        return 0
    context = {
        "member": member,
        "consortium": member.consortium,
        "organization": member.organization,
        "event": event,
        "url": absolute_url(path),
    }
    return send_templated_mail("catalog/email/consortium_member", context, recipients)


from catalog.tasks_public import inquiry_notify_managers  # noqa: E402,F401  (registers the public catalog's tasks)
