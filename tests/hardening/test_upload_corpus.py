"""The hostile-upload corpus against every upload surface: all refused with a clear message, nothing stored."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from django.core.cache import cache

from rfi.models import Attachment, Submission
from rfi.services import SubmissionInvalid, rfi_submission_create
from tests.hardening.corpus import COUNT_LIMIT, SIZE_LIMIT, Hostile, corpus, multipart, too_many
from tests.rfi.conftest import RawUpload
from tests.rfi.factories import notice_with_questions

pytestmark = pytest.mark.django_db

CORPUS = corpus()
CONTENT = [h for h in CORPUS if not h.name_only]
NAMES = [h for h in CORPUS if h.name_only]


def _ids(items: list[Hostile]) -> list[str]:
    return [h.key for h in items]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATELIMIT_ENABLE = False  # the corpus posts many times from one address
    cache.clear()  # and the API's "submissions" throttle counts in the cache
    return settings.MEDIA_ROOT


@pytest.fixture
def notice(db):
    notice = notice_with_questions(questions=2, topics=1)
    notice.max_attachment_size = SIZE_LIMIT
    notice.max_attachment_count = COUNT_LIMIT
    notice.save()
    return notice


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def assert_nothing_stored(media: Path) -> None:
    assert Submission.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def assert_safely_stored_if_accepted(media: Path) -> None:
    """A hostile *name* (NAME_ONLY) is refused, or kept only as a cleaned name inside MEDIA_ROOT."""
    for attachment in Attachment.objects.all():
        assert "/" not in attachment.original_name and "\\" not in attachment.original_name
        assert "\x00" not in attachment.original_name and ".." not in attachment.original_name
        assert Path(attachment.file.path).resolve().is_relative_to(media.resolve())
    for path in stored_files(media):
        assert path.resolve().is_relative_to(media.resolve())


def refusal(hostile: Hostile) -> str:
    return f"“{hostile.name}” was refused"


# --- the service, called directly (names reach it verbatim) ------------------------------------------


@pytest.mark.parametrize("hostile", CORPUS, ids=_ids(CORPUS))
def test_the_service_refuses_every_hostile_file_and_names_it(notice, media, hostile):
    question = notice.questions.first()
    with pytest.raises(SubmissionInvalid) as caught:
        rfi_submission_create(
            notice=notice,
            respondent_type="anonymous",
            answers={question.pk: "An answer."},
            certified=True,
            attachments=[RawUpload(hostile.name, hostile.data)],
        )
    message = " ".join(caught.value.errors["attachments"])
    assert hostile.reason in message, message
    assert "was refused" in message
    assert_nothing_stored(media)


# --- the HTML response form ---------------------------------------------------------------------------


def form_fields(notice) -> dict[str, str]:
    question = notice.questions.first()
    return {
        "respondent_type": "organization",
        "name": "Ada Example",
        "email": "ada@example.org",
        "organization_name": "Example Systems",
        "organization_type": "company",
        "country": "JP",
        f"answer_{question.pk}": "Typed text that must be kept.",
        "certified": "on",
    }


def post_form(client, notice, files: list[Hostile]):
    body, content_type = multipart(form_fields(notice), [("attachments", h) for h in files])
    return client.post(f"/rfi/{notice.docket_id}/respond/", data=body, content_type=content_type)


@pytest.mark.parametrize("hostile", CONTENT, ids=_ids(CONTENT))
def test_the_response_form_refuses_every_hostile_file_and_keeps_the_answers(client, notice, media, hostile):
    response = post_form(client, notice, [hostile])
    assert response.status_code == 200 or 400 <= response.status_code < 500
    page = html.unescape(response.content.decode())
    assert refusal(hostile) in page and hostile.reason in page
    assert "Typed text that must be kept." in page
    assert_nothing_stored(media)


@pytest.mark.parametrize("hostile", NAMES, ids=_ids(NAMES))
def test_the_response_form_never_stores_a_hostile_file_name(client, notice, media, hostile):
    response = post_form(client, notice, [hostile])
    assert response.status_code < 500
    assert_safely_stored_if_accepted(media)


def test_the_response_form_refuses_too_many_files(client, notice, media):
    page = html.unescape(post_form(client, notice, too_many()).content.decode())
    assert f"You attached {COUNT_LIMIT + 1} files; at most {COUNT_LIMIT} are accepted." in page
    assert_nothing_stored(media)


def test_one_hostile_file_among_good_ones_stores_none_of_them(client, notice, media):
    good, bad = too_many()[0], next(h for h in CORPUS if h.key == "windows_pe")
    page = html.unescape(post_form(client, notice, [good, bad]).content.decode())
    assert refusal(bad) in page
    assert_nothing_stored(media)


# --- the API ------------------------------------------------------------------------------------------


def api_fields(notice) -> dict[str, str]:
    question = notice.questions.first()
    return {
        "respondent_type": "individual",
        "name": "Api Person",
        "email": "api@example.org",
        "answers": json.dumps({str(question.pk): "Answer through the API."}),
        "certified": "true",
    }


def post_api(client, notice, files: list[Hostile]):
    body, content_type = multipart(api_fields(notice), [("attachments", h) for h in files])
    return client.post(f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", data=body, content_type=content_type)


@pytest.mark.parametrize("hostile", CONTENT, ids=_ids(CONTENT))
def test_the_api_answers_400_naming_every_hostile_file(client, notice, media, hostile):
    response = post_api(client, notice, [hostile])
    assert response.status_code == 400, response.content[:300]
    messages = " ".join(response.json()["errors"]["attachments"])
    assert refusal(hostile) in messages and hostile.reason in messages
    assert_nothing_stored(media)


@pytest.mark.parametrize("hostile", NAMES, ids=_ids(NAMES))
def test_the_api_never_stores_a_hostile_file_name(client, notice, media, hostile):
    response = post_api(client, notice, [hostile])
    assert response.status_code < 500
    assert_safely_stored_if_accepted(media)


def test_the_api_refuses_too_many_files(client, notice, media):
    response = post_api(client, notice, too_many())
    assert response.status_code == 400
    assert "at most" in " ".join(response.json()["errors"]["attachments"])
    assert_nothing_stored(media)


# --- the screening-list upload in the admin (staff only; nothing is stored but parsed entries) --------

screening = pytest.importorskip("catalog.eligibility.screening.models")


@pytest.mark.parametrize("rename", [False, True], ids=["as-named", "renamed-csv"])
@pytest.mark.parametrize("hostile", CORPUS, ids=_ids(CORPUS))
def test_the_screening_list_upload_refuses_every_hostile_file(admin_client, media, hostile, rename):
    if rename:
        hostile = Hostile(hostile.key, hostile.name.rsplit(".", 1)[0].split("/")[-1] + ".csv", hostile.data, "")
    body, content_type = multipart({"list_date": "2025-01-15", "file_format": ""}, [("file", hostile)])
    response = admin_client.post("/admin/eligibility/screeninglistimport/add/", data=body, content_type=content_type)
    assert response.status_code == 200  # the upload form again, with the reason under the file field
    form = response.context["form"]
    assert form.errors.get("file"), form.errors
    assert screening.ScreeningListImport.objects.count() == 0
    assert screening.ScreeningEntry.objects.count() == 0
    assert stored_files(media) == []
