"""Open data: a closed notice's public submissions as one streamed CSV or JSON file.

``/rfi/<docket>/submissions/download.csv|json``; 404 while the notice is open (nothing is public yet).
"""

from __future__ import annotations

import re

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

from aiexports.opendata import OpenDataView, csv_responses, json_responses
from aiexports.streaming import csv_lines, json_array, streamed_file

from .. import opendata, selectors
from ..models import Notice

_answers = inline_serializer(
    "OpenDataAnswer",
    {
        "question_number": serializers.IntegerField(allow_null=True),
        "question": serializers.CharField(),
        "withheld": serializers.BooleanField(help_text="Confidential business information: the text is null."),
        "text": serializers.CharField(allow_null=True),
    },
    many=True,
)
_attachments = inline_serializer(
    "OpenDataAttachment",
    {
        "name": serializers.CharField(),
        "kind": serializers.CharField(),
        "size": serializers.IntegerField(),
        "url": serializers.URLField(),
        "public_version_of_confidential_file": serializers.BooleanField(),
    },
    many=True,
)
_submission = inline_serializer(
    "OpenDataSubmission",
    {
        "tracking_number": serializers.CharField(),
        "received": serializers.DateTimeField(),
        "respondent": serializers.CharField(),
        "respondent_type": serializers.CharField(),
        "organization_type": serializers.CharField(),
        "country": serializers.CharField(),
        "answers": _answers,
        "attachments": _attachments,
    },
    many=True,
)
_DOCKET = OpenApiParameter("docket", OpenApiTypes.STR, OpenApiParameter.PATH, description="The notice's docket.")
_DESCRIPTION = (
    "The public submissions of a closed notice, as its reading room shows them (confidential parts withheld), "
    "streamed in one file: no paging. 404 while the notice is open."
)


def _filename(notice: Notice, suffix: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", notice.docket_id) + suffix


def _closed_notice_or_404(docket: str) -> Notice:
    try:
        notice = selectors.notice_with_questions(docket)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc
    if not notice.has_closed():
        raise Http404
    return notice


class SubmissionsCSV(OpenDataView):
    @extend_schema(
        operation_id="open_data_rfi_submissions_csv",
        tags=["open data"],
        summary="A closed notice's public submissions as CSV (one row per submission)",
        description=_DESCRIPTION,
        parameters=[_DOCKET],
        responses=csv_responses(_DESCRIPTION),
    )
    def get(self, request: Request, docket: str) -> StreamingHttpResponse:
        notice = _closed_notice_or_404(docket)
        records = opendata.submission_records(notice, absolute=request.build_absolute_uri)
        lines = csv_lines(opendata.csv_header(notice), opendata.csv_rows(notice, records))
        return streamed_file(lines, content_type="text/csv; charset=utf-8", filename=_filename(notice, ".csv"))


class SubmissionsJSON(OpenDataView):
    @extend_schema(
        operation_id="open_data_rfi_submissions_json",
        tags=["open data"],
        summary="A closed notice's public submissions as a JSON array",
        description=_DESCRIPTION,
        parameters=[_DOCKET],
        responses=json_responses(_DESCRIPTION, _submission),
    )
    def get(self, request: Request, docket: str) -> StreamingHttpResponse:
        notice = _closed_notice_or_404(docket)
        chunks = json_array(opendata.submission_records(notice, absolute=request.build_absolute_uri))
        return streamed_file(chunks, content_type="application/json", filename=_filename(notice, ".json"))


submissions_csv = SubmissionsCSV.as_view()
submissions_json = SubmissionsJSON.as_view()
