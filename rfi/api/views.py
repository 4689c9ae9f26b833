"""RFI API: notices (read), the reading room (read, after close) and submitting a response."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from aiexports.api import ApiErrorSerializer
from aiexports.http import client_ip
from aiexports.parsers import JSONParser
from aiexports.throttling import ScopedRateThrottle
from aiexports.uploads import MultiPartParser
from rfi import selectors
from rfi.models import Notice, Question, TopicArea
from rfi.services import SUBMISSION_KEY_PATTERN, SubmissionInvalid, rfi_submission_create

from .serializers import (
    NoticeDetailSerializer,
    NoticeSerializer,
    ProblemSerializer,
    PublicSubmissionSerializer,
    SubmissionCreatedSerializer,
    SubmissionCreateJSONSerializer,
    SubmissionCreateMultipartSerializer,
    SubmissionCreateSerializer,
)


@extend_schema(tags=["rfi"], summary="List RFI notices (open first)")
class NoticeListView(generics.ListAPIView):
    serializer_class = NoticeSerializer
    permission_classes = [AllowAny]
    filter_backends: list = []

    def get_queryset(self):  # noqa: ANN201
        return selectors.notice_list()


@extend_schema(tags=["rfi"], summary="One RFI notice with its topic areas and questions")
class NoticeDetailView(generics.RetrieveAPIView):
    serializer_class = NoticeDetailSerializer
    permission_classes = [AllowAny]
    lookup_field = "docket_id"
    lookup_url_kwarg = "docket"

    def get_queryset(self):  # noqa: ANN201
        questions = Question.objects.order_by("position", "id")
        topics = TopicArea.objects.order_by("position", "id").prefetch_related(Prefetch("questions", questions))
        return Notice.objects.prefetch_related(Prefetch("topic_areas", topics))


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=SUBMISSION_KEY_PATTERN,
    description=(
        "Optional; 16-64 letters, digits, '-' or '_' (a UUID fits). Send the same key when you retry the same "
        "response: if a response with this key was already stored for this notice, the answer is 200 with its "
        "tracking number and nothing is stored or e-mailed again. The key names the attempt, not the content: "
        "a key re-used with a different body also returns the earlier response. A malformed key is refused (400)."
    ),
)


class NoticeSubmissionsView(generics.GenericAPIView):
    """GET: the reading room of a closed notice. POST: submit a response (same rules as the web form)."""

    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_scope = "submissions"
    serializer_class = PublicSubmissionSerializer
    filter_backends: list = []

    def get_throttles(self):  # noqa: ANN201
        # Only submitting is throttled by the "submissions" scope; reading uses the default throttles.
        if self.request.method == "POST":
            return [ScopedRateThrottle()]
        return super().get_throttles()

    def get_serializer_class(self):  # noqa: ANN201
        return SubmissionCreateSerializer if self.request.method == "POST" else PublicSubmissionSerializer

    @extend_schema(
        tags=["rfi"],
        summary="Public submissions to a closed notice (the reading room)",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": 200},
                description="Search in names, organizations and public answers",
            )
        ],
        responses={
            200: PublicSubmissionSerializer(many=True),
            400: OpenApiResponse(ApiErrorSerializer, description="A query parameter is invalid (each is named)."),
            403: ProblemSerializer,
            404: ProblemSerializer,
        },
    )
    def get(self, request: Request, docket: str) -> Response:
        notice = get_object_or_404(Notice, docket_id=docket)
        if not notice.has_closed():
            return Response(
                {
                    "detail": _("Submissions are published after the comment period closes."),
                    "code": "not_yet_published",
                    "closes_at": notice.closes_at,
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        query = request.query_params.get("q", "")
        if len(query) > 200:
            return Response({"q": [_("At most 200 characters.")]}, status=status.HTTP_400_BAD_REQUEST)
        queryset = selectors.reading_room(notice, query=query)
        page = self.paginate_queryset(queryset)
        serializer = PublicSubmissionSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        tags=["rfi"],
        summary="Submit a response to an open notice",
        parameters=[IDEMPOTENCY_KEY],
        # One schema per media type: a JSON body has no files and answers as an object; multipart has the files and
        # answers as a JSON string. (One schema for both made generated clients send multipart labelled as JSON.)
        request={
            "application/json": SubmissionCreateJSONSerializer,
            "multipart/form-data": SubmissionCreateMultipartSerializer,
        },
        responses={
            200: OpenApiResponse(
                SubmissionCreatedSerializer, description="Already stored with this Idempotency-Key: the earlier one"
            ),
            201: SubmissionCreatedSerializer,
            400: OpenApiResponse(ProblemSerializer, description="Each problem, keyed by field"),
            404: ProblemSerializer,
            409: OpenApiResponse(ProblemSerializer, description="The notice does not accept responses"),
            429: ProblemSerializer,
        },
    )
    def post(self, request: Request, docket: str) -> Response:
        notice = get_object_or_404(Notice, docket_id=docket)
        serializer = SubmissionCreateSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(
                {"detail": _("The response could not be accepted."), "code": "invalid", "errors": serializer.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = serializer.validated_data
        try:
            submission = rfi_submission_create(
                notice=notice,
                respondent_type=data["respondent_type"],
                name=data["name"],
                email=data["email"],
                organization_name=data["organization_name"],
                organization_type=data["organization_type"],
                country=data["country"],
                answers=data["answers"],
                confidential_answer_ids=data["confidential_answers"],
                is_confidential=data["is_confidential"],
                confidentiality_justification=data["confidentiality_justification"],
                certified=data["certified"],
                attachments=data["attachments"],
                confidential_attachments=data["confidential_attachments"],
                public_versions=data["public_versions"],
                user=request.user,
                ip_address=client_ip(request),
                language=translation.get_language() or "",
                submission_key=request.headers.get("Idempotency-Key"),
            )
        except SubmissionInvalid as error:
            code = status.HTTP_409_CONFLICT if error.code == "notice_closed" else status.HTTP_400_BAD_REQUEST
            return Response({"detail": str(error), "code": error.code, "errors": error.errors}, status=code)
        body = {
            "tracking_number": submission.tracking_number,
            "status": submission.status,
            "received_at": submission.created_at,
        }
        return Response(
            SubmissionCreatedSerializer(body).data,
            status=status.HTTP_200_OK if submission.is_replay else status.HTTP_201_CREATED,
        )
