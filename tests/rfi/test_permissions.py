"""Who may see what: confidential material and internal notes never reach the public."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from tests.factories import StaffFactory, UserFactory
from tests.rfi.factories import (
    AnswerFactory,
    AttachmentFactory,
    InternalNoteFactory,
    NoticeFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "SECRET-PRICING-Q3"


@pytest.fixture
def closed_notice(db):
    return NoticeFactory(closed=True)


@pytest.fixture
def published(closed_notice):
    """A closed notice's public submission with a confidential answer, a confidential file and its public version."""
    owner = UserFactory()
    submission = SubmissionFactory(
        notice=closed_notice, user=owner, is_confidential=True, confidentiality_justification="Pricing."
    )
    AnswerFactory(submission=submission, text="Our public view on exports.")
    AnswerFactory(submission=submission, text=f"Confidential: {SECRET}", is_confidential=True)
    secret_file = AttachmentFactory(submission=submission, original_name="pricing.pdf", is_confidential=True)
    public_file = AttachmentFactory(
        submission=submission, original_name="pricing-public.pdf", public_version_of=secret_file
    )
    InternalNoteFactory(submission=submission, text="INTERNAL-NOTE-XYZ")
    return submission, secret_file, public_file


def download(client, attachment):
    return client.get(reverse("rfi:attachment", args=[attachment.public_id]))


def test_confidential_attachments_are_never_downloadable_by_the_public_or_other_users(client, published):
    submission, secret_file, public_file = published
    assert download(client, secret_file).status_code == 404
    client.force_login(UserFactory())
    assert download(client, secret_file).status_code == 404


def test_the_owner_and_staff_may_download_a_confidential_attachment_as_a_forced_download(client, published):
    submission, secret_file, _ = published
    for user in (submission.user, StaffFactory()):
        client.force_login(user)
        response = download(client, secret_file)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="pricing.pdf"')
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_staff_download_is_audited_with_the_file_and_the_submission_and_other_downloads_are_not(client, published):
    submission, secret_file, public_file = published
    client.force_login(submission.user)
    assert download(client, secret_file).status_code == 200  # the owner: not audited
    client.logout()
    assert download(client, public_file).status_code == 200  # the public: not audited
    assert download(client, secret_file).status_code == 404  # refused: nothing to audit
    assert not AuditEvent.objects.filter(action="rfi.attachment.download").exists()
    staff = StaffFactory()
    client.force_login(staff)
    assert download(client, secret_file).status_code == 200
    event = AuditEvent.objects.get(action="rfi.attachment.download")
    assert (event.actor, event.target_id, event.ip_address) == (staff, str(submission.pk), "127.0.0.1")
    assert event.changes == {"attachment": str(secret_file.public_id), "file": "pricing.pdf", "confidential": True}


def test_a_public_version_in_the_reading_room_is_downloadable_by_anyone(client, published):
    _, _, public_file = published
    response = download(client, public_file)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"


def test_public_attachments_are_not_downloadable_before_the_notice_closes_or_when_held_back(client):
    open_file = AttachmentFactory(submission=SubmissionFactory(notice=NoticeFactory()))
    spam_file = AttachmentFactory(submission=SubmissionFactory(notice=NoticeFactory(closed=True), status="spam"))
    hidden_file = AttachmentFactory(
        submission=SubmissionFactory(notice=NoticeFactory(closed=True), hidden_from_reading_room=True)
    )
    for attachment in (open_file, spam_file, hidden_file):
        assert download(client, attachment).status_code == 404


def test_a_file_name_with_quotes_or_unicode_is_sent_safely(client, closed_notice):
    attachment = AttachmentFactory(submission=SubmissionFactory(notice=closed_notice), original_name='a"b;c 意見.pdf')
    disposition = download(client, attachment)["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition and '"b;c' not in disposition


def test_the_reading_room_never_shows_confidential_material_or_internal_notes(client, published, closed_notice):
    submission, secret_file, public_file = published
    url = reverse("rfi:reading_room", args=[closed_notice.docket_id])
    detail = reverse("rfi:reading_room_detail", args=[closed_notice.docket_id, submission.tracking_number])
    for page in (client.get(url), client.get(detail)):
        html = page.content.decode()
        assert page.status_code == 200
        assert "Our public view on exports." in html
        assert SECRET not in html
        assert "Withheld" in html
        assert str(public_file.public_id) in html
        assert str(secret_file.public_id) not in html and "pricing.pdf<" not in html
        assert "INTERNAL-NOTE-XYZ" not in html
        assert submission.email not in html


def test_the_reading_room_holds_back_spam_duplicates_and_hidden_submissions(
    client, closed_notice, django_assert_max_num_queries
):
    shown = SubmissionFactory(notice=closed_notice, organization_name="Shown Org")
    AnswerFactory(submission=shown)
    for status, hidden in (("spam", False), ("duplicate", False), ("reviewed", True)):
        held = SubmissionFactory(
            notice=closed_notice, status=status, hidden_from_reading_room=hidden, organization_name=f"Held {status}"
        )
        AnswerFactory(submission=held)
    url = reverse("rfi:reading_room", args=[closed_notice.docket_id])
    with django_assert_max_num_queries(10):
        html = client.get(url).content.decode()
    assert "Shown Org" in html
    assert "Held" not in html
    held_detail = reverse("rfi:reading_room_detail", args=[closed_notice.docket_id, held.tracking_number])
    assert client.get(held_detail).status_code == 404


def test_the_reading_room_query_count_does_not_grow_with_submissions(
    client, closed_notice, django_assert_max_num_queries
):
    url = reverse("rfi:reading_room", args=[closed_notice.docket_id])
    for count in (2, 12):
        while closed_notice.submissions.count() < count:
            submission = SubmissionFactory(notice=closed_notice)
            AnswerFactory(submission=submission)
            AttachmentFactory(submission=submission)
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


def test_the_reading_room_search_finds_public_answers_but_not_confidential_ones(client, published, closed_notice):
    url = reverse("rfi:reading_room", args=[closed_notice.docket_id])
    submission = published[0]
    assert submission.tracking_number in client.get(url, {"q": "public view"}).content.decode()
    assert submission.tracking_number not in client.get(url, {"q": SECRET}).content.decode()


def test_the_reading_room_is_closed_before_the_notice_closes(client):
    notice = NoticeFactory()
    SubmissionFactory(notice=notice, organization_name="Early Bird")
    response = client.get(reverse("rfi:reading_room", args=[notice.docket_id]))
    assert response.status_code == 403
    assert "Early Bird" not in response.content.decode()


def test_internal_notes_never_appear_in_public_pages_or_the_api(client, published, closed_notice):
    submission = published[0]
    urls = [
        reverse("rfi:notice_list"),
        closed_notice.get_absolute_url(),
        reverse("rfi:reading_room", args=[closed_notice.docket_id]),
        reverse("rfi:reading_room_detail", args=[closed_notice.docket_id, submission.tracking_number]),
        "/api/v1/rfi/notices/",
        f"/api/v1/rfi/notices/{closed_notice.docket_id}/",
        f"/api/v1/rfi/notices/{closed_notice.docket_id}/submissions/",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "INTERNAL-NOTE-XYZ" not in body, url
        assert SECRET not in body, url
    tracked = client.post(
        reverse("rfi:track"), {"tracking_number": submission.tracking_number, "email": submission.email}
    )
    assert "INTERNAL-NOTE-XYZ" not in tracked.content.decode()
