"""Staff review services: assign, start review, publish, request changes, reject. Each is audited and
e-mails the submitters after commit."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record
from aiexports.errors import DomainError, NotAllowed
from aiexports.tasks_enqueue import enqueue_on_commit
from catalog import workflow
from catalog.choices import PackageStatus, RejectionReason
from catalog.errors import PublicationBlocked, PublicationNeedsOverride
from catalog.models import Package
from catalog.workflow import Action
from eligibility.selectors import publication_blockers
from eligibility.services import eligibility_check_request

from ._common import lock_package, notify_status_change, require_staff
from .revisions import revision_merge

ASSIGNABLE = workflow.statuses_for(Action.ASSIGN)  # from the transition table (catalog.workflow)


def _require_status(package: Package, action: Action, verb: str) -> str:
    """The status ``action`` leads to, or ``InvalidTransition`` when the transition table forbids it."""
    return workflow.require(package, action, _("Cannot %(verb)s a package that is “%(status)s”."), verb=verb)


def _transition(*, actor: User, package: Package, action: str, old: str, message: str = "", **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=package,
        changes={"status": {"before": old, "after": package.status}, **changes},
        message=message,
    )
    notify_status_change(package)


@transaction.atomic
def package_assign(*, actor: User, package: Package, reviewer: User) -> Package:
    """Make ``reviewer`` (a staff user) responsible for a submitted or in-review package."""
    require_staff(actor)
    if not getattr(reviewer, "is_staff", False):
        raise NotAllowed(_("Only staff users can review packages."))
    package = lock_package(package)
    _require_status(package, Action.ASSIGN, _("assign"))
    old = package.reviewer
    package.reviewer = reviewer
    package.assigned_at = timezone.now()
    package.save(update_fields=["reviewer", "assigned_at", "updated_at"])
    audit_record(
        actor=actor,
        action="package.assign",
        target=package,
        changes={"reviewer": {"before": str(old) if old else None, "after": str(reviewer)}},
    )
    return package


@transaction.atomic
def package_start_review(*, actor: User, package: Package) -> Package:
    """submitted → in review; the actor becomes the reviewer when nobody is assigned."""
    require_staff(actor)
    package = lock_package(package)
    package.status = _require_status(package, Action.START_REVIEW, _("start reviewing"))
    if package.reviewer_id is None:
        package.reviewer = actor
        package.assigned_at = timezone.now()
    package.save(update_fields=["status", "reviewer", "assigned_at", "updated_at"])
    _transition(actor=actor, package=package, action="package.start_review", old=PackageStatus.SUBMITTED)
    return package


@transaction.atomic
def package_publish(
    *,
    actor: User,
    package: Package,
    message: str = "",
    overrides: Collection[str] = (),
    override_reason: str = "",
) -> Package:
    """in review → published (a designation), after the reviewer has seen the decision panel.

    Refused while the eligibility module reports blockers (screening hits: never overridable). Every warning of
    the decision panel (``catalog.review_panel``: prohibited or licensed targets, U.S.-origin share, members in or
    controlled from a country of concern, unverified members, an incomplete package, offices that have not
    answered or object) must be listed in ``overrides`` and ``override_reason`` must say why; the warnings, the
    overrides and the reason go into the audit row. ``message`` is the public feedback the submitter sees; the
    override reason is internal.

    Approving a revision copies it onto the published package (whose slug and URL stay) and closes it.
    Returns the package the public sees.
    """
    from catalog.review_panel import publication_warnings

    require_staff(actor)
    package = lock_package(package)
    _require_status(package, Action.PUBLISH, _("publish"))
    blockers = publication_blockers(consortium_id=package.consortium_id)
    if blockers:
        raise PublicationBlocked(
            _("Publication is blocked: %(reasons)s") % {"reasons": " ".join(str(b) for b in blockers)},
            blockers=[str(b) for b in blockers],
        )
    warnings = publication_warnings(package)
    uncovered = [w for w in warnings if w.code not in set(overrides)]
    reason = (override_reason or "").strip()
    if uncovered:
        raise PublicationNeedsOverride(
            _("Publishing needs an explicit override of each warning: %(warnings)s")
            % {"warnings": " ".join(w.message for w in uncovered)},
            warnings=[w.as_dict() for w in uncovered],
        )
    if warnings and not reason:
        raise PublicationNeedsOverride(
            _("Give the reason for publishing over the warnings."),
            code="override_reason_required",
            warnings=[w.as_dict() for w in warnings],
        )
    decision = (
        {
            "warnings": [w.as_dict() for w in warnings],
            "overrides": [w.code for w in warnings],
            "override_reason": reason,
        }
        if warnings
        else {"warnings": []}
    )
    now = timezone.now()
    package.reviewer_feedback = message
    package.reviewed_at = now
    if package.revision_of_id:
        package.save(update_fields=["reviewer_feedback", "reviewed_at", "updated_at"])
        public = revision_merge(revision=package)
        package.status = PackageStatus.MERGED
        _transition(
            actor=actor, package=package, action="package.publish_revision", old=PackageStatus.IN_REVIEW,
            message=message, published_package=public.slug, **decision,
        )  # fmt: skip
        audit_record(actor=actor, action="package.revision_merged", target=public, changes={"revision": package.slug})
        eligibility_check_request(package_id=public.pk, actor=actor)
        return public
    package.status = PackageStatus.PUBLISHED
    package.published_at = now
    package.save(update_fields=["status", "published_at", "reviewer_feedback", "reviewed_at", "updated_at"])
    _transition(
        actor=actor, package=package, action="package.publish", old=PackageStatus.IN_REVIEW, message=message, **decision
    )
    _alerts_match_on_commit(package.pk)
    return package


def _alerts_match_on_commit(package_id: int) -> None:
    """Availability alerts (``alerts``): which saved searches a newly published package matches, once committed."""
    enqueue_on_commit("alerts.tasks.alerts_match_package", package_id)


@transaction.atomic
def package_request_changes(*, actor: User, package: Package, message: str) -> Package:
    """in review → changes requested, with a message the submitter sees on the dashboard and by e-mail."""
    require_staff(actor)
    if not message.strip():
        raise DomainError(_("Tell the submitter what to change."), code="message_required")
    package = lock_package(package)
    package.status = _require_status(package, Action.REQUEST_CHANGES, _("request changes to"))
    package.reviewer_feedback = message.strip()
    package.reviewed_at = timezone.now()
    package.save(update_fields=["status", "reviewer_feedback", "reviewed_at", "updated_at"])
    _transition(
        actor=actor, package=package, action="package.request_changes", old=PackageStatus.IN_REVIEW, message=message
    )
    return package


@transaction.atomic
def package_reject(*, actor: User, package: Package, reason: str, message: str = "") -> Package:
    """in review → rejected, with a coded reason (``RejectionReason``) and an optional message."""
    require_staff(actor)
    if reason not in RejectionReason.values:
        raise DomainError(_("Choose a rejection reason from the list."), code="invalid_reason")
    if reason == RejectionReason.OTHER and not message.strip():
        raise DomainError(_("Explain the reason in the message."), code="message_required")
    package = lock_package(package)
    package.status = _require_status(package, Action.REJECT, _("reject"))
    package.rejection_reason = reason
    package.reviewer_feedback = message.strip()
    package.reviewed_at = timezone.now()
    package.save(update_fields=["status", "rejection_reason", "reviewer_feedback", "reviewed_at", "updated_at"])
    _transition(
        actor=actor, package=package, action="package.reject", old=PackageStatus.IN_REVIEW, message=message,
        reason=reason,
    )  # fmt: skip
    return package
