"""JSON with a nesting limit: every JSON the portal parses from a client goes through ``loads``.

Python's ``json`` module recurses once per level of nesting, so ~1,000 nested brackets (2 KB) raise
``RecursionError`` — a 500 on any JSON endpoint, anonymous ones included. The depth is measured first, by a scan
that skips over string literals (a regular expression, so the work stays in C) and stops at the first bracket past
the limit, before any parsing happens. No document the API describes needs more than a few levels.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# A string literal (skipped whole, escapes included) or one bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JSONTooDeep(ValueError):
    """The document nests arrays/objects deeper than the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            _("The JSON document is nested too deeply: at most %(limit)d levels of arrays and objects are accepted.")
            % {"limit": limit}
        )


def max_depth() -> int:
    return settings.AIX_JSON_MAX_DEPTH


def check_depth(text: str | bytes, limit: int | None = None) -> None:
    """Raise ``JSONTooDeep`` if ``text`` nests arrays/objects deeper than ``limit`` (``AIX_JSON_MAX_DEPTH``)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8", errors="replace")
    limit = max_depth() if limit is None else limit
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise JSONTooDeep(limit)
        elif token in "]}":
            depth -= 1


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` after ``check_depth``; ``JSONTooDeep`` and ``json.JSONDecodeError`` are ``ValueError``."""
    check_depth(text)
    try:
        return json.loads(text, **kwargs)
    except RecursionError as exc:  # cannot happen below the limit; a 400 all the same if the stack is short
        raise JSONTooDeep(max_depth()) from exc
