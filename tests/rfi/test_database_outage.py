"""A database connection lost in the middle of a request is a 503 with Retry-After, never a 500 trace."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from rfi import services
from rfi.models import Attachment, Submission
from tests.rfi.conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection_lost_after_files_are_written(monkeypatch):
    """The connection drops after the submission row and its files were written, before the commit."""

    def drop(submission):
        raise lost_connection()

    monkeypatch.setattr(services, "_flag_duplicate", drop)


def lost_connection() -> OperationalError:
    """Django's error as psycopg raises it when the server terminated the backend (SQLSTATE 57P01)."""
    try:
        try:
            raise psycopg.errors.AdminShutdown("terminating connection due to administrator command")
        except psycopg.Error as driver_error:
            raise OperationalError(str(driver_error)) from driver_error
    except OperationalError as error:
        return error


def files_in(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def test_an_api_submission_cut_off_by_a_lost_database_is_a_json_503_and_leaves_nothing_behind(
    client, notice, questions, settings, connection_lost_after_files_are_written
):
    data = {
        "respondent_type": "individual",
        "name": "Api Person",
        "email": "api@example.org",
        "answers": json.dumps({str(questions[0].pk): "Answer through the API."}),
        "certified": "true",
        "attachments": [pdf()],
    }
    response = client.post(f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", data)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "service_unavailable"
    assert "try again" in response.json()["detail"]
    assert not Submission.objects.exists() and not Attachment.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []


def test_a_form_submission_cut_off_by_a_lost_database_is_a_friendly_503_page(
    client, notice, questions, settings, connection_lost_after_files_are_written
):
    data = {
        "respondent_type": "individual",
        "name": "Ada Example",
        "email": "ada@example.org",
        f"answer_{questions[0].pk}": "An answer.",
        "certified": "on",
        "attachments": [pdf()],
    }
    response = client.post(reverse("rfi:submission_create", args=[notice.docket_id]), data)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Service temporarily unavailable" in html and "Traceback" not in html
    assert not Submission.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []


def test_an_already_closed_connection_on_a_page_is_a_503_too(client, monkeypatch):
    from aiexports.portal import views

    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(views, "render", closed)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 503
    assert response["Retry-After"]


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(lambda: OperationalError("no such table: x"), id="sqlite-style"),
        pytest.param(lambda: OperationalError("deadlock"), id="no-driver-cause"),
    ],
)
def test_an_operational_error_that_is_not_a_lost_connection_stays_a_500(client, monkeypatch, error):
    from aiexports.portal import views

    def fails(*args, **kwargs):
        raise error()

    monkeypatch.setattr(views, "render", fails)
    with pytest.raises(OperationalError):
        client.get(reverse("portal:home"))


def test_a_deadlock_is_not_taken_for_a_lost_connection():
    from aiexports.middleware import connection_lost

    try:
        try:
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        except psycopg.Error as driver_error:
            raise OperationalError(str(driver_error)) from driver_error
    except OperationalError as error:
        assert connection_lost(error) is False
    assert connection_lost(lost_connection()) is True


def test_under_debug_the_developer_still_gets_the_trace(client, monkeypatch, settings):
    from aiexports.portal import views

    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    settings.DEBUG = True
    monkeypatch.setattr(views, "render", closed)
    with pytest.raises(InterfaceError):
        client.get(reverse("portal:home"))


def test_files_already_written_are_deleted_when_a_later_attachment_row_fails(valid, settings, monkeypatch):
    from rfi.models import Attachment as AttachmentModel

    original = AttachmentModel.save
    saved: list[int] = []

    def second_row_fails(self, *args, **kwargs):
        if saved:
            raise OperationalError("server closed the connection unexpectedly")
        saved.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AttachmentModel, "save", second_row_fails)
    with pytest.raises(OperationalError):
        services.rfi_submission_create(**{**valid, "attachments": [pdf("a.pdf"), pdf("b.pdf")]})
    assert not Submission.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []


def test_a_receipt_whose_send_is_interrupted_is_kept_and_sent_once_on_the_next_attempt(
    valid, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from aiexports.outbox import services as outbox
    from aiexports.outbox.models import OutboxMail

    real_send, calls = outbox.send_rendered_mail, []

    def first_attempt_loses_the_connection(**message):
        calls.append(message["to"])
        if len(calls) == 1:
            raise ConnectionError("the mail server closed the connection")
        return real_send(**message)

    monkeypatch.setattr(outbox, "send_rendered_mail", first_attempt_loses_the_connection)
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.rfi_submission_create(**valid)
    receipt = OutboxMail.objects.get(dedupe_key=f"rfi-receipt:{submission.pk}")
    assert (receipt.status, receipt.attempts, mailoutbox) == ("pending", 1, [])  # kept for the next attempt
    assert "ConnectionError" in receipt.last_error and receipt.body_text
    assert outbox.outbox_mail_deliver(mail_id=receipt.pk) == "sent"  # the retry (the sweeper sends it)
    assert outbox.outbox_mail_deliver(mail_id=receipt.pk) == "skipped"
    assert len(calls) == 2 and len(mailoutbox) == 1
