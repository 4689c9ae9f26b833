"""The e-mail receipt: queued in the outbox with the response, sent only after commit, never on rollback, sent once,
and sent by a real worker."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from aiexports.outbox.models import OutboxMail
from aiexports.outbox.services import outbox_mail_deliver
from rfi.models import Submission
from rfi.services import rfi_receipt_send, rfi_submission_create
from tests.conftest import wait_until


def receipts() -> list[OutboxMail]:
    return list(OutboxMail.objects.filter(template_prefix="rfi/email/receipt"))


@pytest.mark.django_db
def test_the_receipt_is_queued_with_the_response_and_sent_only_after_commit(valid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = rfi_submission_create(**valid)
    (receipt,) = receipts()
    assert (receipt.dedupe_key, receipt.status, receipt.to) == (
        f"rfi-receipt:{submission.pk}",
        "pending",
        [valid["email"]],
    )
    assert mail.outbox == []
    for callback in callbacks:  # the campaign detection and the delivery
        callback()
    assert len(mail.outbox) == 1
    receipt.refresh_from_db()
    assert receipt.status == "sent" and receipt.body_text == ""  # the body is not kept once sent


@pytest.mark.django_db
def test_no_receipt_is_queued_when_the_transaction_rolls_back(valid, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        rfi_submission_create(**valid)
        raise RuntimeError("the caller's transaction fails")
    assert callbacks == []
    assert receipts() == [] and mail.outbox == []
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_an_anonymous_response_without_email_queues_no_receipt(valid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rfi_submission_create(**{**valid, "respondent_type": "anonymous", "email": ""})
    assert receipts() == [] and mail.outbox == []


@pytest.mark.django_db
def test_the_receipt_sends_the_tracking_number_once(valid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = rfi_submission_create(**{**valid, "language": "fr"})
    assert rfi_receipt_send(submission_id=submission.pk) is False  # already queued: nothing more
    (receipt,) = receipts()
    assert outbox_mail_deliver(mail_id=receipt.pk) == "skipped"  # a redelivered message sends nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.org"]
    assert submission.tracking_number in message.subject and submission.tracking_number in message.body
    assert "We suggest a focus" not in message.body  # answers are not e-mailed
    assert rfi_receipt_send(submission_id=999999) is False


@pytest.mark.worker
def test_a_real_worker_sends_the_receipt(celery_worker, transactional_db):
    from tests.rfi.factories import notice_with_questions

    notice = notice_with_questions()
    question = notice.questions.first()
    submission = rfi_submission_create(
        notice=notice,
        respondent_type="individual",
        name="Worker Test",
        email="worker@example.org",
        answers={question.pk: "Sent through a real worker."},
        certified=True,
    )
    # Wait for a complete message: the worker's file backend may have created the file and not written it yet.
    mails = wait_until(lambda: [m for m in celery_worker.sent_mail() if submission.tracking_number in m], timeout=60)
    assert submission.tracking_number in mails[0]
    assert "worker@example.org" in mails[0]
    wait_until(lambda: Submission.objects.filter(pk=submission.pk, receipt_sent_at__isnull=False).exists())


@pytest.mark.django_db
def test_the_receipt_links_to_the_tracking_page_with_the_number_and_has_an_html_part(
    valid, settings, django_capture_on_commit_callbacks
):
    settings.AIX_SITE_URL = "https://portal.example.gov"
    valid["notice"].title = "Comments on\r\nAI exports"
    valid["notice"].save(update_fields=["title"])
    with django_capture_on_commit_callbacks(execute=True):
        submission = rfi_submission_create(**valid)
    (message,) = mail.outbox
    link = f"https://portal.example.gov/rfi/track/?number={submission.tracking_number}"
    assert link in message.body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html" and f'href="{link}"' in html
    assert "\n" not in message.subject and submission.tracking_number in message.subject


@pytest.mark.django_db
def test_the_tracking_page_fills_in_the_number_from_the_receipt_link(client):
    response = client.get("/rfi/track/?number=AIX-7K3M-Q9PD")
    assert response.status_code == 200
    assert 'value="AIX-7K3M-Q9PD"' in response.content.decode()
