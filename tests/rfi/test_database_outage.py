"""A database connection lost in the middle of a request is a 503 with Retry-After, never a 500 trace."""

from __future__ import annotations

import json
from pathlib import Path

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
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(services, "_flag_duplicate", drop)


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


def test_under_debug_the_developer_still_gets_the_trace(client, monkeypatch, settings):
    from aiexports.portal import views

    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    settings.DEBUG = True
    monkeypatch.setattr(views, "render", closed)
    with pytest.raises(InterfaceError):
        client.get(reverse("portal:home"))
