"""E-mails of the catalog's workflows, queued in the outbox inside the transaction of the step they announce.

Package status (to the submitters) and consortium membership steps (to the other side). Each is rendered when
it is queued, so it says what happened at that moment; the outbox delivers it after commit.
"""

from __future__ import annotations

from django.urls import reverse

from aiexports.mail import absolute_url
from aiexports.outbox.services import outbox_mail_cancel, queue_mail
from catalog.choices import OrganizationRole, PackageStatus
from catalog.models import ConsortiumMember, OrganizationMembership, Package


def package_status_recipients(package: Package) -> list[str]:
    """Who hears about a package's status: its creator and the admins of the consortium's anchor organization."""
    emails = set(_admin_emails(package.consortium.anchor_id))
    creator = package.created_by  # None, without a query, when nobody is recorded
    if creator is not None and creator.is_active:
        emails.add(creator.email)
    return sorted(e for e in emails if e)


def package_status_mail(package: Package) -> None:
    """Queue the e-mail telling the submitters that ``package`` reached its current status."""
    recipients = package_status_recipients(package)
    if not recipients:
        return
    status = package.status
    context = {
        "package": package,
        # A lazy label: rendered in the e-mail's language.
        "status": PackageStatus(status).label if status in PackageStatus.values else status,
        "status_code": status,
        "url": absolute_url(reverse("catalog:manage_package_detail", args=[package.slug])),
    }
    queue_mail("catalog/email/package_status", context, recipients)


# Who hears about each membership step: the invited organization's admins about an invitation (and its
# withdrawal); the consortium's managers (the anchor's admins) about an answer or a departure.
MEMBER_EVENTS: dict[str, tuple[str, str]] = {
    # event: (the row's time field that dates the step, recipients)
    "invited": ("invited_at", "organization"),
    "withdrawn": ("ended_at", "organization"),
    "accepted": ("responded_at", "managers"),
    "declined": ("responded_at", "managers"),
    "left": ("ended_at", "managers"),
}


def _admin_emails(organization_id: int) -> list[str]:
    return sorted(
        e
        for e in OrganizationMembership.objects.filter(
            organization_id=organization_id, role=OrganizationRole.ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
        if e
    )


def _member_key(member: ConsortiumMember, event: str) -> str:
    stamp = getattr(member, MEMBER_EVENTS[event][0])
    return f"consortium-member:{member.pk}:{event}:{stamp.isoformat() if stamp else ''}"


def consortium_member_mail(member: ConsortiumMember, event: str) -> None:
    """Queue the e-mail of a membership step (``MEMBER_EVENTS``) to the other side. A withdrawal also cancels
    its invitation's e-mail if that has not gone out yet (an invitation withdrawn at once is not announced)."""
    if event not in MEMBER_EVENTS:
        raise ValueError(f"unknown membership event {event!r}")
    if event == "withdrawn":
        outbox_mail_cancel(dedupe_key=_member_key(member, "invited"))
    if MEMBER_EVENTS[event][1] == "organization":
        recipients = _admin_emails(member.organization_id)
        path = reverse("catalog:manage_invitations")
    else:
        recipients = _admin_emails(member.consortium.anchor_id)
        path = reverse("catalog:manage_consortium_members", args=[member.consortium.slug])
    context = {
        "member": member,
        "consortium": member.consortium,
        "organization": member.organization,
        "event": event,
        "url": absolute_url(path),
    }
    queue_mail("catalog/email/consortium_member", context, recipients, dedupe_key=_member_key(member, event))
