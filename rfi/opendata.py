"""Open data: a closed notice's public submissions (the reading room's content), as rows for a stream.

Only what the reading room shows: ``selectors.reading_room`` excludes held-back submissions and loads only
non-confidential attachments; confidential answers are marked as withheld and their text is never read
out. E-mail addresses, IP addresses, review state and internal notes are not part of a record.
Read in chunks, so the number of queries grows with the number of chunks, never with the submissions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from . import selectors
from .models import Notice, Submission

CHUNK_SIZE = 500
WITHHELD = "[withheld: confidential business information]"
SUBMISSION_FIELDS = ["tracking_number", "received", "respondent", "respondent_type", "organization_type", "country"]


def question_columns(notice: Notice) -> list[tuple[int, Any]]:
    """``[(number, question), ...]`` in the notice's order (uses ``notice_with_questions``'s prefetch)."""
    return [item for _topic, items in selectors.numbered_questions(notice) for item in items]


def submission_record(
    submission: Submission, numbers: dict[int, int], absolute: Callable[[str], str]
) -> dict[str, Any]:
    answers = sorted(submission.answers.all(), key=lambda a: numbers.get(a.question_id, 0))
    return {
        "tracking_number": submission.tracking_number,
        "received": submission.created_at,
        "respondent": submission.display_name,
        "respondent_type": submission.respondent_type,
        "organization_type": submission.organization_type,
        "country": submission.country_id or "",
        "answers": [
            {
                "question_number": numbers.get(answer.question_id),
                "question": answer.question.text,
                "withheld": answer.is_confidential,
                "text": None if answer.is_confidential else answer.text,
            }
            for answer in answers
        ],
        "attachments": [
            {
                "name": attachment.original_name,
                "kind": attachment.kind,
                "size": attachment.size,
                "url": absolute(attachment.get_absolute_url()),
                "public_version_of_confidential_file": attachment.public_version_of_id is not None,
            }
            for attachment in submission.public_attachments  # type: ignore[attr-defined]  # a Prefetch to_attr
        ],
    }


def submission_records(
    notice: Notice, *, absolute: Callable[[str], str] = str, chunk_size: int = CHUNK_SIZE
) -> Iterator[dict[str, Any]]:
    numbers = {question.pk: number for number, question in question_columns(notice)}
    for submission in selectors.reading_room(notice).iterator(chunk_size=chunk_size):
        yield submission_record(submission, numbers, absolute)


def csv_header(notice: Notice) -> list[str]:
    questions = [f"Q{number}: {question.text}" for number, question in question_columns(notice)]
    return [*SUBMISSION_FIELDS, *questions, "attachments"]


def csv_rows(notice: Notice, records: Iterator[dict[str, Any]]) -> Iterator[list[Any]]:
    """One row per submission, one column per question (withheld answers say so), attachment URLs last."""
    numbers = [number for number, _question in question_columns(notice)]
    for record in records:
        by_number = {a["question_number"]: (WITHHELD if a["withheld"] else a["text"]) for a in record["answers"]}
        yield [
            *(record[field] for field in SUBMISSION_FIELDS),
            *(by_number.get(number, "") for number in numbers),
            " ".join(attachment["url"] for attachment in record["attachments"]),
        ]
