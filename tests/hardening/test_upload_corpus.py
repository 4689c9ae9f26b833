"""The hostile-upload corpus against every upload surface, over real HTTP: refused with a clear message, none stored.

A *surface* is one file field of one upload endpoint (form, API or admin). A new upload surface is one more
``Surface(...)`` line in ``SURFACES``; every item of the corpus then runs against it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from aiexports.uploads import display_name
from rfi.models import Attachment, Submission
from rfi.services import SubmissionInvalid, rfi_submission_create
from screening.models import ScreeningEntry, ScreeningListImport
from tests.hardening.corpus import COUNT_LIMIT, PDF, SIZE_LIMIT, Hostile, corpus, multipart, too_many
from tests.rfi.conftest import RawUpload
from tests.rfi.factories import notice_with_questions

pytestmark = pytest.mark.django_db

CORPUS = corpus()
KEPT = "Typed text that must be kept."
GOOD = Hostile("good", "redacted.pdf", PDF, "")


# --- the surfaces -------------------------------------------------------------------------------------


def rfi_form_fields(notice) -> dict[str, str]:
    question = notice.questions.first()
    return {
        "respondent_type": "organization",
        "name": "Ada Example",
        "email": "ada@example.org",
        "organization_name": "Example Systems",
        "organization_type": "company",
        "country": "JP",
        f"answer_{question.pk}": KEPT,
        "certified": "on",
    }


def rfi_api_fields(notice) -> dict[str, str]:
    question = notice.questions.first()
    return {
        "respondent_type": "individual",
        "name": "Api Person",
        "email": "api@example.org",
        "answers": json.dumps({str(question.pk): KEPT}),
        "certified": "true",
    }


CONFIDENTIAL = {"is_confidential": "on", "confidentiality_justification": "Trade secrets of the firm."}
CONFIDENTIAL_API = {"is_confidential": "true", "confidentiality_justification": "Trade secrets of the firm."}


@dataclass(frozen=True)
class Surface:
    key: str
    kind: str  # "form" (an HTML form shown again), "api" (400 JSON) or "admin" (a staff form shown again)
    url: Callable[[object], str]
    fields: Callable[[object], dict[str, str]]
    file_field: str
    count_field: str = ""  # where "too many files" is reported (default: file_field)
    companions: tuple[tuple[str, Hostile], ...] = ()  # good files sent alongside (a public version needs one)
    kept: str = KEPT  # typed input a form must show again
    rename_to_csv: bool = False  # send every file as "<stem>.csv", so that only its content can refuse it
    extra: dict[str, str] = field(default_factory=dict)


def _respond(notice) -> str:
    return f"/rfi/{notice.docket_id}/respond/"


def _submissions(notice) -> str:
    return f"/api/v1/rfi/notices/{notice.docket_id}/submissions/"


def _screening(notice) -> str:
    return "/admin/screening/screeninglistimport/add/"


def _screening_fields(notice) -> dict[str, str]:
    return {"list_date": "2025-01-15", "file_format": ""}


SURFACES = [
    Surface("rfi-form-attachments", "form", _respond, rfi_form_fields, "attachments"),
    Surface(
        "rfi-form-confidential", "form", _respond, rfi_form_fields, "confidential_attachments", "attachments",
        extra=CONFIDENTIAL,
    ),
    Surface(
        "rfi-form-public-versions", "form", _respond, rfi_form_fields, "public_versions", "attachments",
        companions=(("confidential_attachments", GOOD),), extra=CONFIDENTIAL,
    ),
    Surface("rfi-api-attachments", "api", _submissions, rfi_api_fields, "attachments"),
    Surface(
        "rfi-api-confidential", "api", _submissions, rfi_api_fields, "confidential_attachments", "attachments",
        extra=CONFIDENTIAL_API,
    ),
    Surface(
        "rfi-api-public-versions", "api", _submissions, rfi_api_fields, "public_versions", "attachments",
        companions=(("confidential_attachments", GOOD),), extra=CONFIDENTIAL_API,
    ),
    Surface("screening-admin", "admin", _screening, _screening_fields, "file", kept='value="2025-01-15"'),
    Surface(
        "screening-admin-as-csv", "admin", _screening, _screening_fields, "file", kept='value="2025-01-15"',
        rename_to_csv=True,
    ),
]  # fmt: skip

CASES = [
    pytest.param(surface, hostile, id=f"{surface.key}-{hostile.key}")
    for surface in SURFACES
    for hostile in CORPUS
    if not (surface.rename_to_csv and hostile.name_matters)
]


# --- fixtures and checks -----------------------------------------------------------------------------


# One client per kind of visitor for the whole module: a new test client loads the middleware again, and
# WhiteNoise (with finders, in test settings) then indexes every static file: most of a test's time.
_VISITOR, _STAFF = Client(), Client()


@pytest.fixture
def web(db, admin_user) -> dict[str, Client]:
    _VISITOR.cookies.clear()
    _STAFF.cookies.clear()
    _STAFF.force_login(admin_user)
    return {"visitor": _VISITOR, "staff": _STAFF}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Every upload goes through a temporary file, so the test sees any the request leaves behind.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    settings.AIX_SCREENING_UPLOAD_MAX_BYTES = SIZE_LIMIT
    settings.RATELIMIT_ENABLE = False  # the corpus posts many times from one address
    cache.clear()  # and the API's "submissions" throttle counts in the cache
    return tmp_path


@pytest.fixture
def notice(db):
    notice = notice_with_questions(questions=2, topics=1)
    notice.max_attachment_size = SIZE_LIMIT
    notice.max_attachment_count = COUNT_LIMIT
    notice.save()
    return notice


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def assert_nothing_stored(tmp: Path) -> None:
    assert Submission.objects.count() == 0 and Attachment.objects.count() == 0
    assert ScreeningListImport.objects.count() == 0 and ScreeningEntry.objects.count() == 0
    assert files_under(tmp / "media") == []
    assert files_under(tmp / "upload-tmp") == []


def as_csv(hostile: Hostile) -> Hostile:
    stem = hostile.name.rsplit(".", 1)[0]
    return Hostile(hostile.key, f"{stem}.csv", hostile.data, hostile.reason)


def post(web: dict[str, Client], surface: Surface, notice, files: list[Hostile]):
    if surface.rename_to_csv:
        files = [as_csv(h) for h in files]
    body, content_type = multipart(
        {**surface.fields(notice), **surface.extra},
        [*surface.companions, *((surface.file_field, h) for h in files)],
    )
    who = web["staff"] if surface.kind == "admin" else web["visitor"]
    return who.post(surface.url(notice), data=body, content_type=content_type)


def field_errors(response, surface: Surface, name: str) -> list[str]:
    """The messages shown for one field: in the JSON body (API) or on the form shown again (pages)."""
    assert response.status_code == 400, response.content[:500]
    if surface.kind == "api":
        assert response["Content-Type"].startswith("application/json")
        return [str(m) for m in response.json()["errors"].get(name, [])]
    page = html.unescape(response.content.decode())
    assert surface.kept in page  # what was typed is shown again
    messages = [str(m) for m in response.context["form"].errors.get(name, [])]
    for message in messages:
        assert message in page
    return messages


def shown(hostile: Hostile) -> str:
    """The file's name as a refusal shows it (the name as sent, entities decoded as Django decodes them)."""
    return display_name(html.unescape(hostile.name))


# --- every hostile file, on every surface --------------------------------------------------------------


@pytest.mark.parametrize(("surface", "hostile"), CASES)
def test_every_hostile_file_is_refused_on_every_surface_with_its_reason_and_nothing_is_stored(
    web, media, notice, surface, hostile
):
    response = post(web, surface, notice, [hostile])
    messages = " ".join(field_errors(response, surface, surface.file_field))
    assert hostile.reason.lower() in messages.lower(), messages
    if hostile.key not in {"empty"} or surface.kind != "admin":  # the list parser says "The file is empty."
        sent = as_csv(hostile) if surface.rename_to_csv else hostile
        assert f"“{shown(sent)}” was refused" in messages, messages
    assert_nothing_stored(media)


@pytest.mark.parametrize("surface", SURFACES, ids=[s.key for s in SURFACES])
def test_too_many_files_are_refused_on_every_surface_and_none_is_stored(web, media, notice, surface):
    response = post(web, surface, notice, too_many())
    messages = " ".join(field_errors(response, surface, surface.count_field or surface.file_field))
    assert "at most" in messages and "You attached" in messages, messages
    assert_nothing_stored(media)


@pytest.mark.parametrize("surface", SURFACES[::3], ids=[s.key for s in SURFACES[::3]])
def test_more_files_than_any_request_may_carry_are_refused_with_the_limit_and_none_is_stored(
    web, media, notice, settings, surface
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5
    response = post(web, surface, notice, [GOOD] * 6)
    assert response.status_code == 400
    body = response.json()["detail"] if surface.kind == "api" else html.unescape(response.content.decode())
    assert "You attached too many files; at most 5 are accepted in one request." in body
    assert_nothing_stored(media)


def test_one_hostile_file_among_good_ones_stores_none_of_them(web, media, notice):
    bad = next(h for h in CORPUS if h.key == "traversal_name")
    response = post(web, SURFACES[0], notice, [GOOD, bad])
    assert f"“{bad.name}” was refused" in " ".join(field_errors(response, SURFACES[0], "attachments"))
    assert_nothing_stored(media)


def test_a_good_file_passes_every_rfi_surface_under_its_own_name(web, media, notice):
    """The positive control: the parser keeps a plain name as it is and the file is stored."""
    for surface in (SURFACES[0], SURFACES[3]):
        response = post(web, surface, notice, [GOOD])
        assert response.status_code in (201, 302), response.content[:300]
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["redacted.pdf"] * 2
    assert files_under(media / "upload-tmp") == []


# --- the service, called directly (names reach it as given) -------------------------------------------


@pytest.mark.parametrize("hostile", CORPUS, ids=[h.key for h in CORPUS])
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
    assert f"“{display_name(hostile.name)}” was refused" in message
    assert_nothing_stored(media)


# --- the wiring: a new upload route cannot bypass the parser -----------------------------------------


def _api_views(patterns, prefix: str = ""):
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
            yield prefix + str(entry.pattern), entry.callback.cls


def test_every_api_view_that_reads_files_uses_the_parser_that_keeps_names_as_sent():
    from django.urls import get_resolver
    from rest_framework.parsers import FileUploadParser, MultiPartParser

    from aiexports.uploads import MultiPartParser as ProjectParser

    views = list(_api_views(get_resolver().url_patterns))
    assert any("submissions" in route for route, _ in views)  # the walk reaches the RFI upload endpoint
    for route, view in views:
        for parser in view.parser_classes:
            assert not issubclass(parser, FileUploadParser), route
            if issubclass(parser, MultiPartParser):
                assert issubclass(parser, ProjectParser), f"{route} parses multipart with {parser.__name__}"


def test_django_request_parsing_keeps_names_as_sent_before_any_middleware_reads_the_body(settings):
    assert settings.MIDDLEWARE.index("aiexports.uploads.ClientFileNameMiddleware") <= settings.MIDDLEWARE.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )
