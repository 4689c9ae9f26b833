"""File types are recognised by content; names are checked for paths and control characters."""

from __future__ import annotations

import pytest

from rfi import filetypes
from tests.rfi.conftest import EXE_BYTES, HTML_BYTES, JPEG_BYTES, office_zip
from tests.rfi.factories import PDF_BYTES, PNG_BYTES, _png_chunk


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF_BYTES, "pdf"),
        (PNG_BYTES, "png"),
        (JPEG_BYTES, "jpeg"),
        (office_zip("docx"), "docx"),
        (office_zip("xlsx"), "xlsx"),
        (b"name,country\nAda,US\nBo,JP\n", "csv"),
        ("Plain text answer, with an accent: é.\n".encode(), "txt"),
    ],
)
def test_accepted_document_types_are_recognised_by_their_content(data, kind):
    assert filetypes.detect(data).kind == kind


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (HTML_BYTES, "web page"),
        (b"<p>hello</p>", "web page"),
        (b"Hello <script>alert(1)</script>", "web page"),
        (PNG_BYTES + b"<html><script>alert(1)</script></html>", "hidden data"),
        (JPEG_BYTES + b"<script>alert(1)</script>", "web page markup"),
        (EXE_BYTES, "Windows program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 20, "Linux program"),
        (b"#!/bin/sh\nrm -rf /\n", "script"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 10, "archive"),
        (office_zip("zip"), "archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 10, "old Office"),
        (b"\xff\xfe\x00\x00binary", "not a document"),
        (b"caf\xe9 latin-1", "UTF-8"),
    ],
)
def test_dangerous_or_unknown_content_is_refused_with_a_reason(data, reason):
    with pytest.raises(filetypes.FileRejected, match=reason):
        filetypes.detect(data)


def test_a_png_with_markup_inside_a_text_chunk_is_refused():
    data = PNG_BYTES[:33] + _png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>") + PNG_BYTES[33:]
    with pytest.raises(filetypes.FileRejected, match="markup"):
        filetypes.detect(data)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\boot.ini",
        "/etc/passwd",
        "report\x00.pdf",
        "re\x07port.pdf",
        "..",
        "  ",
        "x" * 252 + ".pdf",
    ],
)
def test_names_with_paths_or_control_characters_are_refused(name):
    with pytest.raises(filetypes.FileRejected):
        filetypes.sanitize_filename(name)


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("Comments 2025.pdf", "Comments 2025.pdf"),
        ("  .hidden.pdf", "hidden.pdf"),
        ('what?<is>"this".pdf', "what__is__this_.pdf"),
        ("日本語の意見.pdf", "日本語の意見.pdf"),
        ("x" * 251 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_names_are_cleaned_for_display_and_download(name, clean):
    assert filetypes.sanitize_filename(name) == clean


def test_a_known_extension_must_match_the_content():
    with pytest.raises(filetypes.FileRejected, match=r"\.pdf but its content is PNG"):
        filetypes.check_name_matches("chart.pdf", "png")
    filetypes.check_name_matches("data.txt", "csv")
    assert filetypes.name_for("scan", "jpeg") == "scan.jpg"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PREFIXES = [b"", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"PK", b"MZ", b"<html>"]


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(_PREFIXES), body=st.binary(max_size=300))
def test_any_bytes_are_either_recognised_or_refused_never_an_unexpected_error(prefix, body):
    try:
        assert filetypes.detect(prefix + body).kind in filetypes.CONTENT_TYPES
    except filetypes.FileRejected as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=200))
def test_any_name_is_either_cleaned_or_refused(name):
    try:
        clean = filetypes.sanitize_filename(name)
    except filetypes.FileRejected:
        return
    assert clean and "/" not in clean and "\\" not in clean and "\x00" not in clean
    assert len(clean) <= 160 and not clean.startswith(".")
