"""Fixtures of the RFI tests: an open notice with questions, upload helpers and sample files."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.rfi.factories import PDF_BYTES, PNG_BYTES, notice_with_questions

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def office_zip(kind: str) -> bytes:
    """A minimal DOCX or XLSX package (or a plain ZIP for kind='zip')."""
    main = {
        "docx": (
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind in main:
            part, content_type = main[kind]
            archive.writestr(
                "[Content_Types].xml",
                f'<?xml version="1.0"?><Types><Override PartName="/{part}" ContentType="{content_type}"/></Types>',
            )
            archive.writestr(part, "<document/>")
        else:
            archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


class RawUpload:
    """An upload whose name is kept verbatim (Django's UploadedFile strips folders), as a raw client sends it."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.size, self._data = name, len(data), io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)

    def seek(self, pos: int) -> None:
        self._data.seek(pos)


def pdf(name: str = "comments.pdf") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES, "application/pdf")


def png(name: str = "chart.png") -> SimpleUploadedFile:
    return upload(name, PNG_BYTES, "image/png")


@pytest.fixture
def notice(db):
    return notice_with_questions(questions=3, topics=2)


@pytest.fixture
def questions(notice):
    return list(notice.questions.order_by("topic_area__position", "position"))


@pytest.fixture
def valid(notice, questions):
    """Keyword arguments of a response the service accepts."""
    return {
        "notice": notice,
        "respondent_type": "organization",
        "name": "Ada Example",
        "email": "ada@example.org",
        "organization_name": "Example Systems",
        "organization_type": "company",
        "answers": {questions[0].pk: "We suggest a focus on power supply."},
        "certified": True,
    }
