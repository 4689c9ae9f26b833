"""Staff review services: each change is locked, saved and audited in one transaction; no-ops record nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, NotAllowed
from rfi import review
from rfi.models import CampaignGroup, InternalNote, Submission
from tests.factories import StaffFactory, UserFactory
from tests.rfi.factories import AnswerFactory, NoticeFactory, SubmissionFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_assigning_records_the_reviewer_before_and_after(staff):
    colleague = StaffFactory(email="colleague@example.gov")
    submission = SubmissionFactory(assigned_reviewer=staff)
    assert review.submission_assign(actor=staff, submission_ids=[submission.pk], reviewer=colleague) == 1
    submission.refresh_from_db()
    assert submission.assigned_reviewer == colleague
    (event,) = events("rfi.submission.assign")
    assert event.actor == staff
    assert event.changes == {"assigned_reviewer": {"before": str(staff), "after": "colleague@example.gov"}}


def test_unassigning_is_an_assignment_to_nobody(staff):
    submission = SubmissionFactory(assigned_reviewer=staff)
    review.submission_assign(actor=staff, submission_ids=[submission.pk], reviewer=None)
    submission.refresh_from_db()
    assert submission.assigned_reviewer is None
    assert events("rfi.submission.assign")[0].changes["assigned_reviewer"]["after"] is None


def test_a_submission_cannot_be_assigned_to_someone_who_is_not_staff(staff):
    submission = SubmissionFactory()
    with pytest.raises(NotAllowed):
        review.submission_assign(actor=staff, submission_ids=[submission.pk], reviewer=UserFactory())
    assert not AuditEvent.objects.filter(action__startswith="rfi.submission.").exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda actor, ids: review.submission_assign(actor=actor, submission_ids=ids, reviewer=None),
        lambda actor, ids: review.submission_set_status(actor=actor, submission_ids=ids, status="reviewed"),
        lambda actor, ids: review.submission_mark_spam(actor=actor, submission_ids=ids),
        lambda actor, ids: review.submission_set_hidden(actor=actor, submission_ids=ids, hidden=True),
        lambda actor, ids: review.submission_tag(actor=actor, submission_ids=ids, add=[TagFactory()]),
    ],
)
def test_only_staff_may_use_the_review_services(call):
    submission = SubmissionFactory()
    for actor in (None, UserFactory()):
        with pytest.raises(NotAllowed):
            call(actor, [submission.pk])
    submission.refresh_from_db()
    assert submission.status == "received" and not submission.hidden_from_reading_room


def test_a_status_change_is_audited_and_a_repeat_is_a_no_op(staff):
    subs = SubmissionFactory.create_batch(2)
    assert review.submission_set_status(actor=staff, submission_ids=[s.pk for s in subs], status="in_review") == 2
    assert review.submission_set_status(actor=staff, submission_ids=[s.pk for s in subs], status="in_review") == 0
    assert len(events("rfi.submission.status")) == 2
    assert set(Submission.objects.values_list("status", flat=True)) == {"in_review"}


def test_an_unknown_status_is_refused(staff):
    submission = SubmissionFactory()
    with pytest.raises(DomainError) as info:
        review.submission_set_status(actor=staff, submission_ids=[submission.pk], status="published")
    assert "published" in str(info.value)


def test_marking_spam_holds_the_submission_back(staff):
    submission = SubmissionFactory()
    review.submission_mark_spam(actor=staff, submission_ids=[submission.pk])
    assert not Submission.objects.in_reading_room().filter(pk=submission.pk).exists()
    assert events("rfi.submission.spam")[0].changes == {"status": {"before": "received", "after": "spam"}}


def test_tags_are_added_and_removed_with_names_in_the_audit(staff):
    keep, drop, add = TagFactory(name="Keep"), TagFactory(name="Drop"), TagFactory(name="Add")
    submission = SubmissionFactory()
    submission.tags.add(keep, drop)
    assert review.submission_tag(actor=staff, submission_ids=[submission.pk], add=[add], remove=[drop]) == 1
    assert sorted(t.name for t in submission.tags.all()) == ["Add", "Keep"]
    assert events("rfi.submission.tag")[0].changes == {"tags": {"before": ["Drop", "Keep"], "after": ["Add", "Keep"]}}
    assert review.submission_tag(actor=staff, submission_ids=[submission.pk], add=[add]) == 0


def test_hiding_from_the_reading_room_is_audited(staff):
    submission = SubmissionFactory()
    review.submission_set_hidden(actor=staff, submission_ids=[submission.pk], hidden=True)
    assert not Submission.objects.in_reading_room().filter(pk=submission.pk).exists()
    assert events("rfi.submission.hide")[0].target_id == str(submission.pk)


def test_a_campaign_status_reaches_every_member_of_the_group(staff):
    notice = NoticeFactory()
    group = CampaignGroup.objects.create(notice=notice)
    members = SubmissionFactory.create_batch(3, notice=notice, campaign_group=group)
    other = SubmissionFactory(notice=notice)
    assert review.campaign_set_status(actor=staff, campaign_group_ids=[group.pk], status="duplicate") == 3
    assert {s.status for s in Submission.objects.filter(pk__in=[m.pk for m in members])} == {"duplicate"}
    other.refresh_from_db()
    assert other.status == "received"
    assert {e.message for e in events("rfi.campaign.status")} == {f"campaign group #{group.pk}"}


def test_a_note_records_its_author_and_time_and_is_audited_without_its_text(staff):
    submission = SubmissionFactory()
    note = review.internal_note_add(actor=staff, submission=submission, text="  Call the trade desk.  ")
    assert note.author == staff and note.text == "Call the trade desk." and note.created_at
    (event,) = events("rfi.note.add")
    assert event.target_id == str(submission.pk) and "trade desk" not in event.message


@pytest.mark.parametrize("text", ["", "   ", "x" * 10001])
def test_an_empty_or_over_long_note_is_refused(staff, text):
    with pytest.raises(DomainError):
        review.internal_note_add(actor=staff, submission=SubmissionFactory(), text=text)
    assert InternalNote.objects.count() == 0


def test_someone_who_is_not_staff_cannot_write_a_note():
    with pytest.raises(NotAllowed):
        review.internal_note_add(actor=UserFactory(), submission=SubmissionFactory(), text="hello")


# --- notes never leak ------------------------------------------------------------------------------


def test_a_note_written_in_the_admin_never_reaches_a_public_page_or_the_api(client, staff):
    notice = NoticeFactory(closed=True)
    owner = UserFactory()
    submission = SubmissionFactory(notice=notice, user=owner)
    AnswerFactory(submission=submission, question__notice=notice, text="Our public answer.")
    client.force_login(staff)
    secret = "NOTE-9F3K-ONLY-FOR-STAFF"
    data = {
        "status": "reviewed", "assigned_reviewer": "", "internal_notes-TOTAL_FORMS": "1",
        "internal_notes-INITIAL_FORMS": "0", "internal_notes-0-text": secret,
        "internal_notes-0-submission": submission.pk, "answers-TOTAL_FORMS": "1", "answers-INITIAL_FORMS": "1",
        "answers-0-id": submission.answers.get().pk, "answers-0-submission": submission.pk,
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
    }  # fmt: skip
    assert client.post(reverse("admin:rfi_submission_change", args=[submission.pk]), data).status_code == 302
    assert InternalNote.objects.get().text == secret
    client.logout()
    docket = notice.docket_id
    urls = [
        reverse("rfi:notice_list"),
        reverse("rfi:notice_detail", args=[docket]),
        reverse("rfi:reading_room", args=[docket]),
        reverse("rfi:reading_room_detail", args=[docket, submission.tracking_number]),
        "/api/v1/rfi/notices/",
        f"/api/v1/rfi/notices/{docket}/",
        f"/api/v1/rfi/notices/{docket}/submissions/",
    ]
    for visitor in (None, owner):
        if visitor:
            client.force_login(visitor)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert secret not in response.content.decode(), url
        tracked = client.post(reverse("rfi:track"), {"tracking_number": submission.tracking_number,
                                                     "email": submission.email})  # fmt: skip
        assert submission.tracking_number in tracked.content.decode()
        assert secret not in tracked.content.decode()
    assert "Our public answer." in client.get(urls[3]).content.decode()  # the page does show the submission
    searched = client.get(urls[2], {"q": secret}).content.decode()  # and searching a note's words finds nothing
    assert submission.tracking_number in client.get(urls[2]).content.decode()
    assert submission.tracking_number not in searched
