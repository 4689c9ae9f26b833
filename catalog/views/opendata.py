"""Open data: the published catalog as one streamed CSV or JSON file (``/catalog/download.csv|json``)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

from aiexports.opendata import OpenDataView, csv_responses, json_responses
from aiexports.streaming import csv_lines, json_array, streamed_file
from catalog import opendata

_components = inline_serializer(
    "OpenDataComponent",
    {
        "layer": serializers.CharField(),
        "category": serializers.CharField(),
        "name": serializers.CharField(),
        "supplier": serializers.CharField(allow_null=True),
        "quantity": serializers.IntegerField(),
        "eccn": serializers.CharField(),
        "tpp": serializers.FloatField(allow_null=True),
        "performance_density": serializers.FloatField(allow_null=True),
        "unit_value_usd": serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True),
        "us_origin_share": serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True),
        "training_operations": serializers.FloatField(allow_null=True),
        "weights_published": serializers.BooleanField(allow_null=True),
    },
    many=True,
)
_eligibility = inline_serializer(
    "OpenDataEligibilitySummary",
    {
        "ruleset_version": serializers.CharField(),
        "countries": serializers.DictField(child=serializers.IntegerField(), help_text="Countries per outcome."),
    },
    allow_null=True,
)
_package = inline_serializer(
    "OpenDataPackage",
    {
        "slug": serializers.CharField(),
        "title": serializers.CharField(),
        "summary": serializers.CharField(),
        "description": serializers.CharField(),
        "consortium": serializers.CharField(),
        "consortium_slug": serializers.CharField(),
        "sectors": serializers.ListField(child=serializers.CharField()),
        "target_countries": serializers.ListField(child=serializers.CharField()),
        "target_regions": serializers.ListField(child=serializers.CharField()),
        "builder": serializers.CharField(),
        "owner": serializers.CharField(),
        "operator": serializers.CharField(),
        "published_at": serializers.DateTimeField(allow_null=True),
        "components": _components,
        "eligibility": _eligibility,
    },
    many=True,
)
_DESCRIPTION = (
    "Every published package with its components and an eligibility summary (countries per outcome under the "
    "active rule set), streamed in one file: no paging."
)


class CatalogCSV(OpenDataView):
    @extend_schema(
        operation_id="open_data_catalog_csv",
        tags=["open data"],
        summary="The published catalog as CSV (one row per component)",
        description=_DESCRIPTION,
        responses=csv_responses(_DESCRIPTION),
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        lines = csv_lines(opendata.csv_header(), opendata.csv_rows(opendata.package_records()))
        return streamed_file(lines, content_type="text/csv; charset=utf-8", filename="aiexports-catalog.csv")


class CatalogJSON(OpenDataView):
    @extend_schema(
        operation_id="open_data_catalog_json",
        tags=["open data"],
        summary="The published catalog as a JSON array",
        description=_DESCRIPTION,
        responses=json_responses(_DESCRIPTION, _package),
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        chunks = json_array(opendata.package_records())
        return streamed_file(chunks, content_type="application/json", filename="aiexports-catalog.json")


catalog_csv = CatalogCSV.as_view()
catalog_json = CatalogJSON.as_view()
