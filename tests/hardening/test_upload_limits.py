"""Uploads are refused early and hostile documents are decided (issue 17, finding 6).

- a body over ``AIX_MAX_REQUEST_BYTES`` is refused from its ``Content-Length`` before it is read (413), and the
  first upload handler stops reading a body that grows past it (no length, or a wrong one);
- a DOCX/XLSX that would unpack to 64 MB or more is refused (a ZIP bomb);
- a PDF with JavaScript or a launch action, in clear or in a compressed stream, is refused;
- a CSV attachment with formulas is *accepted as sent* (it is the respondent's evidence and is only ever
  downloaded), while every CSV the portal writes itself neutralizes formulas with one helper (``csv_safe``).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aiexports.streaming import csv_lines, csv_safe
from aiexports.uploads import SizeLimitUploadHandler, UploadTooLarge
from rfi import filetypes
from rfi.exports import safe_cell
from rfi.models import Submission
from tests.hardening.corpus import PDF
from tests.rfi.conftest import office_zip
from tests.rfi.factories import notice_with_questions

pytestmark = pytest.mark.django_db

CAP = 200_000


@pytest.fixture
def small_cap(settings):
    settings.AIX_MAX_REQUEST_BYTES = CAP


def _form(notice) -> dict:
    question = notice.questions.first()
    return {"respondent_type": "individual", "name": "Ada", "email": "ada@example.org", "certified": "on",
            f"answer_{question.pk}": "An answer."}  # fmt: skip


def _big_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", PDF + b"%" * (CAP + 1), content_type="application/pdf")


# --- early refusal -----------------------------------------------------------------------------------


def test_a_form_body_over_the_cap_is_refused_with_413_from_its_length(client, small_cap):
    notice = notice_with_questions(questions=1, topics=1)
    response = client.post(f"/rfi/{notice.docket_id}/respond/", {**_form(notice), "attachments": _big_pdf()})
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not Submission.objects.exists()


def test_an_api_body_over_the_cap_is_refused_with_413_json(client, small_cap):
    notice = notice_with_questions(questions=1, topics=1)
    question = notice.questions.first()
    data = {"respondent_type": "individual", "answers": json.dumps({str(question.pk): "x"}), "attachments": _big_pdf()}
    response = client.post(f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", data)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Submission.objects.exists()


@pytest.mark.parametrize("path", ["rfi", "api"])
def test_without_the_length_check_the_upload_handler_stops_reading_at_the_cap(client, small_cap, settings, path):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequestSizeLimitMiddleware")]
    notice = notice_with_questions(questions=1, topics=1)
    question = notice.questions.first()
    if path == "rfi":
        response = client.post(f"/rfi/{notice.docket_id}/respond/", {**_form(notice), "attachments": _big_pdf()})
    else:
        data = {
            "respondent_type": "individual",
            "answers": json.dumps({str(question.pk): "x"}),
            "attachments": _big_pdf(),
        }
        response = client.post(f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", data)
    assert response.status_code == 413
    assert not Submission.objects.exists()


def test_the_upload_handler_counts_the_bytes_as_they_arrive(settings):
    settings.AIX_MAX_REQUEST_BYTES = 10
    handler = SizeLimitUploadHandler()
    handler.handle_raw_input(io.BytesIO(), {}, 0, b"x")  # no Content-Length: counted chunk by chunk
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(UploadTooLarge):
        handler.receive_data_chunk(b"678901", 5)


def test_a_body_under_the_cap_goes_through(client, small_cap):
    notice = notice_with_questions(questions=1, topics=1)
    pdf = SimpleUploadedFile("ok.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/rfi/{notice.docket_id}/respond/", {**_form(notice), "attachments": pdf})
    assert response.status_code == 302
    assert Submission.objects.get().attachments.count() == 1


# --- DOCX zip bombs ----------------------------------------------------------------------------------


def _docx_with_padding(members: int, size: int) -> bytes:
    buffer = io.BytesIO(office_zip("docx"))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for n in range(members):
            archive.writestr(f"word/media/pad{n}.bin", b"\0" * size)
    return buffer.getvalue()


def test_a_docx_that_unpacks_to_70_mb_in_small_parts_is_refused_as_a_zip_bomb():
    data = _docx_with_padding(70, 1024 * 1024)  # each part under the per-part ratio check; 70 MB in all
    assert len(data) < 1024 * 1024
    with pytest.raises(filetypes.FileRejected, match="ZIP bomb"):
        filetypes.detect(data)


def test_a_docx_that_unpacks_to_a_few_mb_is_accepted():
    assert filetypes.detect(_docx_with_padding(4, 1024 * 1024)).kind == filetypes.DOCX


# --- PDF with JavaScript -----------------------------------------------------------------------------


def _pdf_with(obj: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n" + obj + b"\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf_with_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return _pdf_with(b"<</Type/ObjStm/Filter/FlateDecode/Length %d>>stream\n" % len(packed) + packed + b"\nendstream")


@pytest.mark.parametrize(
    "data",
    [
        _pdf_with(b"<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>"),
        _pdf_with(b"<</Type/Catalog/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>>>"),
        _pdf_with(b"<</Type/Action/S/Launch/F(cmd.exe)>>"),
        _pdf_with_stream(b"<</S/JavaScript/JS(this.exportDataObject())>>"),
    ],
    ids=["clear", "hex-escaped", "launch", "in-a-compressed-object-stream"],
)
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(data):
    with pytest.raises(filetypes.FileRejected, match="JavaScript"):
        filetypes.detect(data)


def test_an_ordinary_pdf_with_compressed_streams_is_accepted():
    assert filetypes.detect(_pdf_with_stream(b"BT /F1 12 Tf (Hello JSON /JSONData) Tj ET")).kind == filetypes.PDF


# --- CSV formulas ------------------------------------------------------------------------------------


def test_an_uploaded_csv_with_formulas_is_accepted_as_sent():
    assert filetypes.detect(b'name,total\n=HYPERLINK("http://x"),2\n+1,3\n').kind == filetypes.CSV


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1+1", "\u3000=1", "|cmd", "\uff1d1+1"]
)
def test_every_csv_the_portal_writes_neutralizes_a_formula(value):
    assert csv_safe(value) == "'" + value
    assert safe_cell(value) == "'" + value
    rows = list(csv.reader(io.StringIO("".join(csv_lines(["h"], [[value]])), newline="")))
    assert rows[-1] == ["'" + value]


@pytest.mark.parametrize("value", ["Acme", "1+1", "a=b", 5, -3.5])
def test_ordinary_cells_are_left_alone(value):
    assert csv_safe(value) == value
