"""CSV export of the review queue: streamed, answers in columns, attachment links, guarded, filtered, audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from rfi.exports import safe_cell
from tests.factories import StaffFactory, UserFactory
from tests.rfi.factories import AnswerFactory, AttachmentFactory, SubmissionFactory, TagFactory, notice_with_questions

pytestmark = pytest.mark.django_db
EXPORT = reverse("admin:rfi_submission_export")
CHANGELIST = reverse("admin:rfi_submission_changelist")


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


@pytest.fixture
def notice():
    return notice_with_questions(questions=3, topics=2)


def read_csv(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def full_submission(notice, **fields):
    submission = SubmissionFactory(notice=notice, **fields)
    for i, question in enumerate(notice.questions.order_by("topic_area__position", "position")):
        AnswerFactory(submission=submission, question=question, text=f"answer {i} of {submission.tracking_number}")
    AttachmentFactory(submission=submission, original_name="comments.pdf")
    submission.tags.add(TagFactory(name=f"Tag of {submission.tracking_number}"))
    return submission


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain text = fine", "plain text = fine"),
        ("", ""),
        (None, ""),
        (7, "7"),
        (True, "yes"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_prefixed(value, expected):
    assert safe_cell(value) == expected


def test_export_all_matching_streams_one_row_per_submission_with_answers_and_attachment_links(client, staff, notice):
    first, second = full_submission(notice), full_submission(notice)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="rfi-submissions-')
    rows = read_csv(response)
    assert {r["tracking number"] for r in rows} == {first.tracking_number, second.tracking_number}
    row = next(r for r in rows if r["tracking number"] == first.tracking_number)
    question_columns = [c for c in row if c.startswith(f"{notice.docket_id} Q")]
    assert len(question_columns) == 3
    assert [row[c] for c in question_columns] == [f"answer {i} of {first.tracking_number}" for i in range(3)]
    attachment = first.attachments.get()
    assert row["attachments"] == f"comments.pdf: http://testserver/rfi/attachments/{attachment.public_id}/"
    assert row["docket"] == notice.docket_id and row["topic tags"] == f"Tag of {first.tracking_number}"


def test_the_export_guards_against_formula_injection(client, staff, notice):
    evil = SubmissionFactory(notice=notice, name="=cmd|' /C calc'!A0", organization_name="@SUM(1)")
    AnswerFactory(submission=evil, question=notice.questions.first(), text="+IMPORTXML(x)")
    AttachmentFactory(submission=evil, original_name="-payload.pdf", is_confidential=True)
    row = read_csv(client.get(EXPORT))[0]
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert row["organization"] == "'@SUM(1)"
    assert "'+IMPORTXML(x)" in row.values()
    assert row["attachments"].startswith("'-payload.pdf [confidential]: http://testserver/rfi/attachments/")


def test_the_export_respects_the_changelist_filters_and_search(client, staff, notice):
    spam = SubmissionFactory(notice=notice, status="spam", organization_name="Acme Spam")
    SubmissionFactory(notice=notice, status="spam", organization_name="Other")
    SubmissionFactory(notice=notice, organization_name="Acme Real")
    rows = read_csv(client.get(EXPORT, {"status__exact": "spam", "q": "acme"}))
    assert [r["tracking number"] for r in rows] == [spam.tracking_number]


def test_the_changelist_links_its_export_with_the_current_filters(client, staff, notice):
    SubmissionFactory(notice=notice)
    html = client.get(CHANGELIST, {"status__exact": "spam"}).content.decode()
    assert f'href="{EXPORT}?status__exact=spam"' in html


def test_export_selected_exports_only_the_selected_submissions(client, staff, notice):
    chosen, _other = full_submission(notice), full_submission(notice)
    response = client.post(CHANGELIST, {"action": "export_selected_csv", "_selected_action": [chosen.pk]})
    assert [r["tracking number"] for r in read_csv(response)] == [chosen.tracking_number]
    event = AuditEvent.objects.get(action="rfi.submission.export")
    assert event.changes["rows"] == 1 and event.changes["selected_only"] is True


def test_an_export_is_audited_with_who_which_filter_and_how_many_rows(client, staff, notice):
    SubmissionFactory.create_batch(2, notice=notice, status="reviewed")
    read_csv(client.get(EXPORT, {"status__exact": "reviewed"}))
    event = AuditEvent.objects.get(action="rfi.submission.export")
    assert event.actor == staff
    assert event.changes == {"filters": "status__exact=reviewed", "rows": 2, "selected_only": False}


def test_the_export_needs_a_bounded_number_of_queries_whatever_the_row_count(client, staff, notice):
    def queries_for(count: int) -> int:
        for _ in range(count):
            full_submission(notice)
        with CaptureQueriesContext(connection) as ctx:
            rows = read_csv(client.get(EXPORT))
        assert len(rows) >= count
        return len(ctx.captured_queries)

    few = queries_for(3)
    many = queries_for(25)
    assert many == few
    assert few <= 16


def test_the_export_is_not_for_users_who_are_not_staff(client, notice):
    SubmissionFactory(notice=notice)
    client.force_login(UserFactory())
    response = client.get(EXPORT)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert not AuditEvent.objects.filter(action="rfi.submission.export").exists()


def test_an_export_across_notices_has_the_questions_of_each(client, staff, notice):
    other = notice_with_questions(questions=2, topics=1)
    full_submission(notice)
    full_submission(other)
    header = read_csv(client.get(EXPORT))[0].keys()
    assert len([c for c in header if c.startswith(f"{notice.docket_id} Q")]) == 3
    assert len([c for c in header if c.startswith(f"{other.docket_id} Q")]) == 2
