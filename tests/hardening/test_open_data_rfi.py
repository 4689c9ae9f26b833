"""Open data: a closed notice's public submissions as one streamed CSV or JSON download."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rfi import opendata
from tests.rfi.factories import (
    AnswerFactory,
    AttachmentFactory,
    InternalNoteFactory,
    SubmissionFactory,
    notice_with_questions,
)

pytestmark = pytest.mark.django_db

SECRET = "Our confidential margin is 42 percent"


def _body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def _urls(notice) -> tuple[str, str]:
    base = f"/rfi/{notice.docket_id}/submissions/download"
    return f"{base}.csv", f"{base}.json"


@pytest.fixture
def closed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    notice = notice_with_questions(questions=2, topics=1, closed=True)
    q1, q2 = notice.questions.order_by("position")
    public = SubmissionFactory(notice=notice, organization_name="Open Org", email="private@example.org")
    AnswerFactory(submission=public, question=q1, text="@SUM(A1:A9) is how we count")
    AnswerFactory(submission=public, question=q2, text=SECRET, is_confidential=True)
    AttachmentFactory(submission=public, original_name="public-comments.pdf")
    AttachmentFactory(submission=public, original_name="confidential-costs.pdf", is_confidential=True)
    InternalNoteFactory(submission=public, text="Internal: reviewer thinks this is weak")
    spam = SubmissionFactory(notice=notice, organization_name="Spammer", status="spam")
    AnswerFactory(submission=spam, question=q1, text="buy now")
    SubmissionFactory(notice=notice, organization_name="Hidden Org", hidden_from_reading_room=True)
    SubmissionFactory(notice=notice, organization_name="Dupe Org", status="duplicate")
    return notice


def test_the_json_download_holds_the_reading_room_only(client, closed):
    response = client.get(_urls(closed)[1])
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = _body(response)
    records = json.loads(body)
    assert [r["respondent"] for r in records] == ["Open Org"]
    answers = records[0]["answers"]
    assert answers[0] == {
        "question_number": 1,
        "question": closed.questions.order_by("position")[0].text,
        "withheld": False,
        "text": "@SUM(A1:A9) is how we count",
    }
    assert answers[1]["withheld"] is True and answers[1]["text"] is None
    assert [a["name"] for a in records[0]["attachments"]] == ["public-comments.pdf"]
    assert records[0]["attachments"][0]["url"].startswith("http://testserver/rfi/attachments/")
    for leaked in (SECRET, "confidential-costs.pdf", "Internal:", "private@example.org", "Spammer", "Hidden Org",
                   "Dupe Org", "buy now"):  # fmt: skip
        assert leaked not in body


def test_the_csv_download_has_a_column_per_question_and_guards_formulas(client, closed):
    body = _body(client.get(_urls(closed)[0]))
    rows = list(csv.reader(io.StringIO(body)))
    header, data = rows[0], rows[1:]
    assert header[:6] == opendata.SUBMISSION_FIELDS and header[6].startswith("Q1: ") and header[-1] == "attachments"
    assert len(data) == 1
    assert data[0][6] == "'@SUM(A1:A9) is how we count"
    assert data[0][7] == opendata.WITHHELD
    assert "/rfi/attachments/" in data[0][-1]
    for leaked in (SECRET, "confidential-costs", "Internal:", "private@example.org", "Spammer", "Hidden Org"):
        assert leaked not in body


@pytest.mark.parametrize("which", [0, 1])
def test_an_open_notice_has_no_download(client, db, which):
    notice = notice_with_questions(questions=1, topics=1)
    SubmissionFactory(notice=notice)
    assert client.get(_urls(notice)[which]).status_code == 404


@pytest.mark.parametrize("which", [0, 1])
def test_an_unknown_notice_is_404_with_a_json_body(client, db, which):
    response = client.get(f"/rfi/NO-SUCH/submissions/download.{['csv', 'json'][which]}")
    assert response.status_code == 404 and "detail" in response.json()


def test_a_closed_notice_without_submissions_is_an_empty_array(client, db):
    notice = notice_with_questions(questions=1, topics=1, closed=True)
    assert json.loads(_body(client.get(_urls(notice)[1]))) == []


@pytest.mark.parametrize("which", [0, 1])
def test_the_download_costs_the_same_queries_for_2_and_20_submissions(client, db, settings, tmp_path, which):
    settings.MEDIA_ROOT = tmp_path
    notice = notice_with_questions(questions=2, topics=1, closed=True)
    questions = list(notice.questions.all())

    def add(n: int) -> None:
        for _ in range(n):
            submission = SubmissionFactory(notice=notice)
            for question in questions:
                AnswerFactory(submission=submission, question=question)
            AttachmentFactory(submission=submission)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _body(client.get(_urls(notice)[which]))
        return len(ctx.captured_queries)

    add(2)
    small = count()
    add(18)
    assert count() == small
    assert small <= 8


def test_the_reading_room_links_to_both_downloads(client, closed):
    html = client.get(f"/rfi/{closed.docket_id}/submissions/").content.decode()
    csv_url, json_url = _urls(closed)
    assert f'href="{csv_url}"' in html and f'href="{json_url}"' in html
