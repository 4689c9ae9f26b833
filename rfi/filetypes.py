"""Recognise an uploaded file by its content (magic bytes) and check its name. Pure Python, no Django.

The browser's content type and the file name's extension are claims; only the bytes count. A file is
accepted only when its content is one of a short list of document types, when it carries nothing a
browser could run (no HTML or script in a text file, no data hidden after an image's end marker), and
when its name has no folder path, traversal or control characters.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass


def _(message: str) -> str:
    """Marks a message for translation (makemessages finds it); the adapter translates it when shown."""
    return message


PDF, DOCX, XLSX, CSV, TXT, PNG, JPEG = "pdf", "docx", "xlsx", "csv", "txt", "png", "jpeg"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv",
    TXT: "text/plain",
    PNG: "image/png",
    JPEG: "image/jpeg",
}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", CSV: ".csv", TXT: ".txt", PNG: ".png", JPEG: ".jpg"}
# Which detected kinds each extension may name (a .txt holding CSV is fine; a .pdf holding a PNG is not).
_EXTENSION_KINDS = {
    ".pdf": {PDF},
    ".docx": {DOCX},
    ".xlsx": {XLSX},
    ".csv": {CSV, TXT},
    ".txt": {CSV, TXT},
    ".text": {CSV, TXT},
    ".png": {PNG},
    ".jpg": {JPEG},
    ".jpeg": {JPEG},
}

# Markers of markup a browser would render or run. Searched case-insensitively.
_ACTIVE_MARKERS = (
    b"<script", b"<html", b"<!doctype", b"<body", b"<iframe", b"<svg", b"<object", b"<embed", b"<meta",
    b"<img", b"<?php", b"javascript:", b"onerror=", b"onload=",
)  # fmt: skip

# An HTML page hidden in a PDF (a PDF/HTML polyglot): markers no real PDF carries in clear text.
_PDF_HTML_MARKERS = (b"<script", b"<html", b"<!doctype", b"<body", b"<iframe")

_ARCHIVES = (
    (b"\x1f\x8b", _("a gzip archive")),
    (b"7z\xbc\xaf\x27\x1c", _("a 7-Zip archive")),
    (b"Rar!\x1a\x07", _("a RAR archive")),
    (b"BZh", _("a bzip2 archive")),
    (b"\xfd7zXZ\x00", _("an xz archive")),
    (b"\x28\xb5\x2f\xfd", _("a Zstandard archive")),
)
_EXECUTABLES = (
    (b"MZ", _("a Windows program")),
    (b"\x7fELF", _("a Linux program")),
    (b"\xcf\xfa\xed\xfe", _("a macOS program")),
    (b"\xce\xfa\xed\xfe", _("a macOS program")),
    (b"\xca\xfe\xba\xbe", _("a macOS or Java program")),
    (b"\x00asm", _("a WebAssembly program")),
    (b"#!", _("a script")),
)
# A DOCX/XLSX is never unpacked here, but one that would unpack to a bomb or outside its folder is hostile.
_ZIP_MAX_MEMBERS = 5000
# Total size unpacked: a real DOCX/XLSX of 10 MB unpacks to a few times that; one unpacking to 64 MB or more is
# refused as a ZIP bomb (it would exhaust whoever opens it: a reviewer's word processor, an indexer).
_ZIP_MAX_UNPACKED = 64 * 1024 * 1024
_ZIP_MAX_RATIO = 500  # for members over 1 MiB unpacked; even repetitive Office XML stays well below it
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_NAME_LENGTH = 150  # kept for display and download; longer names are shortened
_MAX_SENT_NAME_LENGTH = 255  # longer than any file system allows: not a name a person gave a file
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class FileRejected(ValueError):
    """The file cannot be accepted; ``str(error)`` is the reason, in words meant for the uploader.

    ``template`` and ``params`` let an adapter translate the reason: ``gettext(template) % params``.
    """

    def __init__(self, template: str, **params: str) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


@dataclass(frozen=True)
class Detected:
    kind: str
    content_type: str


# --- names -------------------------------------------------------------------------------------


def sanitize_filename(name: str) -> str:
    """A safe display name for a user's file name, or ``FileRejected`` if it carries a path or control bytes.

    Give it the name *as the client sent it* (``aiexports.uploads.client_name``): Django's upload parser
    cleans names quietly, and a quietly cleaned hostile name must still be refused.
    """
    if name is None or not name.strip():
        raise FileRejected(_("the file has no name"))
    if len(name) > _MAX_SENT_NAME_LENGTH:
        raise FileRejected(_("the file name is longer than %(max)s characters"), max=str(_MAX_SENT_NAME_LENGTH))
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise FileRejected(_("the file name contains control characters such as NUL"))
    if "/" in name or "\\" in name or name.strip() in {".", ".."} or ".." in name.split("."):
        raise FileRejected(_("the file name contains a folder path"))
    if re.search(r"\.\.[/\\]|^\.\.", name):
        raise FileRejected(_("the file name contains a folder path"))
    clean = unicodedata.normalize("NFC", name)
    clean = re.sub(r'[<>:"|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069]', "_", clean)  # reserved and bidi chars
    clean = re.sub(r"\s+", " ", clean).strip().lstrip(".")
    if not clean:
        raise FileRejected(_("the file has no usable name"))
    stem, dot, ext = clean.rpartition(".")
    if dot and len(ext) <= 10:
        stem = stem[: _MAX_NAME_LENGTH - len(ext) - 1]
        return f"{stem}.{ext}"
    return clean[:_MAX_NAME_LENGTH]


def extension_of(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def name_for(name: str, kind: str) -> str:
    """``name`` with an extension that matches ``kind`` (added when the name had none we know)."""
    if extension_of(name) in _EXTENSION_KINDS:
        return name
    return f"{name}{EXTENSIONS[kind]}"


# --- content -----------------------------------------------------------------------------------


def detect(data: bytes) -> Detected:
    """The document type of ``data``, or ``FileRejected`` saying why it is not an acceptable document."""
    if not data:
        raise FileRejected(_("the file is empty"))
    for magic, what in _EXECUTABLES:
        if data.startswith(magic):
            raise FileRejected(_("the file is %(what)s, which is never accepted"), what=what)
    for magic, what in _ARCHIVES:
        if data.startswith(magic):
            raise FileRejected(_("the file is %(what)s; archives are not accepted"), what=what)
    if len(data) > 262 and data[257:262] == b"ustar":
        raise FileRejected(_("the file is a tar archive; archives are not accepted"))
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise FileRejected(_("the file is in an old Office format; save it as DOCX, XLSX or PDF"))
    if data.startswith(b"%PDF-"):
        lowered = data.lower()
        if any(marker in lowered for marker in _PDF_HTML_MARKERS):
            raise FileRejected(_("the PDF file contains web page markup"))
        _check_pdf_actions(data)
        return _kind(PDF)
    if data.startswith(_PNG_SIGNATURE):
        _check_png(data)
        return _kind(PNG)
    if data.startswith(b"\xff\xd8\xff"):
        _check_jpeg(data)
        return _kind(JPEG)
    if data.startswith(b"PK\x03\x04"):
        return _kind(_office_kind(data))
    if data.startswith(b"PK"):
        raise FileRejected(_("the file is a ZIP archive; archives are not accepted"))
    return _kind(_text_kind(data))


def check_name_matches(name: str, kind: str) -> None:
    """Refuse a known extension naming another type than the content (HTML named .pdf, a PNG named .docx)."""
    ext = extension_of(name)
    allowed = _EXTENSION_KINDS.get(ext)
    if allowed is not None and kind not in allowed:
        raise FileRejected(_("its name ends in %(ext)s but its content is %(kind)s"), ext=ext, kind=kind.upper())


def _kind(kind: str) -> Detected:
    return Detected(kind=kind, content_type=CONTENT_TYPES[kind])


def _has_active_markup(data: bytes) -> bool:
    lowered = data.lower()
    return any(marker in lowered for marker in _ACTIVE_MARKERS)


# PDF names that run something when the file is opened or clicked: scripts and program launches.
_PDF_ACTIVE_NAMES = re.compile(rb"/(?:JavaScript|JS|Launch|RichMedia)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_FLATE_STREAM = re.compile(rb"/FlateDecode[^>]*>>\s*stream\r?\n", re.DOTALL)
_PDF_MAX_INFLATED = 32 * 1024 * 1024  # budget for looking inside compressed object streams


def _pdf_has_active_names(chunk: bytes) -> bool:
    if b"#" in chunk:  # /J#61vaScript is /JavaScript
        chunk = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
    return bool(_PDF_ACTIVE_NAMES.search(chunk))


def _check_pdf_actions(data: bytes) -> None:
    """Refuse a PDF carrying JavaScript or a launch action, in clear or in compressed (object) streams.

    Reviewers open attachments in their own PDF readers; a script there runs with the reader's rights. Streams
    are inflated up to a budget; a PDF whose streams inflate past it is refused too (a decompression bomb).
    """
    if _pdf_has_active_names(data):
        raise FileRejected(_("the PDF file contains JavaScript or a launch action, which are not accepted"))
    budget = _PDF_MAX_INFLATED
    for match in _PDF_FLATE_STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(memoryview(data)[match.end() :], budget + 1)
        except zlib.error:
            continue  # a damaged stream: readers skip it too
        budget -= len(inflated)
        if budget < 0:
            raise FileRejected(_("the document would unpack to far more data than it holds (a ZIP bomb)"))
        if _pdf_has_active_names(inflated):
            raise FileRejected(_("the PDF file contains JavaScript or a launch action, which are not accepted"))


def _check_png(data: bytes) -> None:
    """Walk the chunks to IEND; anything after it, or markup inside, is a polyglot."""
    pos = len(_PNG_SIGNATURE)
    while True:
        if pos + 8 > len(data):
            raise FileRejected(_("the PNG image is damaged (no end marker)"))
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunk_type = data[pos + 4 : pos + 8]
        pos += 12 + length
        if chunk_type == b"IEND":
            break
    if pos > len(data):
        raise FileRejected(_("the PNG image is damaged"))
    if data[pos:].strip(b"\x00"):
        raise FileRejected(_("the PNG image carries hidden data after its end"))
    if _has_active_markup(data):
        raise FileRejected(_("the PNG image contains web page markup"))


def _check_jpeg(data: bytes) -> None:
    end = data.rfind(b"\xff\xd9")
    if end == -1:
        raise FileRejected(_("the JPEG image is damaged (no end marker)"))
    if len(data) - (end + 2) > 1024 or _has_active_markup(data):
        raise FileRejected(_("the JPEG image carries hidden data or web page markup"))


def _office_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            _check_members(archive.infolist())
            if "[Content_Types].xml" not in names:
                raise FileRejected(_("the file is a ZIP archive; archives are not accepted"))
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1_000_000:
                raise FileRejected(_("the document is damaged"))
            types = archive.read(info).decode("utf-8", "replace")
    except FileRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
            ValueError, zlib.error) as exc:  # fmt: skip
        # Damaged, encrypted or exotically compressed packages: refused, never a server error.
        raise FileRejected(_("the file is a damaged ZIP or Office document")) from exc
    if any(n.lower().endswith("vbaproject.bin") for n in names) or "macroEnabled" in types:
        raise FileRejected(_("the document contains macros, which are not accepted"))
    if "word/document.xml" in names and "wordprocessingml.document.main+xml" in types:
        return DOCX
    if "xl/workbook.xml" in names and "spreadsheetml.sheet.main+xml" in types:
        return XLSX
    raise FileRejected(_("the file is a ZIP archive or an Office format other than DOCX or XLSX"))


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > _ZIP_MAX_MEMBERS or sum(m.file_size for m in members) > _ZIP_MAX_UNPACKED:
        raise FileRejected(_("the document would unpack to far more data than it holds (a ZIP bomb)"))
    for member in members:
        name = member.filename
        if name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise FileRejected(_("the document contains a part stored outside its folder"))
        if member.file_size > 1024 * 1024 and member.file_size > _ZIP_MAX_RATIO * max(member.compress_size, 1):
            raise FileRejected(_("the document would unpack to far more data than it holds (a ZIP bomb)"))


def _text_kind(data: bytes) -> str:
    if b"\x00" in data:
        raise FileRejected(_("the file is not a document type we accept"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(_("the file is not a document type we accept (nor UTF-8 text)")) from exc
    if _CONTROL_CHARS.search(text):
        raise FileRejected(_("the text file contains control characters"))
    if _has_active_markup(data) or text.lstrip().startswith("<"):
        raise FileRejected(_("the file looks like a web page or script, not a document"))
    return CSV if _looks_like_csv(text) else TXT


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for sep in (",", ";", "\t"):
        counts = {line.count(sep) for line in lines}
        if len(counts) == 1 and counts.pop() > 0:
            return True
    return False
