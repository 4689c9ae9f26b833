"""Shared REST framework helpers: every API error is a JSON body that says what is wrong."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse, QueryDict
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from aiexports import jsonlimits
from aiexports.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, extended to turn domain errors and Django validation errors into 4xx JSON."""
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc), "code": exc.code, **exc.extra}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


@csrf_exempt  # it changes nothing, and a CSRF refusal would be an HTML page instead of the JSON 404
def json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """The last ``/api/`` route: a path no API route matches is a JSON 404, never Django's HTML page."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail), "code": "not_found"}, status=404)


def _in_form_data(field: serializers.Field) -> bool:
    return isinstance(getattr(field.root, "initial_data", None), QueryDict)


class StrictBooleanField(serializers.BooleanField):
    """A boolean that, in a JSON body, is ``true`` or ``false`` (or ``null`` if allowed), as the schema says.

    DRF's ``BooleanField`` also takes ``"yes"``, ``0``, ``"off"``...: a JSON client sending those has a bug it
    should hear about. Form data has only strings, so there DRF's parsing is kept (as in the fields below).
    """

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool) and not _in_form_data(self):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    """A JSON number; DRF's ``FloatField`` also takes ``false`` (as 0.0) and numeric strings."""

    def to_internal_value(self, data: Any) -> float:
        if (isinstance(data, bool) or not isinstance(data, int | float)) and not _in_form_data(self):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer; DRF's ``IntegerField`` also takes ``true``, ``"5"`` and ``5.0``."""

    def to_internal_value(self, data: Any) -> int:
        if (isinstance(data, bool) or not isinstance(data, int)) and not _in_form_data(self):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string; DRF's ``CharField`` also takes numbers (``5`` becomes ``"5"``)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) and not _in_form_data(self):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(serializers.JSONField):
    """A JSON object (``{}``), in a JSON body or as a JSON string in form data.

    DRF's ``JSONField`` parses a form field's text *after* its null check, so ``specs=null`` sent as form data
    became ``None`` and reached the database's NOT NULL constraint (a 500). The parsed value is checked here.
    """

    default_error_messages = {"not_an_object": _("Expected a JSON object (name-value pairs in braces).")}

    def to_internal_value(self, data: Any) -> dict:
        if getattr(data, "is_json_string", False):  # form data: DRF would json.loads it with no depth limit
            try:
                jsonlimits.check_depth(data)
            except jsonlimits.JSONTooDeep as exc:
                raise serializers.ValidationError(str(exc), code="too_deep") from exc
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_an_object")
        return value


class ApiErrorSerializer(serializers.Serializer):
    """Any 4xx body: ``detail`` (and ``code``) for refusals, or each invalid field with its messages."""

    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)


_ERROR_DESCRIPTIONS = {
    "400": "Invalid input: each problem is named.",
    "403": "Authentication required, or not allowed.",
    "404": "Not found (or not yours), or a page beyond the last.",
    "414": "The address is too long: the server refuses a request line over about 4 KB (gunicorn's limit), "
    "before the application sees it. Keep query parameters within their documented lengths.",
    "429": "Too many requests.",
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error responses DRF really sends, so that clients (and fuzzers) see them.

    Views may document an error themselves with ``@extend_schema(responses=...)``; that one is kept.
    """

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                response = OpenApiResponse(ApiErrorSerializer, description=_ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        # Cross-field rules a serializer's ``validate()`` enforces, stated as JSON Schema (``anyOf`` etc.).
        constraints = getattr(serializer, "openapi_request_constraints", None)
        if direction == "request" and constraints is not None:
            schema.update(constraints(partial=serializer.partial))
        return schema

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A nested ``many=True`` serializer's length limits are validated, so the schema must say them too.
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            min_length, max_length = getattr(field, "min_length", None), getattr(field, "max_length", None)
            minimum = min_length if min_length is not None else (0 if field.allow_empty else 1)
            if minimum:
                schema.setdefault("minItems", minimum)
            if max_length is not None:
                schema.setdefault("maxItems", max_length)
        return schema

    def _error_codes(self) -> list[str]:
        view, codes = self.view, []
        paginator = self._get_paginator()
        if (
            self.method in ("POST", "PUT", "PATCH")
            or getattr(view, "filterset_class", None)
            or getattr(paginator, "page_size_query_param", None)
        ):
            codes.append("400")
        unsafe = self.method not in permissions.SAFE_METHODS
        for permission in view.get_permissions():
            if isinstance(permission, permissions.AllowAny):
                continue
            if isinstance(permission, permissions.IsAuthenticatedOrReadOnly) and not unsafe:
                continue
            codes.append("403")
            break
        if "{" in self.path or paginator is not None:
            codes.append("404")
        if self.method == "GET" and any(p.get("in") == "query" for p in self._get_parameters()):
            codes.append("414")
        if view.get_throttles():
            codes.append("429")
        return codes
