"""The interagency consultation of a designation: an office's answer, and staff changes to the office list.

Only a member of an office's staff group answers for that office. Superusers get no exemption: a superuser who
is not in the group is refused like anyone else, so no answer is ever given silently in another office's name
(an administrator who must answer for an office joins its group first, which the audit log records as a change
of the user's groups).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record, field_changes, snapshot
from aiexports.errors import DomainError, NotAllowed
from catalog import workflow
from catalog.choices import ConsultationPosition
from catalog.models import ConsultationAnswer, ConsultedOffice, Package

from ._common import lock_package, require_staff

OFFICE_FIELDS = ("code", "name", "group", "active", "position")


def _require_office_member(actor: User, office: ConsultedOffice) -> None:
    require_staff(actor)
    if not actor.groups.filter(pk=office.group_id).exists():
        raise NotAllowed(
            _("Only members of the group “%(group)s” may answer for %(office)s.")
            % {"group": office.group.name, "office": office.name}
        )


@transaction.atomic
def consultation_answer(
    *, actor: User, package: Package, office: ConsultedOffice, position: str, comment: str = ""
) -> ConsultationAnswer:
    """Record (or change) ``office``'s answer for a package in review: concurrence, objection (its text is
    required) or no comment. The comment is internal: submitters and the public never see it."""
    _require_office_member(actor, office)
    if not office.active:
        raise DomainError(_("%(office)s is no longer consulted.") % {"office": office.name}, code="office_inactive")
    if position not in ConsultationPosition.values:
        raise DomainError(_("Choose concurrence, objection or no comment."), code="invalid_position")
    comment = (comment or "").strip()
    if position == ConsultationPosition.OBJECT and not comment:
        raise DomainError(_("Explain the objection."), code="objection_text_required")
    package = lock_package(package)
    if not workflow.can(workflow.Action.CONSULT, package.status):
        raise DomainError(
            _("Offices answer only while a package is in review; this one is “%(status)s”.")
            % {"status": package.get_status_display()},
            code="invalid_status",
        )
    answer = ConsultationAnswer.objects.select_for_update().filter(package=package, office=office).first()
    before = snapshot(answer, ("position", "comment", "answered_by")) if answer else {}
    if answer is None:
        answer = ConsultationAnswer(package=package, office=office)
    answer.position, answer.comment, answer.answered_by, answer.answered_at = position, comment, actor, timezone.now()
    answer.save()
    audit_record(
        actor=actor,
        action="package.consultation_answer",
        target=package,
        changes={
            "office": office.name,
            **field_changes(before, snapshot(answer, ("position", "comment", "answered_by"))),
        },
    )
    return answer


@transaction.atomic
def consulted_office_save(*, actor: User, office: ConsultedOffice) -> ConsultedOffice:
    """Add or change a consulted office (staff, from the admin), audited with its before and after."""
    require_staff(actor)
    stored = ConsultedOffice.objects.filter(pk=office.pk).first() if office.pk else None
    before = snapshot(stored, OFFICE_FIELDS) if stored else {}
    office.full_clean()
    office.save()
    audit_record(
        actor=actor,
        action="consulted_office.change" if stored else "consulted_office.create",
        target=office,
        changes=field_changes(before, snapshot(office, OFFICE_FIELDS)),
    )
    return office
