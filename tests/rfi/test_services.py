"""rfi_submission_create: every rule refuses with a clear message, and a refusal stores nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aiexports.audit.models import AuditEvent
from rfi.models import Answer, Attachment, Submission
from rfi.models.submissions import TRACKING_RE
from rfi.services import SubmissionInvalid, rfi_submission_create
from tests.rfi.conftest import EXE_BYTES, HTML_BYTES, RawUpload, pdf, png, upload
from tests.rfi.factories import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def refused(valid, settings, **changes) -> dict[str, list[str]]:
    """Call the service expecting a refusal; check nothing was stored; return the errors."""
    with pytest.raises(SubmissionInvalid) as info:
        rfi_submission_create(**{**valid, **changes})
    assert Submission.objects.count() == 0
    assert Answer.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []
    return info.value.errors


def test_a_valid_response_is_stored_with_a_readable_tracking_number_and_an_audit_row(
    valid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        submission = rfi_submission_create(**valid, attachments=[pdf()], ip_address="203.0.113.9")
    assert re.fullmatch(TRACKING_RE, submission.tracking_number)
    assert not set("01OI") & set(submission.tracking_number[4:])
    assert submission.answers.count() == 1
    assert submission.status == "received"
    assert not submission.is_duplicate_flag
    event = AuditEvent.objects.get(action="rfi.submission.create")
    assert event.target_id == str(submission.pk) and event.ip_address == "203.0.113.9"
    attachment = submission.attachments.get()
    assert attachment.original_name == "comments.pdf"
    assert "comments" not in attachment.file.name  # stored under a generated name
    assert attachment.kind == "pdf" and attachment.size == len(PDF_BYTES)
    assert attachment.file.read() == PDF_BYTES


def test_a_closed_notice_refuses_responses(valid, settings):
    notice = valid["notice"]
    notice.closes_at = timezone.now() - timedelta(minutes=1)
    notice.save()
    errors = refused(valid, settings)
    assert "closed" in errors["non_field_errors"][0]


def test_a_closed_notice_that_accepts_late_responses_takes_them_and_marks_them_late(valid):
    notice = valid["notice"]
    notice.closes_at, notice.accepts_late = timezone.now() - timedelta(minutes=1), True
    notice.save()
    assert rfi_submission_create(**valid).is_late


def test_a_notice_not_yet_open_refuses_responses(valid, settings):
    notice = valid["notice"]
    notice.opens_at, notice.closes_at = timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=9)
    notice.save()
    assert "not open" in refused(valid, settings)["non_field_errors"][0]


def test_a_response_without_any_answer_is_refused(valid, settings, questions):
    errors = refused(valid, settings, answers={questions[0].pk: "   ", questions[1].pk: ""})
    assert errors["non_field_errors"] == ["Answer at least one question."]


def test_an_answer_longer_than_its_question_allows_is_refused(valid, settings, questions):
    errors = refused(valid, settings, answers={questions[0].pk: "x" * 2001})
    assert "2001 characters long; the limit is 2000" in errors[f"answer_{questions[0].pk}"][0]


def test_an_answer_to_a_question_of_another_notice_is_refused(valid, settings):
    errors = refused(valid, settings, answers={999999: "hello"})
    assert "not part of this notice" in errors["non_field_errors"][0]


def test_confidential_information_without_a_justification_is_refused(valid, settings, questions):
    errors = refused(valid, settings, is_confidential=True)
    assert "Explain why" in errors["confidentiality_justification"][0]
    errors = refused(valid, settings, confidential_answer_ids=[questions[0].pk])
    assert "confidentiality_justification" in errors
    errors = refused(valid, settings, confidential_attachments=[pdf()])
    assert "confidentiality_justification" in errors


def test_the_certification_is_required(valid, settings):
    assert "accurate" in refused(valid, settings, certified=False)["certified"][0]


def test_name_and_email_are_required_unless_anonymous(valid, settings):
    errors = refused(valid, settings, name="", email="", organization_name="")
    assert set(errors) >= {"name", "email", "organization_name"}
    anonymous = rfi_submission_create(**{**valid, "respondent_type": "anonymous", "name": "x", "email": ""})
    assert anonymous.name == "" and anonymous.organization_name == ""


def test_too_many_files_are_refused(valid, settings):
    valid["notice"].max_attachment_count = 2
    errors = refused(valid, settings, attachments=[pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")])
    assert "3 files; at most 2" in errors["attachments"][0]


def test_an_oversize_file_is_refused_naming_it(valid, settings):
    valid["notice"].max_attachment_size = 100
    errors = refused(valid, settings, attachments=[upload("big.pdf", PDF_BYTES + b"0" * 200)])
    assert errors["attachments"][0].startswith("“big.pdf” was refused: it is")
    assert "the limit is 100" in errors["attachments"][0]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("report.pdf", HTML_BYTES, "looks like a web page"),
        ("chart.png", PNG_BYTES + b"<html><script>alert(1)</script></html>", "hidden data after its end"),
        ("setup.pdf", EXE_BYTES, "Windows program"),
        ("empty.pdf", b"", "the file is empty"),
        ("chart.pdf", PNG_BYTES, "name ends in .pdf but its content is PNG"),
        ("../../etc/passwd.pdf", PDF_BYTES, "folder path"),
        ("report\x00.exe.pdf", PDF_BYTES, "control characters"),
    ],
)
def test_a_file_whose_content_or_name_is_unsafe_is_refused_naming_it(valid, settings, name, data, reason):
    errors = refused(valid, settings, attachments=[pdf("fine.pdf"), RawUpload(name, data)])
    assert len(errors["attachments"]) == 1
    message = errors["attachments"][0]
    assert reason in message
    assert "was refused" in message and "\x00" not in message


def test_a_type_the_notice_does_not_allow_is_refused(valid, settings):
    valid["notice"].allowed_attachment_types = ["pdf"]
    errors = refused(valid, settings, attachments=[png()])
    assert "PNG files are not accepted for this notice" in errors["attachments"][0]


def test_all_problems_are_reported_at_once(valid, settings, questions):
    errors = refused(valid, settings, email="", certified=False, answers={questions[0].pk: "x" * 5000})
    assert {"email", "certified", f"answer_{questions[0].pk}"} <= set(errors)


def test_a_second_response_from_the_same_email_is_accepted_but_flagged(valid):
    first = rfi_submission_create(**valid)
    second = rfi_submission_create(**{**valid, "email": "ADA@example.org"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_duplicate_flag
    assert second.is_duplicate_flag
    assert second.status == "received"


def test_marked_parts_are_confidential_and_public_versions_pair_with_confidential_files(valid, questions):
    submission = rfi_submission_create(
        **{**valid, "answers": {questions[0].pk: "public", questions[1].pk: "secret"}},
        confidential_answer_ids=[questions[1].pk],
        confidentiality_justification="Pricing.",
        attachments=[pdf("open.pdf")],
        confidential_attachments=[pdf("secret.pdf")],
        public_versions=[pdf("secret-redacted.pdf")],
    )
    assert submission.is_confidential
    answers = {a.question_id: a.is_confidential for a in submission.answers.all()}
    assert answers == {questions[0].pk: False, questions[1].pk: True}
    files = {a.original_name: a for a in submission.attachments.all()}
    assert not files["open.pdf"].is_confidential
    assert files["secret.pdf"].is_confidential
    assert files["secret-redacted.pdf"].public_version_of == files["secret.pdf"]
    assert not files["secret-redacted.pdf"].is_confidential


def test_claiming_confidentiality_without_marking_parts_makes_the_whole_response_confidential(valid):
    submission = rfi_submission_create(
        **valid, is_confidential=True, confidentiality_justification="Trade secrets.", attachments=[pdf()]
    )
    assert all(a.is_confidential for a in submission.answers.all())
    assert all(a.is_confidential for a in submission.attachments.all())


def test_more_public_versions_than_confidential_files_is_refused(valid, settings):
    errors = refused(valid, settings, public_versions=[pdf()])
    assert "public_versions" in errors


def test_files_written_before_a_failure_are_removed(valid, settings, monkeypatch):
    from rfi import services

    def boom(submission):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_flag_duplicate", boom)
    with pytest.raises(RuntimeError):
        rfi_submission_create(**valid, attachments=[pdf()])
    assert Submission.objects.count() == 0
    assert stored_files(settings) == []
