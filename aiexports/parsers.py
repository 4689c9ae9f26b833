"""DRF's JSON parser with a nesting limit (``aiexports.jsonlimits``): the default parser of every API view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json

from aiexports.jsonlimits import JSONTooDeep, loads


class JSONParser(parsers.JSONParser):
    """``rest_framework.parsers.JSONParser``, refusing a document nested deeper than ``AIX_JSON_MAX_DEPTH``."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]  # DRF's helper, not in the stubs
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        try:
            return loads(text, parse_constant=drf_json.strict_constant if self.strict else None)
        except JSONTooDeep as exc:
            raise ParseError(str(exc), code="too_deep") from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
