"""Celery tasks of the catalog. Tasks take primary keys, load their row, and return early when it is gone."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.urls import reverse

from aiexports.mail import absolute_url, send_templated_mail
from catalog.choices import OrganizationRole, PackageStatus
from catalog.models import OrganizationMembership, Package

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


from catalog.tasks_public import inquiry_notify_managers  # noqa: E402,F401  (registers the public catalog's tasks)
