"""The basic RFI admin: notices are edited with their topic areas and questions; submissions are read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rfi import demo
from rfi.models import Notice, Question, Submission
from tests.factories import StaffFactory
from tests.rfi.factories import AnswerFactory, AttachmentFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_the_notice_admin_shows_topic_areas_and_questions_inline(staff_client, notice, questions):
    response = staff_client.get(reverse("admin:rfi_notice_change", args=[notice.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert questions[0].text in html
    assert 'name="allowed_attachment_types"' in html and 'value="pdf"' in html


def test_staff_can_create_a_notice_with_attachment_rules(staff_client):
    data = {
        "docket_id": "ITA-ITA-2026-0001",
        "title": "New RFI",
        "summary": "Summary",
        "body": "Body",
        "opens_at_0": "2026-01-01",
        "opens_at_1": "00:00:00",
        "closes_at_0": "2026-02-01",
        "closes_at_1": "00:00:00",
        "allowed_attachment_types": ["pdf", "png"],
        "max_attachment_size": "1048576",
        "max_attachment_count": "3",
        "topic_areas-TOTAL_FORMS": "0",
        "topic_areas-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:rfi_notice_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = Notice.objects.get(docket_id="ITA-ITA-2026-0001")
    assert notice.allowed_attachment_types == ["pdf", "png"]


def test_a_notice_that_closes_before_it_opens_is_refused(staff_client):
    data = {
        "docket_id": "ITA-ITA-2026-0002",
        "title": "Backwards",
        "summary": "S",
        "opens_at_0": "2026-02-01",
        "opens_at_1": "00:00:00",
        "closes_at_0": "2026-01-01",
        "closes_at_1": "00:00:00",
        "allowed_attachment_types": ["pdf"],
        "max_attachment_size": "10",
        "max_attachment_count": "1",
        "topic_areas-TOTAL_FORMS": "0",
        "topic_areas-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:rfi_notice_add"), data)
    assert response.status_code == 200
    assert "The closing time must be after the opening time." in response.content.decode()


def test_the_submission_admin_shows_answers_and_attachment_links_read_only(staff_client):
    submission = SubmissionFactory()
    answer = AnswerFactory(submission=submission, text="A read-only answer.")
    attachment = AttachmentFactory(submission=submission)
    html = staff_client.get(reverse("admin:rfi_submission_change", args=[submission.pk])).content.decode()
    assert "A read-only answer." in html
    assert reverse("rfi:attachment", args=[attachment.public_id]) in html
    assert 'name="answers-0-text"' not in html
    assert staff_client.get(reverse("admin:rfi_submission_changelist")).status_code == 200
    assert answer.question.text


def test_the_demo_data_loads_twice_without_duplicates():
    from io import StringIO

    demo.load(StringIO())
    counts = (Notice.objects.count(), Question.objects.count(), Submission.objects.count())
    demo.load(StringIO())
    assert (Notice.objects.count(), Question.objects.count(), Submission.objects.count()) == counts
    open_notice = Notice.objects.get(docket_id=demo.OPEN_DOCKET)
    assert open_notice.is_open()
    assert open_notice.topic_areas.count() == 8
    assert 20 <= open_notice.questions.count() <= 28
    closed = Notice.objects.get(docket_id=demo.CLOSED_DOCKET)
    assert closed.has_closed()
    published = Submission.objects.filter(notice=closed).in_reading_room()
    assert published.count() >= 3
    assert published.filter(is_confidential=True, attachments__public_version_of__isnull=False).exists()
    assert Submission.objects.filter(notice=closed, status="spam").exists()
