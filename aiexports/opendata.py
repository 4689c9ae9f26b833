"""DRF plumbing shared by the open-data downloads: the URL (``.csv`` / ``.json``) decides the format.

The downloads are DRF views so that they are described in the OpenAPI schema and throttled like the rest of
the API. A success is a ``StreamingHttpResponse`` (built by ``aiexports.streaming``) that bypasses DRF's
renderers; only errors (404, 429) go through a renderer, and they are JSON whatever the URL's suffix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView


class URLDecidesFormat(BaseContentNegotiation):
    """Ignore the Accept header (no 406): the file's suffix in the URL says what comes back."""

    def select_parser(self, request: Request, parsers: Sequence[BaseParser]) -> Any:  # type: ignore[override]
        return parsers[0] if parsers else None

    def select_renderer(  # type: ignore[override]
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: str | None = None
    ) -> tuple:
        return (renderers[0], renderers[0].media_type)


class OpenDataView(APIView):
    """A public, read-only download (GET only)."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = URLDecidesFormat


def csv_responses(description: str) -> dict:
    return {
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=description),
        (404, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="Not found."),
    }


def json_responses(description: str, item: Any) -> dict:
    return {
        (200, "application/json"): OpenApiResponse(item, description=description),
        (404, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="Not found."),
    }
