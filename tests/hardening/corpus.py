"""One shared set of hostile uploads, built in code, for every upload surface (tests/hardening/test_upload_*.py).

Each file says what it is, the name it is uploaded under, its bytes and words the refusal must contain.
``name_only`` files carry a hostile *name* around harmless bytes. Django's multipart parser would strip folders
and control characters before any view sees the name; the project's parser (``aiexports.uploads``) keeps the
name as sent, so these are refused like the rest. ``multipart`` sends names verbatim (the test client would
clean them itself).
"""

from __future__ import annotations

import io
import struct
import uuid
import zipfile
import zlib
from dataclasses import dataclass

# Small limits the tests set on the notice, so that "oversize" and "too many" stay cheap.
SIZE_LIMIT = 64 * 1024
COUNT_LIMIT = 2

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/').then(r=>r.text()).then(alert)</script></body></html>"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff"))
    + _png_chunk(b"IEND", b"")
)
# A minimal Windows PE header ("MZ", e_lfanew -> "PE\0\0") and a 64-bit ELF header.
PE = b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 100


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_DOCX_TYPES = (
    b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX = {"[Content_Types].xml": _DOCX_TYPES, "word/document.xml": b"<document/>"}


@dataclass(frozen=True)
class Hostile:
    key: str
    name: str
    data: bytes
    reason: str  # words the refusal message must contain (case aside)
    name_only: bool = False  # a hostile name around harmless bytes (see the module docstring)
    name_matters: bool = False  # the reason depends on the name (renaming the file changes the refusal)


def corpus() -> list[Hostile]:
    """Built on each call (the bomb is 20 MB unpacked, about 20 KB packed)."""
    return [
        Hostile("pdf_html_polyglot", "report.pdf", PDF[:9] + HTML + PDF[9:], "web page markup"),
        Hostile("png_html_polyglot", "chart.png", PNG + HTML, "hidden data after its end"),
        Hostile("html_named_pdf", "comments.pdf", HTML, "web page"),
        Hostile(
            "jpeg_named_png", "photo.png", JPEG, "its name ends in .png but its content is JPEG", name_matters=True
        ),
        Hostile("png_named_pdf", "figure.pdf", PNG, "its name ends in .pdf but its content is PNG", name_matters=True),
        Hostile("random_bytes", "scan.png", uuid.UUID(int=7).bytes * 64 + bytes(range(256)), "not a document type"),
        Hostile("windows_pe", "setup.pdf", PE, "a Windows program"),
        Hostile("elf", "notes.txt", ELF, "a Linux program"),
        Hostile("zip_not_office", "bundle.docx", _zip({"readme.txt": b"hello", "run.sh": b"rm -rf /"}), "ZIP"),
        Hostile(
            "docx_bomb",
            "minutes.docx",
            _zip({**_DOCX, "word/media/image1.bin": b"\x00" * (20 * 1024 * 1024)}),
            "ZIP bomb",
        ),
        Hostile(
            "docx_odd_member",
            "letter.docx",
            _zip({**_DOCX, "../../../../etc/cron.d/evil": b"* * * * * root sh -c 'id'"}),
            "outside its folder",
        ),
        Hostile("empty", "empty.txt", b"", "the file is empty"),
        Hostile("oversize", "big.pdf", PDF + b"%" * (SIZE_LIMIT + 1 - len(PDF)), "limit"),
        *hostile_names(),
    ]


def hostile_names() -> list[Hostile]:
    """Harmless PDF bytes under names that must be refused (the service gets them as sent)."""
    names = [
        ("traversal_name", "../../../etc/cron.d/evil.pdf", "folder path"),
        ("windows_traversal_name", "..\\..\\Windows\\evil.pdf", "folder path"),
        ("absolute_name", "/etc/passwd.pdf", "folder path"),
        ("entity_traversal_name", "..&#47;..&#47;evil.pdf", "folder path"),  # Django unescapes HTML entities
        ("dot_dot_name", "..", "folder path"),  # Django would drop this file without a word
        ("nul_name", "report\x00.exe.pdf", "control characters"),
        ("control_char_name", "re\x1b[2Jport.pdf", "control characters"),
        ("over_long_name", "a" * 300 + ".pdf", "longer than 255 characters"),
    ]
    return [Hostile(key, name, PDF, reason, name_only=True, name_matters=True) for key, name, reason in names]


def too_many() -> list[Hostile]:
    """One file more than ``COUNT_LIMIT``, each harmless on its own."""
    return [Hostile(f"many_{i}", f"part-{i}.pdf", PDF, "at most") for i in range(COUNT_LIMIT + 1)]


def multipart(fields: dict[str, str], files: list[tuple[str, Hostile]]) -> tuple[bytes, str]:
    """A multipart body that sends each file name *verbatim* (the test client would strip folders itself)."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    for field, hostile in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="'.encode()
            + hostile.name.encode("utf-8", "surrogateescape")
            + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head + hostile.data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
