"""Streamed downloads (open data): CSV with a formula-injection guard, JSON as one valid array.

Both are generators, so a download of any size holds one chunk of rows in memory, never the whole file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP), also after leading
# blanks, and some (Excel with a Japanese IME) take the full-width signs too: such text cells get a leading
# apostrophe, which spreadsheets show as plain text. This is the one guard of every CSV the portal writes: the open
# data downloads (``csv_lines``) and the admin's RFI export (``rfi.exports.safe_cell``).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: text that could start a formula is prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, str) and value.lstrip(" \u3000").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Echo:
    """A file-like object whose ``write`` returns what it was given (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The header line, then one CSV line per row, every cell passed through ``csv_safe``."""
    writer = csv.writer(Echo())
    yield writer.writerow([csv_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_safe(cell) for cell in row])


def json_array(items: Iterable[Any]) -> Iterator[str]:
    """``[``, the items separated by commas, ``]``: valid JSON however many items (none included)."""
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n" + json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "\n]\n"


def streamed_file(chunks: Iterable[str], *, content_type: str, filename: str) -> StreamingHttpResponse:
    """A streamed attachment response (UTF-8) that caches and previews nothing."""
    response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in chunks), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"
    return response
