"""CSV export of the review queue: streamed, one row per submission, each question's answer in its own column.

Rows are read with ``iterator(chunk_size=…)``: Django runs the prefetches (answers, attachments, tags)
once per chunk, so memory stays flat and the query count does not grow with the number of rows.
Every cell is guarded against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record
from aiexports.http import client_ip, signed_in_user
from aiexports.streaming import Echo, csv_safe

from .models import Answer, Attachment, Question, Submission

CHUNK_SIZE = 500
_ZERO_UUID = "00000000-0000-0000-0000-000000000000"


def safe_cell(value: Any) -> str:
    """The text of a cell, with a leading ``'`` when a spreadsheet would otherwise run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return csv_safe(str(value))


def with_campaign_size(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    """Annotate ``campaign_size``: how many submissions share the campaign group (0 outside any group)."""
    if "campaign_size" in queryset.query.annotations:
        return queryset
    sizes = (
        Submission.objects.filter(campaign_group_id=OuterRef("campaign_group_id"))
        .order_by()
        .values("campaign_group_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(campaign_size=Coalesce(Subquery(sizes, output_field=IntegerField()), Value(0)))


def export_queryset(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return (
        with_campaign_size(queryset)
        .select_related("notice", "country", "assigned_reviewer")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by().only("submission_id", "question_id", "text")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
            "tags",
        )
    )


def _questions(queryset: QuerySet[Submission]) -> list[Question]:
    notice_ids = queryset.order_by().values("notice_id")
    return list(
        Question.objects.filter(notice_id__in=notice_ids)
        .select_related("notice")
        .order_by("notice__docket_id", "topic_area__position", "position", "id")
    )


def _header(questions: list[Question]) -> list[str]:
    fixed = [
        _("tracking number"), _("docket"), _("received (UTC)"), _("status"), _("responding as"), _("name"),
        _("e-mail"), _("organization"), _("organization type"), _("country"), _("confidential"),
        _("confidentiality justification"), _("late"), _("assigned reviewer"), _("topic tags"),
        _("possible duplicate (same e-mail)"), _("campaign group"), _("campaign size"),
        _("hidden from the reading room"),
    ]  # fmt: skip
    numbers: dict[int, int] = {}
    columns = []
    for question in questions:
        numbers[question.notice_id] = numbers.get(question.notice_id, 0) + 1
        columns.append(f"{question.notice.docket_id} Q{numbers[question.notice_id]}: {question.text[:80]}")
    return [*fixed, *columns, _("attachments")]


def export_rows(queryset: QuerySet[Submission], *, base_url: str) -> Iterator[list[str]]:
    """The header, then one row per submission (cells already guarded)."""
    questions = _questions(queryset)
    yield [safe_cell(cell) for cell in _header(questions)]
    link = base_url.rstrip("/") + reverse("rfi:attachment", args=[_ZERO_UUID])
    for s in export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE):
        answers = {a.question_id: a.text for a in s.answers.all()}
        files = "\n".join(
            f"{a.original_name}{' [' + _('confidential') + ']' if a.is_confidential else ''}: "
            + link.replace(_ZERO_UUID, str(a.public_id))
            for a in s.attachments.all()
        )
        row = [
            s.tracking_number, s.notice.docket_id, s.created_at.astimezone(UTC).isoformat(),
            s.get_status_display(), s.get_respondent_type_display(), s.name, s.email, s.organization_name,
            s.get_organization_type_display(), s.country_id or "", s.is_confidential,
            s.confidentiality_justification, s.is_late, s.assigned_reviewer or "",
            "; ".join(t.name for t in s.tags.all()), s.is_duplicate_flag, s.campaign_group_id or "",
            s.campaign_size or "", s.hidden_from_reading_room,  # type: ignore[attr-defined]  # annotated
            *(answers.get(q.pk, "") for q in questions), files,
        ]  # fmt: skip
        yield [safe_cell(cell) for cell in row]


def submission_export_record(*, actor: User, filters: str, rows: int, selected: bool, ip_address: str | None) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="rfi.submission.export",
            changes={"filters": filters, "rows": rows, "selected_only": selected},
            message=f"CSV export of {rows} submissions" + (f" ({filters})" if filters else ""),
            ip_address=ip_address,
        )


def csv_response(
    request: HttpRequest, queryset: QuerySet[Submission], *, filters: str, selected: bool
) -> StreamingHttpResponse:
    """Record the export (who, which filter, how many rows), then stream the file."""
    submission_export_record(
        actor=signed_in_user(request),
        filters=filters,
        rows=queryset.count(),
        selected=selected,
        ip_address=client_ip(request),
    )
    writer = csv.writer(Echo())
    base_url = request.build_absolute_uri("/")

    def stream() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so spreadsheet programs read UTF-8
        for row in export_rows(queryset, base_url=base_url):
            yield writer.writerow(row)

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rfi-submissions-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
