"""Every write of the RFI module. Keyword-only, typed, one transaction with its audit row."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.audit.services import audit_record
from aiexports.errors import DomainError
from aiexports.uploads import client_name, refusal_message
from catalog.models import Country

from . import filetypes
from .choices import RespondentType
from .duplicates import enqueue_campaign_detection
from .models import Answer, Attachment, Notice, Question, Submission, generate_tracking_number

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"
FILE_FIELDS = ("attachments", "confidential_attachments", "public_versions")
# An idempotency key: 16-64 letters, digits, "-" or "_" (a UUID fits). Kept in step with the API's OpenAPI pattern.
SUBMISSION_KEY_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
_SUBMISSION_KEY_RE = re.compile(SUBMISSION_KEY_PATTERN)


def submission_key_is_valid(key: str) -> bool:
    return bool(_SUBMISSION_KEY_RE.fullmatch(key or ""))


class Upload(Protocol):
    """What the service needs of an uploaded file (Django's ``UploadedFile`` fits)."""

    name: str | None
    size: int | None

    def read(self, size: int = ...) -> bytes: ...


class SubmissionInvalid(DomainError):
    """The response cannot be accepted. ``errors`` maps a field (or ``non_field_errors``) to messages."""

    code = "invalid_submission"

    def __init__(self, errors: Mapping[str, list[str]], *, code: str | None = None) -> None:
        super().__init__(_("The response could not be accepted."), code=code, errors=dict(errors))
        self.errors = dict(errors)


@dataclass(frozen=True)
class _CheckedFile:
    field: str
    name: str
    kind: str
    content_type: str
    data: bytes
    sha256: str


def rfi_submission_create(
    *,
    notice: Notice,
    respondent_type: str,
    answers: Mapping[int, str],
    name: str = "",
    email: str = "",
    organization_name: str = "",
    organization_type: str = "",
    country: Country | None = None,
    confidential_answer_ids: Collection[int] = (),
    is_confidential: bool = False,
    confidentiality_justification: str = "",
    certified: bool = False,
    attachments: Sequence[Upload] = (),
    confidential_attachments: Sequence[Upload] = (),
    public_versions: Sequence[Upload] = (),
    user: Any = None,
    ip_address: str | None = None,
    language: str = "",
    now: datetime | None = None,
    submission_key: str | None = None,
) -> Submission:
    """Validate and store a response to ``notice``; e-mail a receipt after commit.

    Every problem is collected and raised at once as ``SubmissionInvalid`` before anything is written,
    so a refused response leaves no row and no file behind. When the respondent claims confidentiality
    without marking particular answers or files, the whole response is treated as confidential.

    ``submission_key`` makes the call idempotent (a retry after a lost answer, a double click): when a
    submission with that key already exists for ``notice``, it is returned with ``is_replay`` set, nothing is
    stored and no receipt is sent. The key identifies the attempt, not the content: a key re-used with
    different answers still returns the earlier submission unchanged. Two concurrent calls with one key are
    settled by the unique constraint: the loser's rows and files are rolled back and it returns the winner's.
    """
    if submission_key is not None and not submission_key_is_valid(submission_key):
        raise SubmissionInvalid(
            {"submission_key": [_("The submission key must be 16 to 64 letters, digits, '-' or '_'.")]},
            code="invalid_submission_key",
        )
    existing = _submission_for_key(notice, submission_key)
    if existing is not None:
        return existing
    now = now or timezone.now()
    _refuse_if_closed(notice, now)
    errors: dict[str, list[str]] = defaultdict(list)
    email = (email or "").strip().lower()
    _check_identity(respondent_type, name, email, organization_name, errors)
    texts = _check_answers(notice, answers, confidential_answer_ids, errors)
    confidential_ids = {q for q in map(_as_int, confidential_answer_ids) if q in texts}
    whole_is_confidential = is_confidential and not confidential_ids and not confidential_attachments
    claims_confidentiality = is_confidential or bool(confidential_ids) or bool(confidential_attachments)
    _check_confidentiality(
        claims_confidentiality, confidentiality_justification, confidential_attachments, public_versions, errors
    )
    if not certified:
        errors["certified"].append(_("Please confirm that the information you give is accurate."))
    files = _check_files(notice, attachments, confidential_attachments, public_versions, errors)
    if errors:
        raise SubmissionInvalid(errors)

    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            submission = _insert_submission(
                notice=notice,
                respondent_type=respondent_type,
                name="" if respondent_type == RespondentType.ANONYMOUS else name.strip(),
                email=email,
                organization_name=organization_name.strip() if respondent_type != RespondentType.ANONYMOUS else "",
                organization_type=organization_type if respondent_type != RespondentType.ANONYMOUS else "",
                country=country,
                user=user if getattr(user, "is_authenticated", False) else None,
                is_confidential=claims_confidentiality,
                confidentiality_justification=(confidentiality_justification or "").strip()
                if claims_confidentiality
                else "",
                certified=True,
                is_late=notice.has_closed(now),
                ip_address=ip_address,
                language=language[:10],
                submission_key=submission_key or None,
            )
            Answer.objects.bulk_create(
                Answer(
                    submission=submission,
                    question_id=qid,
                    text=text,
                    is_confidential=whole_is_confidential or qid in confidential_ids,
                )
                for qid, text in texts.items()
            )
            _store_files(submission, files, whole_is_confidential, into=stored)
            submission.is_duplicate_flag = _flag_duplicate(submission)
            audit_record(
                actor=user,
                action="rfi.submission.create",
                target=submission,
                message=f"{notice.docket_id}: {len(texts)} answers, {len(stored)} files"
                + (" (possible duplicate)" if submission.is_duplicate_flag else ""),
                ip_address=ip_address,
            )
            enqueue_campaign_detection(submission.pk)
            if submission.email:
                rfi_receipt_send(submission_id=submission.pk)
    except Exception as exc:
        for attachment in stored:  # the rows rolled back; do not leave their files behind
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        if isinstance(exc, IntegrityError):  # a concurrent call with the same key committed first
            existing = _submission_for_key(notice, submission_key)
            if existing is not None:
                return existing
        raise
    return submission


def _submission_for_key(notice: Notice, submission_key: str | None) -> Submission | None:
    """The submission already stored for ``notice`` under ``submission_key``, marked as a replay."""
    if not submission_key:
        return None
    existing = Submission.objects.filter(notice=notice, submission_key=submission_key).first()
    if existing is not None:
        existing.is_replay = True
    return existing


# --- validation --------------------------------------------------------------------------------


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _refuse_if_closed(notice: Notice, now: datetime) -> None:
    if notice.accepts_submissions(now):
        return
    if not notice.has_opened(now):
        message = _("This request for information is not open for responses yet.")
    else:
        message = _("This request for information closed on %(date)s and no longer accepts responses.") % {
            "date": timezone.localtime(notice.closes_at).strftime("%Y-%m-%d %H:%M %Z")
        }
    raise SubmissionInvalid({NON_FIELD: [message]}, code="notice_closed")


def _check_confidentiality(
    claims: bool,
    justification: str,
    confidential_attachments: Sequence[Upload],
    public_versions: Sequence[Upload],
    errors: dict[str, list[str]],
) -> None:
    if claims and not (justification or "").strip():
        errors["confidentiality_justification"].append(
            _("Explain why the confidential information should not be disclosed.")
        )
    if len(public_versions) > len(confidential_attachments):
        errors["public_versions"].append(_("Each public version must belong to a confidential file you attach."))


def _check_identity(
    respondent_type: str, name: str, email: str, organization_name: str, errors: dict[str, list[str]]
) -> None:
    if respondent_type not in RespondentType.values:
        errors["respondent_type"].append(
            _("Choose whether you respond as an individual, an organization or anonymously.")
        )
        return
    if respondent_type == RespondentType.ANONYMOUS:
        return
    if not (name or "").strip():
        errors["name"].append(_("Enter your name, or choose to respond anonymously."))
    if not email:
        errors["email"].append(_("Enter your e-mail address so we can send you a receipt."))
    if respondent_type == RespondentType.ORGANIZATION and not (organization_name or "").strip():
        errors["organization_name"].append(_("Enter the name of the organization you respond for."))


def _check_answers(
    notice: Notice, answers: Mapping[int, str], confidential_ids: Collection[int], errors: dict[str, list[str]]
) -> dict[int, str]:
    """The non-empty answers keyed by question id, after checking ids and lengths."""
    questions = {q.pk: q for q in Question.objects.filter(notice=notice).only("pk", "max_length")}
    texts: dict[int, str] = {}
    for raw_id, raw_text in answers.items():
        qid = _as_int(raw_id)
        question = questions.get(qid)
        text = (raw_text or "").replace("\r\n", "\n").strip()
        if question is None:
            errors[NON_FIELD].append(_("Question %(id)s is not part of this notice.") % {"id": raw_id})
            continue
        if not text:
            continue
        if "\x00" in text:
            errors[f"answer_{qid}"].append(_("This answer contains a character that is not allowed (NUL)."))
            continue
        if len(text) > question.max_length:
            errors[f"answer_{qid}"].append(
                _("This answer is %(length)s characters long; the limit is %(max)s.")
                % {"length": len(text), "max": question.max_length}
            )
        texts[qid] = text
    if not texts and not any(k.startswith("answer_") for k in errors):
        errors[NON_FIELD].append(_("Answer at least one question."))
    for raw_id in confidential_ids:
        if _as_int(raw_id) not in questions:
            errors[NON_FIELD].append(_("Question %(id)s is not part of this notice.") % {"id": raw_id})
    return texts


def _check_files(
    notice: Notice,
    attachments: Sequence[Upload],
    confidential_attachments: Sequence[Upload],
    public_versions: Sequence[Upload],
    errors: dict[str, list[str]],
) -> list[_CheckedFile]:
    groups = {
        "attachments": attachments,
        "confidential_attachments": confidential_attachments,
        "public_versions": public_versions,
    }
    total = sum(len(files) for files in groups.values())
    if total > notice.max_attachment_count:
        errors["attachments"].append(
            _("You attached %(count)s files; at most %(max)s are accepted.")
            % {"count": total, "max": notice.max_attachment_count}
        )
        return []
    checked: list[_CheckedFile] = []
    for field, files in groups.items():
        for upload in files:
            try:
                checked.append(_check_one_file(notice, field, upload))
            except filetypes.FileRejected as exc:
                errors[field].append(refusal_message(client_name(upload), exc))
    return checked


def _check_one_file(notice: Notice, field: str, upload: Upload) -> _CheckedFile:
    name = filetypes.sanitize_filename(client_name(upload))  # as sent: Django's parser cleans names quietly
    size = upload.size if upload.size is not None else None
    if size is not None and size > notice.max_attachment_size:
        raise filetypes.FileRejected(
            _("it is %(size)s; the limit is %(max)s")
            % {"size": filesizeformat(size), "max": filesizeformat(notice.max_attachment_size)}
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(notice.max_attachment_size + 1)
    if len(data) > notice.max_attachment_size:
        raise filetypes.FileRejected(
            _("it is larger than the limit of %(max)s") % {"max": filesizeformat(notice.max_attachment_size)}
        )
    detected = filetypes.detect(data)
    if detected.kind not in (notice.allowed_attachment_types or []):
        raise filetypes.FileRejected(
            _("%(kind)s files are not accepted for this notice (accepted: %(allowed)s)")
            % {"kind": detected.kind.upper(), "allowed": ", ".join(notice.allowed_type_labels)}
        )
    filetypes.check_name_matches(name, detected.kind)
    return _CheckedFile(
        field=field,
        name=filetypes.name_for(name, detected.kind),
        kind=detected.kind,
        content_type=detected.content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


# --- writing -----------------------------------------------------------------------------------


def _insert_submission(**fields: Any) -> Submission:
    """Insert with a fresh tracking number; retry on the (astronomically rare) collision."""
    for _attempt in range(5):
        tracking_number = generate_tracking_number()
        try:
            with transaction.atomic():
                return Submission.objects.create(tracking_number=tracking_number, **fields)
        except IntegrityError:
            if not Submission.objects.filter(tracking_number=tracking_number).exists():
                raise
    raise RuntimeError("could not find a free tracking number")


def _store_files(
    submission: Submission, files: Iterable[_CheckedFile], whole_is_confidential: bool, *, into: list[Attachment]
) -> list[Attachment]:
    """Write each file, then its row. Each written file is in ``into`` at once, so that when a later row fails
    (a dropped database connection) the caller deletes every file already written, not only a finished list."""
    stored = into
    confidential: list[Attachment] = []
    for checked in files:
        is_public_version = checked.field == "public_versions"
        attachment = Attachment(
            submission=submission,
            original_name=checked.name,
            kind=checked.kind,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            is_confidential=not is_public_version
            and (whole_is_confidential or checked.field == "confidential_attachments"),
        )
        if is_public_version:
            # Public versions pair with confidential files in the order both were attached.
            index = sum(1 for a in stored if a.public_version_of_id is not None)
            attachment.public_version_of = confidential[index] if index < len(confidential) else None
        attachment.file.save("upload", ContentFile(checked.data), save=False)
        stored.append(attachment)
        attachment.save()
        if checked.field == "confidential_attachments":
            confidential.append(attachment)
    return stored


def _flag_duplicate(submission: Submission) -> bool:
    """One response per individual or institution: a second one from the same e-mail is kept but flagged."""
    if not submission.email:
        return False
    others = Submission.objects.filter(notice_id=submission.notice_id, email__iexact=submission.email).exclude(
        pk=submission.pk
    )
    if not others.exists():
        return False
    Submission.objects.filter(pk=submission.pk).update(is_duplicate_flag=True)
    return True


def rfi_receipt_send(*, submission_id: int) -> bool:
    """Queue the receipt once (in the outbox, in the caller's transaction; sent after commit).

    A conditional UPDATE stamps ``receipt_sent_at`` (the receipt is queued) so a second call queues nothing; the
    outbox row, keyed by the submission, is delivered once and re-sent by its sweeper if a message is lost.
    """
    from .notifications import queue_receipt

    with transaction.atomic():
        claimed = Submission.objects.filter(pk=submission_id, receipt_sent_at__isnull=True).exclude(email="")
        if not claimed.update(receipt_sent_at=timezone.now()):
            return False
        queue_receipt(Submission.objects.select_related("notice").get(pk=submission_id))
    return True
