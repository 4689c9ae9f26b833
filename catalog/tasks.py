"""Celery tasks of the catalog. Tasks take primary keys, load their row, and return early when it is gone."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

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
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "package": package,
            "status": PackageStatus(status).label if status in PackageStatus.values else status,
            "status_code": status,
            "url": getattr(settings, "AIX_SITE_URL", "").rstrip("/")
            + reverse("catalog:manage_package_detail", args=[package.slug]),
        }
        subject = _("[AI Exports] “%(title)s” is now: %(status)s") % {
            "title": package.title,
            "status": context["status"],
        }
        body = render_to_string("catalog/email/package_status.txt", context)
    return send_mail(subject, body, None, recipients)


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


def _one_line(text: str) -> str:
    """A subject never carries CR, LF or other control characters (a header injection, a broken header)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


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
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "member": member,
            "consortium": member.consortium,
            "organization": member.organization,
            "event": event,
            "url": getattr(settings, "AIX_SITE_URL", "").rstrip("/") + path,
        }
        names = {"consortium": member.consortium.name, "organization": member.organization.name}
        subjects = {
            "invited": _("[AI Exports] %(consortium)s invites %(organization)s to join"),
            "withdrawn": _("[AI Exports] %(consortium)s withdrew its invitation to %(organization)s"),
            "accepted": _("[AI Exports] %(organization)s joined %(consortium)s"),
            "declined": _("[AI Exports] %(organization)s declined to join %(consortium)s"),
            "left": _("[AI Exports] %(organization)s left %(consortium)s"),
        }
        subject = _one_line(subjects[event] % names)
        body = render_to_string("catalog/email/consortium_member.txt", context)
    return send_mail(subject, body, None, recipients)


from catalog.tasks_public import inquiry_notify_managers  # noqa: E402,F401  (registers the public catalog's tasks)
