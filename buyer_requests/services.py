"""Writes of package requests: create (public form or API), triage by staff (assign, status, notes, replies,
matches), the requester's withdrawal, and the e-mails they cause.

Every function is keyword-only and writes its audit row in the transaction of its change (nothing is recorded
for a no-op). Rows are locked first, so two staff members acting at once are serialized and each audit row's
"before" is what was really replaced. E-mails are queued in the outbox (``aiexports.outbox``) in the transaction
of the change they announce.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record
from aiexports.errors import DomainError, NotAllowed
from aiexports.mail import absolute_url
from aiexports.outbox.services import queue_mail
from catalog.choices import PackageStatus
from catalog.models import Country, Package, Sector

from .choices import RequestStatus
from .models import NEED_FIELDS, PackageRequest, RequestMatch, RequestNote, RequestReply, generate_reference
from .tokens import make_status_token

TEXT_MAX_LENGTH = 10000
# A request matched, referred or closed is finished; its requester may no longer withdraw it.
OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_REVIEW)


class RequestInvalid(DomainError):
    """A request the service refuses; ``errors`` maps field names to messages (for the form and the API)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(_("The request could not be accepted."), code="invalid", errors=errors)
        self.errors = errors


def _require_staff(actor: User) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_staff and actor.is_active):
        raise NotAllowed(_("Only staff may triage package requests."))


def _locked(request_ids: Iterable[int]) -> list[PackageRequest]:
    ids = sorted({int(pk) for pk in request_ids})
    return list(PackageRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def status_url(row: PackageRequest) -> str:
    return absolute_url(reverse("buyer_requests:status", args=[make_status_token(row)]))


def package_request_create(
    *,
    requester_type: str,
    organization_name: str,
    contact_name: str,
    email: str,
    country_code: str,
    sector_code: str,
    needs: dict[str, str],
    scale: str,
    timeline: str,
    financing_interest: str,
    consent_to_contact: bool,
    confidential_details: str = "",
    language: str = "",
    ip_address: str | None = None,
) -> PackageRequest:
    """Store a buyer's request and, after commit, e-mail the confirmation with the reference and status link.

    ``needs`` maps layer values to what is needed in that layer; at least one must be described. The form and
    the API check shapes; the rules that need the database (a known country and sector) are checked here.
    """
    errors: dict[str, list[str]] = {}
    country = Country.objects.filter(pk=(country_code or "").upper()).first()
    if country is None:
        errors["country"] = [_("Choose a country from the list.")]
    sector = Sector.objects.filter(pk=sector_code or "").first()
    if sector is None:
        errors["sector"] = [_("Choose a sector from the list.")]
    described = {layer: (needs.get(layer) or "").strip() for layer in NEED_FIELDS}
    if not any(described.values()):
        errors["needs"] = [_("Describe what you need in at least one layer.")]
    if not consent_to_contact:
        errors["consent_to_contact"] = [_("We can only answer if you agree to be contacted.")]
    if errors:
        raise RequestInvalid(errors)
    with transaction.atomic():
        row = PackageRequest(
            requester_type=requester_type,
            organization_name=organization_name.strip(),
            contact_name=contact_name.strip(),
            email=email.strip(),
            country=country,
            sector=sector,
            scale=scale,
            timeline=timeline,
            financing_interest=financing_interest,
            consent_to_contact=True,
            confidential_details=confidential_details.strip(),
            language=language[:10],
            ip_address=ip_address or None,
            **{NEED_FIELDS[layer]: text for layer, text in described.items()},
        )
        for _attempt in range(5):
            row.reference = generate_reference()
            try:
                with transaction.atomic():
                    row.save()
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - 40 random bits five times over
            raise DomainError(_("Please try again."), code="reference_exhausted")
        audit_record(
            action="package_request.create",
            target=row,
            actor_repr=f"{row.contact_name} <{row.email}>",
            changes={
                "status": {"before": None, "after": row.status},
                "country": {"before": None, "after": row.country_id},
                "sector": {"before": None, "after": row.sector_id},
                "layers": {"before": None, "after": row.layers},
                "organization_name": {"before": None, "after": row.organization_name},
            },
            ip_address=ip_address,
        )
        package_request_receipt_send(request_id=row.pk)  # queued in the outbox with the request
    return row


def package_request_receipt_send(*, request_id: int) -> bool:
    """E-mail the requester the confirmation (reference, status link), once; the staff inbox hears too."""
    row = PackageRequest.objects.select_related("country", "sector").filter(pk=request_id).first()
    if row is None or row.receipt_sent_at is not None:
        return False
    context = {"row": row, "status_url": status_url(row)}
    queue_mail(
        "buyer_requests/email/receipt",
        context,
        [row.email],
        language=row.language or None,
        dedupe_key=f"package-request-receipt:{row.pk}",
    )
    if settings.AIX_STAFF_INBOX_EMAIL:
        admin_url = absolute_url(reverse("admin:buyer_requests_packagerequest_change", args=[row.pk]))
        queue_mail(
            "buyer_requests/email/staff_notice",
            {"row": row, "admin_url": admin_url},
            [settings.AIX_STAFF_INBOX_EMAIL],
            reply_to=[row.email],
            dedupe_key=f"package-request-staff-notice:{row.pk}",
        )
    # Conditional stamp: if two deliveries of the task race, only one row update wins.
    return PackageRequest.objects.filter(pk=row.pk, receipt_sent_at__isnull=True).update(
        receipt_sent_at=timezone.now()
    ) == 1  # fmt: skip


def package_request_assign(
    *, actor: User, request_ids: Collection[int], assignee: User | None, ip_address: str | None = None
) -> int:
    """Assign the requests to ``assignee`` (an active staff member), or unassign with ``None``."""
    _require_staff(actor)
    if assignee is not None and not (assignee.is_staff and assignee.is_active):
        raise NotAllowed(_("%(user)s is not an active staff member.") % {"user": assignee})
    new_id = assignee.pk if assignee is not None else None
    with transaction.atomic():
        changed = [r for r in _locked(request_ids) if r.assigned_to_id != new_id]
        users = get_user_model().objects.in_bulk({r.assigned_to_id for r in changed} - {None})
        PackageRequest.objects.filter(pk__in=[r.pk for r in changed]).update(
            assigned_to=assignee, updated_at=timezone.now()
        )
        for row in changed:
            before = users.get(row.assigned_to_id)
            audit_record(
                actor=actor,
                action="package_request.assign",
                target=row,
                changes={
                    "assigned_to": {
                        "before": str(before) if before else None,
                        "after": str(assignee) if assignee else None,
                    }
                },
                ip_address=ip_address,
            )
    return len(changed)


def package_request_set_status(
    *, actor: User, request_ids: Collection[int], status: str, ip_address: str | None = None
) -> int:
    """Set the triage status. Any status may follow any other: staff correct mistakes (a request closed early)."""
    _require_staff(actor)
    if status not in RequestStatus.values:
        raise DomainError(_("“%(status)s” is not a request status.") % {"status": status}, code="invalid_status")
    with transaction.atomic():
        changed = [r for r in _locked(request_ids) if r.status != status]
        PackageRequest.objects.filter(pk__in=[r.pk for r in changed]).update(status=status, updated_at=timezone.now())
        for row in changed:
            audit_record(
                actor=actor,
                action="package_request.status",
                target=row,
                changes={"status": {"before": row.status, "after": status}},
                ip_address=ip_address,
            )
    return len(changed)


def package_request_withdraw(*, request_id: int, ip_address: str | None = None) -> PackageRequest:
    """The requester (holding the status link) withdraws an open request: it is closed. Once only."""
    with transaction.atomic():
        row = PackageRequest.objects.select_for_update().get(pk=request_id)
        if row.status not in OPEN_STATUSES:
            raise DomainError(
                _("This request is already %(status)s; nothing was changed.") % {"status": row.get_status_display()},
                code="not_open",
            )
        before = row.status
        row.status = RequestStatus.CLOSED
        row.save(update_fields=["status", "updated_at"])
        audit_record(
            action="package_request.withdraw",
            target=row,
            actor_repr=f"{row.contact_name} <{row.email}>",
            changes={"status": {"before": before, "after": row.status}},
            ip_address=ip_address,
        )
    return row


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write something first."), code="empty")
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("At most %(n)d characters, please.") % {"n": TEXT_MAX_LENGTH}, code="too_long", max_length=TEXT_MAX_LENGTH
        )
    return text


def request_note_add(*, actor: User, request: PackageRequest, text: str, ip_address: str | None = None) -> RequestNote:
    """An internal note (staff only, never shown to the requester or the consortia)."""
    _require_staff(actor)
    text = _clean_text(text)
    with transaction.atomic():
        note = RequestNote.objects.create(request=request, author=actor, text=text)
        audit_record(
            actor=actor,
            action="package_request.note",
            target=request,
            changes={"note": {"before": None, "after": text}},
            ip_address=ip_address,
        )
    return note


def request_reply_add(
    *, actor: User, request: PackageRequest, text: str, ip_address: str | None = None
) -> RequestReply:
    """A reply to the requester: shown on the status page at once, e-mailed after commit."""
    _require_staff(actor)
    text = _clean_text(text)
    with transaction.atomic():
        reply = RequestReply.objects.create(request=request, author=actor, text=text)
        audit_record(
            actor=actor,
            action="package_request.reply",
            target=request,
            changes={"reply": {"before": None, "after": text}},
            ip_address=ip_address,
        )
        request_reply_send(reply_id=reply.pk)  # queued in the outbox with the reply
    return reply


def request_reply_send(*, reply_id: int) -> bool:
    """E-mail one reply to its requester, once."""
    reply = RequestReply.objects.select_related("request").filter(pk=reply_id, sent_at__isnull=True).first()
    if reply is None:
        return False
    row = reply.request
    context = {"row": row, "reply": reply, "status_url": status_url(row)}
    queue_mail(
        "buyer_requests/email/reply",
        context,
        [row.email],
        language=row.language or None,
        dedupe_key=f"package-request-reply:{reply.pk}",
    )
    return RequestReply.objects.filter(pk=reply.pk, sent_at__isnull=True).update(sent_at=timezone.now()) == 1


def request_match_confirm(
    *, actor: User, request: PackageRequest, packages: Collection[Package], ip_address: str | None = None
) -> list[RequestMatch]:
    """Confirm published packages as matches of the request; their consortia are told after commit.

    A request still open becomes "matched". Packages already confirmed are skipped (no second notice).
    """
    _require_staff(actor)
    unpublished = [p.title for p in packages if p.status != PackageStatus.PUBLISHED]
    if unpublished:
        raise DomainError(
            _("Only published packages can be matched: %(titles)s.") % {"titles": ", ".join(unpublished)},
            code="package_not_published",
        )
    with transaction.atomic():
        row = PackageRequest.objects.select_for_update().get(pk=request.pk)
        known = set(row.matches.values_list("package_id", flat=True))
        new = [p for p in packages if p.pk not in known]
        if not new:
            return []
        matches = [RequestMatch.objects.create(request=row, package=p, confirmed_by=actor) for p in new]
        before = sorted(Package.objects.filter(pk__in=known).values_list("slug", flat=True))
        changes: dict[str, Any] = {"matches": {"before": before, "after": sorted({*before, *(p.slug for p in new)})}}
        if row.status in OPEN_STATUSES:
            changes["status"] = {"before": row.status, "after": RequestStatus.MATCHED}
            row.status = RequestStatus.MATCHED
            row.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="package_request.match", target=row, changes=changes, ip_address=ip_address)
        for match in matches:
            request_match_notify(match_id=match.pk)  # queued in the outbox with the match
    return matches


def request_match_notify(*, match_id: int) -> int:
    """E-mail the consortium of a confirmed match the request's non-confidential part; returns the recipients.

    Never the confidential details or staff notes. Idempotent: a notified match is not sent again.
    """
    from catalog.selectors import consortium_manager_emails

    match = (
        RequestMatch.objects.select_related("request__country", "request__sector", "package__consortium")
        .filter(pk=match_id, notified_at__isnull=True)
        .first()
    )
    if match is None:
        return 0
    recipients = consortium_manager_emails(consortium_id=match.package.consortium_id) or [
        e for e in [settings.AIX_STAFF_INBOX_EMAIL] if e
    ]
    if recipients:
        context = {
            "row": match.request,
            "package": match.package,
            "package_url": absolute_url(reverse("catalog:package_detail", args=[match.package.slug])),
        }
        queue_mail(
            "buyer_requests/email/match_notice",
            context,
            recipients,
            reply_to=[match.request.email],
            dedupe_key=f"package-request-match:{match.pk}",
        )
    RequestMatch.objects.filter(pk=match.pk).update(notified_at=timezone.now())
    return len(recipients)


def package_request_export_record(*, actor: User, count: int, filters: str = "", ip_address: str | None = None) -> None:
    """Record that staff exported ``count`` requests (with contact details) to CSV."""
    _require_staff(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="package_request.export",
            changes={"rows": {"before": None, "after": count}, "filters": {"before": None, "after": filters}},
            ip_address=ip_address,
        )
