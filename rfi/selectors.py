"""Every non-trivial read of the RFI module (querysets with their joins, look-ups)."""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from .models import Answer, Attachment, Notice, Question, Submission, TopicArea

_TRACKING_CLEAN = re.compile(r"[^0-9A-Z]")


def open_notice_count(now: datetime | None = None) -> int:
    """How many RFI notices are open for responses right now."""
    now = now or timezone.now()
    return Notice.objects.filter(opens_at__lte=now, closes_at__gt=now).count()


def notice_list(now: datetime | None = None) -> QuerySet[Notice]:
    """Open notices first (closing soonest first), then upcoming ones, then closed ones (latest first)."""
    now = now or timezone.now()
    return Notice.objects.annotate(
        state=Case(
            When(opens_at__lte=now, closes_at__gt=now, then=Value(0)),
            When(opens_at__gt=now, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("state", Case(When(closes_at__gt=now, then="closes_at")), "-closes_at", "docket_id")


def notice_with_questions(docket_id: str) -> Notice:
    """The notice with its topic areas and their questions prefetched (raises ``Notice.DoesNotExist``)."""
    questions = Question.objects.order_by("position", "id")
    topics = TopicArea.objects.order_by("position", "id").prefetch_related(Prefetch("questions", queryset=questions))
    return Notice.objects.prefetch_related(Prefetch("topic_areas", queryset=topics)).get(docket_id=docket_id)


def numbered_questions(notice: Notice) -> list[tuple[TopicArea, list[tuple[int, Question]]]]:
    """Topic areas with their questions numbered 1..n across the notice (uses the prefetch above)."""
    number = 0
    grouped = []
    for topic in notice.topic_areas.all():
        items = []
        for question in topic.questions.all():
            number += 1
            items.append((number, question))
        grouped.append((topic, items))
    return grouped


def normalize_tracking_number(raw: str) -> str:
    """``aix 7k3m q9pd`` → ``AIX-7K3M-Q9PD`` (spaces, case and missing hyphens forgiven)."""
    chars = _TRACKING_CLEAN.sub("", (raw or "").upper())
    if chars.startswith("AIX"):
        chars = chars[3:]
    if len(chars) != 8:
        return ""
    return f"AIX-{chars[:4]}-{chars[4:]}"


def submission_for_tracking(tracking_number: str, email: str) -> Submission | None:
    """The submission with this number *and* this e-mail, or ``None`` (no hint which of the two was wrong)."""
    number = normalize_tracking_number(tracking_number)
    email = (email or "").strip()
    if not number or not email:
        return None
    return Submission.objects.select_related("notice").filter(tracking_number=number, email__iexact=email).first()


# --- reading room ---------------------------------------------------------------------------


def _public_attachments() -> Prefetch:
    return Prefetch(
        "attachments",
        queryset=Attachment.objects.filter(is_confidential=False).order_by("id"),
        to_attr="public_attachments",
    )


def _answers() -> Prefetch:
    return Prefetch("answers", queryset=Answer.objects.select_related("question", "question__topic_area"))


def reading_room(notice: Notice, *, query: str = "") -> QuerySet[Submission]:
    """The submissions the public may read for a closed notice, with answers and public attachments.

    Held back: spam, duplicates and anything staff hid. Confidential answers are loaded but the
    templates and serializers show only that they were withheld; confidential files are not loaded at all.
    """
    qs = (
        Submission.objects.in_reading_room()
        .filter(notice=notice)
        .select_related("country")
        .prefetch_related(_answers(), _public_attachments())
        .order_by("created_at", "id")
    )
    query = (query or "").strip()[:200]
    if query:
        qs = qs.filter(
            Q(tracking_number__iexact=query)
            | Q(name__icontains=query, respondent_type="individual")
            | Q(organization_name__icontains=query, respondent_type="organization")
            | Q(answers__text__icontains=query, answers__is_confidential=False)
        ).distinct()
    return qs


def reading_room_submission(notice: Notice, tracking_number: str) -> Submission | None:
    return reading_room(notice).filter(tracking_number=normalize_tracking_number(tracking_number)).first()


def attachment_for_download(public_id: str) -> Attachment | None:
    return Attachment.objects.select_related("submission", "submission__notice").filter(public_id=public_id).first()


def attachment_is_public(attachment: Attachment, now: datetime | None = None) -> bool:
    """Anyone may download a non-confidential file of a submission shown in a closed notice's reading room."""
    submission = attachment.submission
    return not attachment.is_confidential and not submission.is_held_back and submission.notice.has_closed(now)


def may_download(user, attachment: Attachment, now: datetime | None = None) -> bool:  # noqa: ANN001
    """Staff always; the submitter's own account; everyone else only public files in the reading room."""
    if getattr(user, "is_authenticated", False) and (
        user.is_staff or (attachment.submission.user_id is not None and attachment.submission.user_id == user.pk)
    ):
        return True
    return attachment_is_public(attachment, now)


def submission_by_number(tracking_number: str) -> Submission | None:
    return Submission.objects.select_related("notice").filter(tracking_number=tracking_number).first()
