"""The submission review queue in the admin: columns, filters, search, actions (all audited), change page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from rfi.models import CampaignGroup, InternalNote, Submission
from tests.factories import StaffFactory, UserFactory
from tests.rfi.factories import (
    AnswerFactory,
    AttachmentFactory,
    InternalNoteFactory,
    SubmissionFactory,
    TagFactory,
    notice_with_questions,
)

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:rfi_submission_changelist")


@pytest.fixture
def staff(client):
    user = StaffFactory(email="reviewer@example.gov")
    client.force_login(user)
    return user


@pytest.fixture
def notice():
    return notice_with_questions(questions=2, topics=1)


def shown(response) -> set[str]:
    """Tracking numbers on the changelist page."""
    return {s.tracking_number for s in response.context["cl"].result_list}


def act(client, action: str, submissions, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in submissions], **extra}
    return client.post(CHANGELIST, data)


# --- access, columns, queries ---------------------------------------------------------------------


def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_admin_login(client):
    client.force_login(UserFactory())
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_the_queue_shows_the_review_columns_and_the_campaign_size(client, staff, notice):
    group = CampaignGroup.objects.create(notice=notice)
    members = SubmissionFactory.create_batch(3, notice=notice, campaign_group=group)
    SubmissionFactory(notice=notice, assigned_reviewer=staff, is_confidential=True, confidentiality_justification="x")
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for column in ("column-tracking_number", "column-docket", "column-respondent", "column-organization_type",
                   "column-country", "column-status", "column-is_confidential", "column-assigned_reviewer",
                   "column-is_duplicate_flag", "column-campaign", "column-created_at"):  # fmt: skip
        assert column in html
    assert f"?campaign={group.pk}" in html and "group of 3" in html
    assert members[0].tracking_number in html and "reviewer@example.gov" in html
    assert "Export all matching to CSV" in html


@pytest.mark.parametrize("rows", [5, 30])
def test_the_queue_needs_a_bounded_number_of_queries(client, staff, notice, rows, django_assert_max_num_queries):
    group = CampaignGroup.objects.create(notice=notice)
    tag = TagFactory()
    for i in range(rows):
        submission = SubmissionFactory(notice=notice, assigned_reviewer=staff, campaign_group=group if i % 2 else None)
        submission.tags.add(tag)
    with django_assert_max_num_queries(10):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == rows


# --- filters ---------------------------------------------------------------------------------------


def test_the_reviewer_filter_has_unassigned_assigned_to_me_and_each_reviewer(client, staff, notice):
    colleague = StaffFactory(email="colleague@example.gov")
    mine = SubmissionFactory(notice=notice, assigned_reviewer=staff)
    theirs = SubmissionFactory(notice=notice, assigned_reviewer=colleague)
    nobody = SubmissionFactory(notice=notice)
    assert shown(client.get(CHANGELIST, {"reviewer": "me"})) == {mine.tracking_number}
    assert shown(client.get(CHANGELIST, {"reviewer": "none"})) == {nobody.tracking_number}
    assert shown(client.get(CHANGELIST, {"reviewer": str(colleague.pk)})) == {theirs.tracking_number}
    html = client.get(CHANGELIST).content.decode()
    assert "Assigned to me" in html and "Unassigned" in html and "colleague@example.gov" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "spam"}, "spam"),
        ({"respondent_type__exact": "individual"}, "individual"),
        ({"organization_type__exact": "academic"}, "academic"),
        ({"country__code__exact": "FR"}, "french"),
        ({"is_confidential__exact": "1"}, "confidential"),
        ({"is_duplicate_flag__exact": "1"}, "duplicate"),
    ],
)
def test_each_field_filter_narrows_the_queue(client, staff, notice, params, expected):
    made = {
        "spam": SubmissionFactory(notice=notice, status="spam"),
        "individual": SubmissionFactory(notice=notice, respondent_type="individual", organization_type=""),
        "academic": SubmissionFactory(notice=notice, organization_type="academic"),
        "french": SubmissionFactory(notice=notice, country_id="FR"),
        "confidential": SubmissionFactory(notice=notice, is_confidential=True, confidentiality_justification="x"),
        "duplicate": SubmissionFactory(notice=notice, is_duplicate_flag=True),
    }
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200, params
    assert shown(response) == {made[expected].tracking_number}


def test_the_notice_and_tag_filters_narrow_the_queue(client, staff, notice):
    other = notice_with_questions(questions=1, topics=1)
    tag = TagFactory(name="Export controls", slug="export-controls")
    tagged = SubmissionFactory(notice=notice)
    tagged.tags.add(tag)
    elsewhere = SubmissionFactory(notice=other)
    assert shown(client.get(CHANGELIST, {"tags__id__exact": tag.pk})) == {tagged.tracking_number}
    assert shown(client.get(CHANGELIST, {"notice__id__exact": other.pk})) == {elsewhere.tracking_number}


def test_the_campaign_filter_shows_one_group_groups_by_size_and_lone_responses(client, staff, notice):
    CampaignGroup.objects.bulk_create(CampaignGroup(notice=notice) for _ in range(9))  # group ids reach 10 and more …
    small = CampaignGroup.objects.create(notice=notice)
    big = CampaignGroup.objects.create(notice=notice)
    in_small = SubmissionFactory.create_batch(2, notice=notice, campaign_group=small)
    in_big = SubmissionFactory.create_batch(10, notice=notice, campaign_group=big)
    alone = SubmissionFactory(notice=notice)
    numbers = lambda subs: {s.tracking_number for s in subs}  # noqa: E731
    assert shown(client.get(CHANGELIST, {"campaign": str(small.pk)})) == numbers(in_small)
    assert shown(client.get(CHANGELIST, {"campaign": "10plus"})) == numbers(in_big)  # … yet a size is no id
    assert shown(client.get(CHANGELIST, {"campaign": "none"})) == {alone.tracking_number}
    assert shown(client.get(CHANGELIST, {"campaign": "any"})) == numbers(in_small + in_big)


# --- search ----------------------------------------------------------------------------------------


def test_search_finds_words_of_an_answer_once_per_submission(client, staff, notice):
    target = SubmissionFactory(notice=notice)
    for question in notice.questions.all():
        AnswerFactory(submission=target, question=question, text="Liquid cooling matters for sovereign clouds.")
    AnswerFactory(submission=SubmissionFactory(notice=notice), question=notice.questions.first(), text="Other.")
    response = client.get(CHANGELIST, {"q": "liquid cooling"})
    assert [s.tracking_number for s in response.context["cl"].result_list] == [target.tracking_number]


def test_search_finds_a_tracking_number_typed_loosely_and_an_organization(client, staff, notice):
    target = SubmissionFactory(notice=notice, organization_name="Northwind Robotics")
    SubmissionFactory(notice=notice)
    loose = target.tracking_number.lower().replace("-", " ")
    assert shown(client.get(CHANGELIST, {"q": loose})) == {target.tracking_number}
    assert shown(client.get(CHANGELIST, {"q": "northwind"})) == {target.tracking_number}


# --- actions ---------------------------------------------------------------------------------------


def audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_assign_to_me_assigns_and_audits_each_submission(client, staff, notice):
    subs = SubmissionFactory.create_batch(2, notice=notice)
    response = act(client, "assign_to_me", subs)
    assert response.status_code == 302
    assert set(Submission.objects.values_list("assigned_reviewer", flat=True)) == {staff.pk}
    events = audit("rfi.submission.assign")
    assert {e.target_id for e in events} == {str(s.pk) for s in subs}
    assert events[0].actor == staff and events[0].changes["assigned_reviewer"]["after"] == str(staff)


def test_assign_to_a_reviewer_asks_whom_then_assigns(client, staff, notice):
    colleague = StaffFactory(email="colleague@example.gov")
    outsider = UserFactory(email="outsider@example.com")
    subs = SubmissionFactory.create_batch(2, notice=notice)
    page = act(client, "assign_to_reviewer", subs)
    assert page.status_code == 200
    html = page.content.decode()
    assert "colleague@example.gov" in html and "outsider@example.com" not in html
    refused = act(client, "assign_to_reviewer", subs, apply="1", reviewer=outsider.pk)
    assert refused.status_code == 400 and not Submission.objects.filter(assigned_reviewer__isnull=False).exists()
    done = act(client, "assign_to_reviewer", subs, apply="1", reviewer=colleague.pk)
    assert done.status_code == 302
    assert set(Submission.objects.values_list("assigned_reviewer", flat=True)) == {colleague.pk}
    assert len(audit("rfi.submission.assign")) == 2


def test_change_status_asks_for_the_status_then_changes_it(client, staff, notice):
    subs = SubmissionFactory.create_batch(2, notice=notice)
    assert act(client, "change_status", subs).status_code == 200
    response = act(client, "change_status", subs, apply="1", status="in_review")
    assert response.status_code == 302
    assert set(Submission.objects.values_list("status", flat=True)) == {"in_review"}
    assert [e.changes["status"] for e in audit("rfi.submission.status")] == [
        {"before": "received", "after": "in_review"}
    ] * 2


def test_mark_spam_holds_the_submission_back_and_audits(client, staff, notice):
    sub = SubmissionFactory(notice=notice)
    act(client, "mark_spam", [sub])
    sub.refresh_from_db()
    assert sub.status == "spam" and sub.is_held_back
    assert audit("rfi.submission.spam")[0].target_id == str(sub.pk)


def test_tag_topics_adds_and_removes_tags(client, staff, notice):
    old, new = TagFactory(name="Old"), TagFactory(name="New")
    sub = SubmissionFactory(notice=notice)
    sub.tags.add(old)
    assert act(client, "tag_topics", [sub], apply="1").status_code == 400  # nothing chosen: an error, not a no-op
    act(client, "tag_topics", [sub], apply="1", add=[new.pk], remove=[old.pk])
    assert list(sub.tags.all()) == [new]
    assert audit("rfi.submission.tag")[0].changes["tags"] == {"before": ["Old"], "after": ["New"]}


def test_hide_and_show_in_the_reading_room_are_audited(client, staff, notice):
    sub = SubmissionFactory(notice=notice)
    act(client, "hide_from_reading_room", [sub])
    sub.refresh_from_db()
    assert sub.hidden_from_reading_room
    act(client, "show_in_reading_room", [sub])
    sub.refresh_from_db()
    assert not sub.hidden_from_reading_room
    events = AuditEvent.objects.filter(target_id=str(sub.pk), action__startswith="rfi.").order_by("id")
    assert [e.action for e in events] == ["rfi.submission.hide", "rfi.submission.show"]


def test_a_campaign_status_change_reaches_members_that_were_not_selected(client, staff, notice):
    group = CampaignGroup.objects.create(notice=notice)
    members = SubmissionFactory.create_batch(4, notice=notice, campaign_group=group)
    outsider = SubmissionFactory(notice=notice)
    page = act(client, "set_campaign_status", members[:1])
    assert page.status_code == 200 and "4 submissions" in page.content.decode()
    act(client, "set_campaign_status", members[:1], apply="1", status="duplicate")
    assert set(Submission.objects.filter(campaign_group=group).values_list("status", flat=True)) == {"duplicate"}
    outsider.refresh_from_db()
    assert outsider.status == "received"
    assert len(audit("rfi.campaign.status")) == 4


def test_an_action_on_all_matching_submissions_keeps_the_filter(client, staff, notice):
    spam = SubmissionFactory.create_batch(3, notice=notice, status="spam")
    kept = SubmissionFactory(notice=notice)
    response = client.post(
        CHANGELIST + "?status__exact=spam",
        {"action": "hide_from_reading_room", "select_across": "1", "index": "0", "_selected_action": [spam[0].pk]},
    )
    assert response.status_code == 302
    assert Submission.objects.filter(hidden_from_reading_room=True).count() == 3
    kept.refresh_from_db()
    assert not kept.hidden_from_reading_room


def test_delete_is_not_offered_because_it_would_bypass_the_audit(client, staff, notice):
    SubmissionFactory(notice=notice)
    html = client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in html
    assert 'value="assign_to_me"' in html and 'value="export_selected_csv"' in html


# --- change page ------------------------------------------------------------------------------------


def change_url(submission) -> str:
    return reverse("admin:rfi_submission_change", args=[submission.pk])


def change_form_data(submission, **changes) -> dict:
    data = {
        "status": submission.status,
        "assigned_reviewer": submission.assigned_reviewer_id or "",
        "tags": [t.pk for t in submission.tags.all()],
        "answers-TOTAL_FORMS": "0", "answers-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "internal_notes-TOTAL_FORMS": "1", "internal_notes-INITIAL_FORMS": "0",
        "internal_notes-0-text": "", "internal_notes-0-id": "", "internal_notes-0-submission": submission.pk,
    }  # fmt: skip
    if submission.hidden_from_reading_room:
        data["hidden_from_reading_room"] = "on"
    data.update(changes)
    return data


def test_the_change_page_shows_notes_campaign_and_attachment_downloads(client, staff, notice):
    group = CampaignGroup.objects.create(notice=notice)
    sub = SubmissionFactory(notice=notice, campaign_group=group)
    SubmissionFactory(notice=notice, campaign_group=group)
    attachment = AttachmentFactory(submission=sub, is_confidential=True)
    InternalNoteFactory(submission=sub, author=staff, text="Check the numbers on page 4.")
    html = client.get(change_url(sub)).content.decode()
    assert "Check the numbers on page 4." in html
    assert "One of 2 near-identical responses." in html and f"?campaign={group.pk}" in html
    assert attachment.get_absolute_url() in html
    assert 'name="internal_notes-1-text"' in html  # a new note can be written …
    assert "Check the numbers on page 4.</textarea>" not in html  # … an existing one is never editable
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_saving_the_change_page_goes_through_the_audited_services(client, staff, notice):
    tag = TagFactory(name="Data centers")
    sub = SubmissionFactory(notice=notice)
    data = change_form_data(
        sub, status="reviewed", assigned_reviewer=staff.pk, tags=[tag.pk], hidden_from_reading_room="on"
    )
    data["internal_notes-0-text"] = "Strong evidence on grid capacity."
    response = client.post(change_url(sub), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    sub.refresh_from_db()
    assert (sub.status, sub.assigned_reviewer, sub.hidden_from_reading_room) == ("reviewed", staff, True)
    assert list(sub.tags.all()) == [tag]
    note = InternalNote.objects.get()
    assert note.author == staff and note.text == "Strong evidence on grid capacity." and note.created_at
    actions = set(AuditEvent.objects.filter(target_id=str(sub.pk)).values_list("action", flat=True))
    assert {"rfi.submission.status", "rfi.submission.assign", "rfi.submission.hide", "rfi.submission.tag",
            "rfi.note.add"} <= actions  # fmt: skip


def test_saving_an_unchanged_change_page_writes_no_review_audit_rows(client, staff, notice):
    sub = SubmissionFactory(notice=notice)
    assert client.post(change_url(sub), change_form_data(sub)).status_code == 302
    assert not AuditEvent.objects.filter(action__startswith="rfi.submission.", target_id=str(sub.pk)).exists()
    assert InternalNote.objects.count() == 0


def test_the_campaign_list_leads_to_the_members_of_each_group(client, staff, notice):
    group = CampaignGroup.objects.create(notice=notice, label="“We support the program…”")
    SubmissionFactory.create_batch(3, notice=notice, campaign_group=group)
    html = client.get(reverse("admin:rfi_campaigngroup_changelist")).content.decode()
    assert "We support the program" in html
    assert f'href="{CHANGELIST}?campaign={group.pk}">3</a>' in html
