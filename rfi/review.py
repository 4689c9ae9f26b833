"""Staff review of RFI submissions: assign, change status, tag, mark spam, hide, internal notes, campaigns.

Every function is keyword-only and runs in one transaction that also writes one audit row per submission
it changed (nothing is recorded for a no-op). The rows are locked first, so two reviewers acting on the
same submissions at once are serialized and each audit row's "before" is what was really replaced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record
from aiexports.errors import DomainError, NotAllowed

from .choices import SubmissionStatus
from .models import Attachment, InternalNote, Submission, Tag

NOTE_MAX_LENGTH = 10000
TagThrough = Submission.tags.through


def _require_staff(actor: User) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_staff and actor.is_active):
        raise NotAllowed(_("Only staff may review RFI submissions."))


def _locked(submission_ids: Iterable[int]) -> list[Submission]:
    ids = sorted({int(pk) for pk in submission_ids})
    return list(Submission.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def submission_assign(
    *, actor: User, submission_ids: Collection[int], reviewer: User | None, ip_address: str | None = None
) -> int:
    """Assign the submissions to ``reviewer`` (an active staff member), or unassign with ``None``."""
    _require_staff(actor)
    if reviewer is not None and not (reviewer.is_staff and reviewer.is_active):
        raise NotAllowed(_("%(user)s is not an active staff member.") % {"user": reviewer})
    new_id = reviewer.pk if reviewer is not None else None
    with transaction.atomic():
        changed = [s for s in _locked(submission_ids) if s.assigned_reviewer_id != new_id]
        if not changed:
            return 0
        users = get_user_model().objects.in_bulk({s.assigned_reviewer_id for s in changed} - {None})
        Submission.objects.filter(pk__in=[s.pk for s in changed]).update(
            assigned_reviewer=reviewer, updated_at=timezone.now()
        )
        for submission in changed:
            before = users.get(submission.assigned_reviewer_id)
            audit_record(
                actor=actor,
                action="rfi.submission.assign",
                target=submission,
                changes={
                    "assigned_reviewer": {
                        "before": str(before) if before else None,
                        "after": str(reviewer) if reviewer else None,
                    }
                },
                ip_address=ip_address,
            )
    return len(changed)


def submission_set_status(
    *,
    actor: User,
    submission_ids: Collection[int],
    status: str,
    ip_address: str | None = None,
    action: str = "rfi.submission.status",
    message: str = "",
) -> int:
    """Set the review status. Any status may follow any other: staff correct mistakes (spam that was not)."""
    _require_staff(actor)
    if status not in SubmissionStatus.values:
        raise DomainError(_("“%(status)s” is not a submission status.") % {"status": status}, code="invalid_status")
    with transaction.atomic():
        changed = [s for s in _locked(submission_ids) if s.status != status]
        if not changed:
            return 0
        Submission.objects.filter(pk__in=[s.pk for s in changed]).update(status=status, updated_at=timezone.now())
        for submission in changed:
            audit_record(
                actor=actor,
                action=action,
                target=submission,
                changes={"status": {"before": submission.status, "after": status}},
                message=message,
                ip_address=ip_address,
            )
    return len(changed)


def submission_mark_spam(*, actor: User, submission_ids: Collection[int], ip_address: str | None = None) -> int:
    """Spam is held back from the reading room (see ``HELD_BACK_STATUSES``)."""
    return submission_set_status(
        actor=actor,
        submission_ids=submission_ids,
        status=SubmissionStatus.SPAM,
        ip_address=ip_address,
        action="rfi.submission.spam",
    )


def campaign_set_status(
    *, actor: User, campaign_group_ids: Collection[int], status: str, ip_address: str | None = None
) -> int:
    """Set the status of every member of the campaign groups at once (a mass campaign is one decision)."""
    ids = list(Submission.objects.filter(campaign_group_id__in=list(campaign_group_ids)).values_list("pk", flat=True))
    groups = ", ".join(f"#{pk}" for pk in sorted(campaign_group_ids))
    return submission_set_status(
        actor=actor,
        submission_ids=ids,
        status=status,
        ip_address=ip_address,
        action="rfi.campaign.status",
        message=f"campaign group {groups}",
    )


def submission_tag(
    *,
    actor: User,
    submission_ids: Collection[int],
    add: Collection[Tag] = (),
    remove: Collection[Tag] = (),
    ip_address: str | None = None,
) -> int:
    """Add and remove topic tags on the submissions (a tag both added and removed is added)."""
    _require_staff(actor)
    add_ids = {t.pk for t in add}
    remove_ids = {t.pk for t in remove} - add_ids
    names = {t.pk: t.name for t in [*add, *remove]}
    with transaction.atomic():
        submissions = _locked(submission_ids)
        current: dict[int, set[int]] = defaultdict(set)
        rows = TagThrough.objects.filter(submission_id__in=[s.pk for s in submissions])
        for submission_id, tag_id in rows.values_list("submission_id", "tag_id"):
            current[submission_id].add(tag_id)
        names.update(Tag.objects.filter(pk__in=set().union(*current.values())).values_list("pk", "name"))
        changed = 0
        for submission in submissions:
            before = current[submission.pk]
            after = (before | add_ids) - remove_ids
            if after == before:
                continue
            changed += 1
            TagThrough.objects.bulk_create(
                [TagThrough(submission_id=submission.pk, tag_id=pk) for pk in after - before], ignore_conflicts=True
            )
            TagThrough.objects.filter(submission_id=submission.pk, tag_id__in=before - after).delete()
            audit_record(
                actor=actor,
                action="rfi.submission.tag",
                target=submission,
                changes={
                    "tags": {"before": sorted(names[p] for p in before), "after": sorted(names[p] for p in after)}
                },
                ip_address=ip_address,
            )
    return changed


def submission_set_hidden(
    *, actor: User, submission_ids: Collection[int], hidden: bool, ip_address: str | None = None
) -> int:
    """Hold the submissions back from the public reading room, or show them again."""
    _require_staff(actor)
    with transaction.atomic():
        changed = [s for s in _locked(submission_ids) if s.hidden_from_reading_room != hidden]
        if not changed:
            return 0
        Submission.objects.filter(pk__in=[s.pk for s in changed]).update(
            hidden_from_reading_room=hidden, updated_at=timezone.now()
        )
        for submission in changed:
            audit_record(
                actor=actor,
                action="rfi.submission.hide" if hidden else "rfi.submission.show",
                target=submission,
                changes={"hidden_from_reading_room": {"before": not hidden, "after": hidden}},
                ip_address=ip_address,
            )
    return len(changed)


def submission_review_update(
    *,
    actor: User,
    submission_id: int,
    status: str,
    assigned_reviewer: User | None,
    hidden_from_reading_room: bool,
    tags: Collection[Tag],
    ip_address: str | None = None,
) -> None:
    """Save the review fields of the change page: each change through its own service, all in one transaction."""
    ids = [submission_id]
    with transaction.atomic():
        current = set(Tag.objects.filter(submissions__pk=submission_id))
        submission_set_status(actor=actor, submission_ids=ids, status=status, ip_address=ip_address)
        submission_assign(actor=actor, submission_ids=ids, reviewer=assigned_reviewer, ip_address=ip_address)
        submission_set_hidden(actor=actor, submission_ids=ids, hidden=hidden_from_reading_room, ip_address=ip_address)
        submission_tag(
            actor=actor, submission_ids=ids, add=set(tags) - current, remove=current - set(tags), ip_address=ip_address
        )


def internal_note_add(*, actor: User, submission: Submission, text: str, ip_address: str | None = None) -> InternalNote:
    """A private note by the acting reviewer; author and time are set here and never edited afterwards."""
    _require_staff(actor)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note before saving it."), code="empty_note")
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(
            _("A note is at most %(max)s characters long.") % {"max": NOTE_MAX_LENGTH}, code="note_too_long"
        )
    with transaction.atomic():
        note = InternalNote.objects.create(submission=submission, author=actor, text=text)
        audit_record(
            actor=actor,
            action="rfi.note.add",
            target=submission,
            message=f"internal note #{note.pk} ({len(text)} characters)",
            ip_address=ip_address,
        )
    return note


def attachment_download_audit(
    *, actor: User | AnonymousUser, attachment: Attachment, ip_address: str | None = None
) -> bool:
    """Record a staff member's download of an attachment (confidential files included); others are not audited.

    Called by the download view once permission is granted and the file is open, so a failed download
    leaves no row. Returns whether a row was written.
    """
    if not (getattr(actor, "is_authenticated", False) and actor.is_staff):
        return False
    audit_record(
        actor=actor,
        action="rfi.attachment.download",
        target=attachment.submission,
        changes={
            "attachment": str(attachment.public_id),
            "file": attachment.original_name,
            "confidential": attachment.is_confidential,
        },
        message=f"downloaded “{attachment.original_name}”",
        ip_address=ip_address,
    )
    return True
