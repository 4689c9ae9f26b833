"""The public RFI pages: notices, the response form (errors keep what was typed), tracking, time zones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rfi import selectors
from rfi.models import Attachment, Notice, Submission
from tests.factories import MembershipFactory, UserFactory, assert_honeypot_refused
from tests.hardening.corpus import Hostile, multipart
from tests.rfi.conftest import HTML_BYTES, pdf, upload
from tests.rfi.factories import PNG_BYTES, NoticeFactory, SubmissionFactory, notice_with_questions

pytestmark = pytest.mark.django_db


def form_data(questions, **changes) -> dict:
    data = {
        "respondent_type": "organization",
        "name": "Ada Example",
        "email": "ada@example.org",
        "organization_name": "Example Systems",
        "organization_type": "company",
        "country": "JP",
        f"answer_{questions[0].pk}": "Focus on power supply.",
        f"answer_{questions[1].pk}": "Second answer kept after an error.",
        "certified": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def respond_url(notice) -> str:
    return reverse("rfi:submission_create", args=[notice.docket_id])


def test_open_notice_count_counts_only_notices_open_now(db):
    NoticeFactory()
    NoticeFactory(closed=True)
    NoticeFactory(opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=5))
    assert selectors.open_notice_count() == 1


def test_the_notice_list_query_count_does_not_grow_with_notices(client, django_assert_max_num_queries):
    for count in (2, 10):
        while Notice.objects.count() < count:
            NoticeFactory(closed=Notice.objects.count() % 2 == 0)
        with django_assert_max_num_queries(3):
            assert client.get(reverse("rfi:notice_list")).status_code == 200


def test_the_notice_list_shows_open_notices_first_with_a_countdown(client):
    closed = NoticeFactory(closed=True, title="Old consultation")
    NoticeFactory(title="Current consultation", closes_at=timezone.now() + timedelta(days=3, hours=1))
    response = client.get(reverse("rfi:notice_list"))
    html = response.content.decode()
    assert html.index("Current consultation") < html.index("Old consultation")
    assert "Closes in 4 days" in html
    assert reverse("rfi:reading_room", args=[closed.docket_id]) in html
    assert "(UTC)" in html


def test_dates_are_shown_in_the_chosen_time_zone_with_the_zone_named(client):
    notice = NoticeFactory(
        closes_at=timezone.now().replace(hour=15, minute=0, second=0, microsecond=0) + timedelta(days=3)
    )
    response = client.get(reverse("rfi:notice_detail", args=[notice.docket_id]) + "?tz=Asia/Tokyo")
    assert "00:00 (JST, Asia/Tokyo)" in response.content.decode()
    assert response.cookies["aix_tz"].value == "Asia/Tokyo"
    # The choice is remembered; an unknown zone falls back to UTC.
    assert "Asia/Tokyo)" in client.get(reverse("rfi:notice_list")).content.decode()
    client.cookies["aix_tz"] = "Mars/Olympus"
    assert "(UTC)" in client.get(reverse("rfi:notice_list")).content.decode()


def test_a_notice_page_shows_its_questions_by_topic_area_and_a_respond_button(client, notice, questions):
    notice.body = "## Background\n\n<script>alert(1)</script> **Bold** [link](javascript:alert(1))"
    notice.save()
    html = client.get(notice.get_absolute_url()).content.decode()
    for question in questions:
        assert question.text in html
    assert respond_url(notice) in html
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)" not in html and "javascript:" not in html


def test_the_response_form_has_a_counter_and_maxlength_for_each_answer(client, notice, questions):
    html = client.get(respond_url(notice)).content.decode()
    for question in questions:
        assert f'maxlength="{question.max_length}"' in html
        assert f'data-aix-counter="id_answer_{question.pk}_counter"' in html
        assert f'id="id_answer_{question.pk}_counter"' in html
    assert 'name="website"' in html  # the honeypot


def test_a_valid_response_redirects_to_a_confirmation_with_the_tracking_number(client, notice, questions):
    response = client.post(respond_url(notice), form_data(questions, attachments=[pdf()]))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.country_id == "JP" and submission.attachments.count() == 1
    page = client.get(response["Location"])
    assert submission.tracking_number in page.content.decode()


def test_a_refused_file_is_named_and_everything_typed_is_kept(client, notice, questions):
    response = client.post(
        respond_url(notice), form_data(questions, attachments=[upload("report.pdf", HTML_BYTES), pdf("ok.pdf")])
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“report.pdf” was refused: the file looks like a web page or script, not a document." in html
    assert "please select your files again" in html
    assert "Second answer kept after an error." in html
    assert 'value="Example Systems"' in html and 'value="ada@example.org"' in html
    assert '<option value="JP" selected>' in html
    assert Submission.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"certified": None}, "Please confirm that the information you give is accurate."),
        ({"email": ""}, "Enter your e-mail address so we can send you a receipt."),
        ({"is_confidential": "on"}, "Explain why the confidential information should not be disclosed."),
        ({"answer_first": "", "answer_second": ""}, "Answer at least one question."),
    ],
)
def test_form_errors_are_shown_with_the_fields_kept(client, notice, questions, changes, message):
    if "answer_first" in changes:
        changes = {f"answer_{questions[0].pk}": "", f"answer_{questions[1].pk}": ""}
    response = client.post(respond_url(notice), form_data(questions, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Ada Example"' in html
    assert Submission.objects.count() == 0


def test_an_over_long_answer_is_refused_by_the_form(client, notice, questions):
    response = client.post(respond_url(notice), form_data(questions, **{f"answer_{questions[0].pk}": "x" * 2001}))
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_an_executable_png_polyglot_and_empty_file_are_refused_by_the_form(client, notice, questions):
    files = [
        upload("setup.pdf", b"MZ" + b"\x00" * 100),
        upload("chart.png", PNG_BYTES + b"<script>alert(1)</script>"),
        upload("empty.txt", b""),
    ]
    html = client.post(respond_url(notice), form_data(questions, attachments=files)).content.decode()
    assert "“setup.pdf” was refused: the file is a Windows program" in html
    assert "“chart.png” was refused: the PNG image carries hidden data after its end" in html
    assert "“empty.txt” was refused: the file is empty" in html
    assert Attachment.objects.count() == 0


def test_a_traversal_name_sent_through_the_form_is_refused_and_nothing_is_stored(client, notice, questions):
    # The test client strips folders from names itself, so the body is built by hand (as an attacker would).
    body, content_type = multipart(
        form_data(questions), [("attachments", Hostile("x", "../../../etc/cron.d/x.pdf", pdf().read(), ""))]
    )
    response = client.post(respond_url(notice), data=body, content_type=content_type)
    assert response.status_code == 400
    assert (
        "“../../../etc/cron.d/x.pdf” was refused: the file name contains a folder path."
        in response.context["form"].errors["attachments"]
    )
    assert not Attachment.objects.exists()


def test_confidential_files_sent_through_the_form_are_stored_as_confidential(client, notice, questions):
    data = form_data(
        questions,
        is_confidential="on",
        confidentiality_justification="Pricing.",
        confidential_attachments=[pdf("pricing.pdf")],
        public_versions=[pdf("pricing-public.pdf")],
    )
    response = client.post(respond_url(notice), data)
    assert response.status_code == 302  # was a 500: "confidential_attachments" was read as a question flag
    secret, public = Attachment.objects.order_by("pk")
    assert (secret.original_name, secret.is_confidential) == ("pricing.pdf", True)
    assert (public.original_name, public.is_confidential, public.public_version_of) == (
        "pricing-public.pdf", False, secret,
    )  # fmt: skip


def test_too_many_files_are_refused_by_the_form(client, notice, questions):
    notice.max_attachment_count = 1
    notice.save()
    html = client.post(
        respond_url(notice), form_data(questions, attachments=[pdf("a.pdf"), pdf("b.pdf")])
    ).content.decode()
    assert "You attached 2 files; at most 1 are accepted." in html


def test_a_closed_notice_shows_a_clear_message_instead_of_the_form(client):
    notice = notice_with_questions(closed=True)
    response = client.get(respond_url(notice))
    assert response.status_code == 403
    assert "not accepting responses" in response.content.decode()
    response = client.post(respond_url(notice), {"respondent_type": "anonymous"})
    assert response.status_code == 403 and Submission.objects.count() == 0


def test_a_filled_honeypot_is_refused_and_keeps_the_answers(client, notice, questions):
    data = form_data(questions, website="http://spam.example")
    response = client.post(respond_url(notice), data)
    kept = next(v for k, v in data.items() if k.startswith("answer_") and v)
    assert_honeypot_refused(response, kept=kept)
    assert Submission.objects.count() == 0


def test_responses_are_rate_limited_per_ip(client, notice, questions, settings):
    settings.AIX_RATE_RFI_SUBMIT = "2/h"
    for i in range(2):
        client.post(respond_url(notice), form_data(questions, email=f"r{i}@example.org"))
    response = client.post(respond_url(notice), form_data(questions, email="r3@example.org"))
    assert response.status_code == 429
    assert Submission.objects.count() == 2


def test_a_signed_in_user_is_prefilled_and_linked(client, notice, questions):
    membership = MembershipFactory(user=UserFactory(full_name="Grace Member", email="grace@example.com"))
    client.force_login(membership.user)
    html = client.get(respond_url(notice)).content.decode()
    assert 'value="Grace Member"' in html and 'value="grace@example.com"' in html
    assert f'value="{membership.organization.name}"' in html
    client.post(respond_url(notice), form_data(questions))
    assert Submission.objects.get().user == membership.user


def test_tracking_shows_the_status_for_the_right_pair_and_the_same_answer_otherwise(client):
    submission = SubmissionFactory(email="ada@example.org", status="in_review")
    url = reverse("rfi:track")
    number = submission.tracking_number
    ok = client.post(url, {"tracking_number": number.lower().replace("-", " "), "email": "ADA@example.org"})
    assert "In review" in ok.content.decode()
    wrong_email = client.post(url, {"tracking_number": number, "email": "eve@example.org"}).content.decode()
    unknown = client.post(url, {"tracking_number": "AIX-ZZZZ-ZZZZ", "email": "ada@example.org"}).content.decode()
    assert "We found no response" in wrong_email and "We found no response" in unknown
    assert number not in wrong_email.replace(f'value="{number}"', "")


def test_tracking_is_rate_limited(client, settings):
    settings.AIX_RATE_RFI_TRACK = "3/h"
    for _ in range(3):
        client.post(reverse("rfi:track"), {"tracking_number": "AIX-AAAA-AAAA", "email": "a@example.org"})
    assert (
        client.post(reverse("rfi:track"), {"tracking_number": "AIX-AAAA-AAAA", "email": "a@example.org"}).status_code
        == 429
    )


def test_the_confirmation_page_needs_the_session_of_the_respondent(client, notice):
    SubmissionFactory(notice=notice)
    response = client.get(reverse("rfi:submission_done", args=[notice.docket_id]))
    assert response.status_code == 302


def test_an_oversize_file_is_refused_by_the_form_with_everything_else_kept(client, notice, questions):
    notice.max_attachment_size = 1024
    notice.save()
    response = client.post(
        respond_url(notice), form_data(questions, attachments=[upload("big.pdf", pdf().read() + b"0" * 2048)])
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "“big.pdf” was refused: it is 2.0\xa0KB; the limit is 1.0\xa0KB." in html
    assert "Second answer kept after an error." in html
    assert Attachment.objects.count() == 0


def test_a_nul_in_a_file_name_sent_through_the_form_is_refused(client, notice, questions):
    # Django's multipart parser would drop the NUL quietly; the project's parser keeps the name as sent.
    response = client.post(
        respond_url(notice), form_data(questions, attachments=[upload("report\x00.pdf", pdf().read())])
    )
    assert response.status_code == 400
    assert "the file name contains control characters such as NUL" in response.content.decode()
    assert "Second answer kept after an error." in response.content.decode()
    assert not Attachment.objects.exists()
