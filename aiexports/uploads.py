"""Uploaded files keep the name the client sent, so hostile names are refused instead of silently cleaned.

Django's multipart parser (``MultiPartParser.sanitize_file_name``) strips folders and non-printable characters
from a file name before any view sees it, and drops a file whose name cleans to nothing. A file sent as
``../../etc/cron.d/evil.pdf`` or ``report\\x00.exe.pdf`` would then be accepted under its cleaned name. Here the
parser still cleans the name (``upload.name`` stays safe for every consumer) but also records the name as sent
on the file (``upload.client_name``); the upload checks (``rfi.filetypes.sanitize_filename``, called by the
services) judge that name and refuse it with a reason.

The parser is wired in for Django's own request parsing (``ClientFileNameMiddleware``) and for DRF
(``MultiPartParser`` in ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).
"""

from __future__ import annotations

import html
import types
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.http import multipartparser as django_multipart
from django.utils.datastructures import ImmutableList
from django.utils.translation import gettext as _
from rest_framework import parsers as drf_parsers
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError


def client_name(upload: Any) -> str:
    """The file name as the client sent it (decoded, not cleaned); ``upload.name`` when none was recorded."""
    return getattr(upload, "client_name", None) or getattr(upload, "name", None) or ""


def display_name(name: str | None) -> str:
    """A client's file name made printable for a message (control characters shown as ``?``)."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in (name or ""))
    return cleaned[:120] + ("…" if len(cleaned) > 120 else "") if cleaned else _("(no name)")


def refusal_message(name: str | None, exc: Exception) -> str:
    """“name” was refused: reason. — the one sentence every upload surface shows for a refused file.

    ``exc`` is usually ``rfi.filetypes.FileRejected``; its ``template``/``params`` are translated here.
    """
    template = getattr(exc, "template", None)
    if template is None:
        reason = str(exc)
    else:
        params = {key: _(value) for key, value in getattr(exc, "params", {}).items()}
        reason = _(template) % params if params else _(template)
    return _("“%(name)s” was refused: %(reason)s.") % {"name": display_name(name), "reason": reason}


def too_many_files_message() -> str:
    return _("You attached too many files; at most %(max)s are accepted in one request.") % {
        "max": settings.DATA_UPLOAD_MAX_NUMBER_FILES
    }


class ClientNameMultiPartParser(django_multipart.MultiPartParser):
    """Django's parser, recording each file's name as sent on the uploaded file (``client_name``).

    ``sanitize_file_name`` cannot reach the file object (the upload handler builds it afterwards), so it hands
    the handler a unique placeholder name; ``parse`` then swaps each placeholder for the cleaned name and
    records the name as sent. A name that cleans to nothing (``..``, a lone NUL) keeps its file, named
    ``unnamed``, so that the checks refuse it with a reason rather than the file vanishing without a word.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._names: dict[str, tuple[str, str]] = {}

    def sanitize_file_name(self, file_name: str) -> str:
        sent = html.unescape(file_name)  # the decoding Django applies before cleaning
        clean = super().sanitize_file_name(file_name) or "unnamed"
        placeholder = uuid.uuid4().hex
        self._names[placeholder] = (clean, sent)
        return placeholder

    def parse(self) -> tuple[Any, Any]:
        post, files = super().parse()
        for _field, uploads in files.lists():
            for upload in uploads:
                clean, sent = self._names.get(upload.name, (upload.name, upload.name))
                upload.name = clean  # through UploadedFile's setter: basename, at most 255 characters
                upload.client_name = sent
        return post, files


def _parse_file_upload(request: HttpRequest, meta: Any, post_data: Any) -> tuple[Any, Any]:
    """``HttpRequest.parse_file_upload`` with ``ClientNameMultiPartParser`` (Django 5.2's body, one name changed)."""
    request.upload_handlers = ImmutableList(
        request.upload_handlers, warning="You cannot alter upload handlers after the upload has been processed."
    )
    return ClientNameMultiPartParser(meta, post_data, request.upload_handlers, request.encoding).parse()


class ClientFileNameMiddleware:
    """Makes ``request.FILES`` come from ``ClientNameMultiPartParser`` (before anything reads ``request.POST``).

    Django builds the parser in ``HttpRequest.parse_file_upload`` with no setting to replace it; binding the
    method on the request is the narrowest hook, and it works for WSGI, ASGI and the test client alike.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.parse_file_upload = types.MethodType(_parse_file_upload, request)  # type: ignore[method-assign]
        return self.get_response(request)


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class MultiPartParser(drf_parsers.MultiPartParser):
    """DRF's multipart parser with ``ClientNameMultiPartParser``; upload limits answer 400 JSON, not HTML."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data, files = ClientNameMultiPartParser(meta, stream, request.upload_handlers, encoding).parse()
        except django_multipart.MultiPartParserError as exc:
            raise ParseError(_("Multipart form parse error - %(error)s") % {"error": exc}) from exc
        except TooManyFilesSent as exc:
            raise ParseError(too_many_files_message(), code="too_many_files") from exc
        except UploadTooLarge as exc:
            raise RequestTooLarge(request_too_large_message()) from exc
        except (TooManyFieldsSent, RequestDataTooBig) as exc:
            raise ParseError(str(exc), code="too_big") from exc
        return drf_parsers.DataAndFiles(data, files)


# --- the per-request body cap ----------------------------------------------------------------------


class UploadTooLarge(RequestDataTooBig):
    """The request body is over ``AIX_MAX_REQUEST_BYTES`` (an HTTP 413)."""


def request_too_large_message() -> str:
    return _("The request is larger than %(max)s MB. Nothing was stored; please send smaller or fewer files.") % {
        "max": settings.AIX_MAX_REQUEST_BYTES // (1024 * 1024)
    }


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class RequestSizeLimitMiddleware:
    """Refuses a request whose ``Content-Length`` is over ``AIX_MAX_REQUEST_BYTES`` before a byte of it is read.

    First in the chain, so nothing (CSRF, sessions, the upload parser) reads the body first. A body sent without a
    length (chunked) is counted as it arrives by ``SizeLimitUploadHandler`` instead. The reverse proxy in front
    should refuse the same size itself (README, "Behind a reverse proxy").
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is not None and length > settings.AIX_MAX_REQUEST_BYTES:
            from aiexports.views import request_too_large

            return request_too_large(request)
        return self.get_response(request)


class SizeLimitUploadHandler(FileUploadHandler):
    """The first upload handler: stops reading a multipart body once its files pass ``AIX_MAX_REQUEST_BYTES``.

    Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` counts only the non-file fields, so without this a body of any size
    would be received and spooled to disk before a view could refuse it.
    """

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None):  # noqa: ANN201,N803
        self.received = 0
        if content_length and content_length > settings.AIX_MAX_REQUEST_BYTES:
            raise UploadTooLarge(request_too_large_message())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > settings.AIX_MAX_REQUEST_BYTES:
            raise UploadTooLarge(request_too_large_message())
        return raw_data  # the next handler (memory or temporary file) stores it

    def file_complete(self, file_size: int) -> None:
        return None
