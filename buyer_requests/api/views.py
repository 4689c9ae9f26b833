"""Staff API of package requests: the triage queue, one request, triage changes, notes, replies, matches.

Anyone but an active staff member gets 404 (not 403): nothing to learn about which references exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from aiexports.http import client_ip, signed_in_user
from aiexports.parsers import JSONParser
from buyer_requests import selectors, services
from buyer_requests.choices import RequestStatus
from buyer_requests.models import PackageRequest, RequestNote, RequestReply
from catalog.models import Package

from .serializers import (
    MatchConfirmSerializer,
    MatchSerializer,
    PackageRequestDetailSerializer,
    PackageRequestSerializer,
    TextSerializer,
    TriageSerializer,
)


class IsActiveStaff(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        if user and user.is_authenticated and user.is_staff and user.is_active:
            return True
        raise exceptions.NotFound


class StaffView(generics.GenericAPIView):
    permission_classes = [IsActiveStaff]
    parser_classes = [JSONParser]  # a staff JSON API, like the drafts API
    filter_backends: list = []
    lookup_field = "reference"

    def get_queryset(self) -> QuerySet[PackageRequest]:
        return selectors.request_queue()

    def _row(self, reference: str) -> PackageRequest:
        row = selectors.request_detail(reference=reference)
        if row is None:
            raise exceptions.NotFound
        return row

    def _detail(self, row: PackageRequest, code: int = status.HTTP_200_OK) -> Response:
        row = self._row(row.reference)
        row.suggestions = selectors.match_suggestions(row)
        return Response(PackageRequestDetailSerializer(row).data, status=code)


FILTERS = [
    OpenApiParameter("status", {"type": "string", "enum": RequestStatus.values}, description="Triage status"),
    OpenApiParameter("country", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, description="ISO country code"),
    OpenApiParameter("sector", {"type": "string", "maxLength": 40}, description="Sector code"),
    OpenApiParameter(
        "assigned", {"type": "string", "enum": ["me", "none", "any"]}, description="Assigned to me, nobody, anyone"
    ),
]


@extend_schema(tags=["staff"], summary="The package-request queue (staff only)", parameters=FILTERS)
class PackageRequestList(StaffView, generics.ListAPIView):
    serializer_class = PackageRequestSerializer

    def get_queryset(self) -> QuerySet[PackageRequest]:
        queryset, params = selectors.request_queue(), self.request.query_params
        errors = {}
        if (value := params.get("status")) is not None:
            if value not in RequestStatus.values:
                errors["status"] = [_("Not a request status.")]
            queryset = queryset.filter(status=value)
        if (value := params.get("country")) is not None:
            queryset = queryset.filter(country_id=value.upper()[:2])
        if (value := params.get("sector")) is not None:
            queryset = queryset.filter(sector_id=value[:40])
        if (value := params.get("assigned")) is not None:
            if value not in ("me", "none", "any"):
                errors["assigned"] = [_("One of me, none, any.")]
            queryset = {
                "me": lambda q: q.filter(assigned_to=self.request.user),
                "none": lambda q: q.filter(assigned_to__isnull=True),
                "any": lambda q: q.filter(assigned_to__isnull=False),
            }.get(value, lambda q: q)(queryset)
        if errors:
            raise exceptions.ValidationError(errors)
        return queryset


class PackageRequestDetail(StaffView):
    serializer_class = PackageRequestDetailSerializer

    @extend_schema(tags=["staff"], summary="One package request with notes, replies, matches and suggestions")
    def get(self, request: Request, reference: str) -> Response:
        return self._detail(self._row(reference))

    @extend_schema(
        tags=["staff"], summary="Change the status or the assignee", request=TriageSerializer,
        responses={200: PackageRequestDetailSerializer},
    )  # fmt: skip
    def patch(self, request: Request, reference: str) -> Response:
        row = self._row(reference)
        serializer = TriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, ip, actor = serializer.validated_data, client_ip(request), signed_in_user(request)
        if "status" in data:
            services.package_request_set_status(actor=actor, request_ids=[row.pk], status=data["status"],
                                                ip_address=ip)  # fmt: skip
        if "assigned_to" in data:
            services.package_request_assign(actor=actor, request_ids=[row.pk], assignee=data["assigned_to"],
                                            ip_address=ip)  # fmt: skip
        return self._detail(row)


class _TextView(StaffView):
    serializer_class = TextSerializer
    write: staticmethod[..., RequestNote | RequestReply] = staticmethod(services.request_note_add)

    def post(self, request: Request, reference: str) -> Response:
        row = self._row(reference)
        serializer = TextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        type(self).write(actor=signed_in_user(request), request=row, text=serializer.validated_data["text"],
                         ip_address=client_ip(request))  # fmt: skip
        return self._detail(row, status.HTTP_201_CREATED)


@extend_schema(tags=["staff"], summary="Add an internal note (never shown to the requester)",
               responses={201: PackageRequestDetailSerializer})  # fmt: skip
class PackageRequestNotes(_TextView):
    write = staticmethod(services.request_note_add)


@extend_schema(tags=["staff"], summary="Reply to the requester (e-mailed, shown on their status page)",
               responses={201: PackageRequestDetailSerializer})  # fmt: skip
class PackageRequestReplies(_TextView):
    write = staticmethod(services.request_reply_add)


@extend_schema(tags=["staff"], summary="Confirm published packages as matches (their consortia are told)",
               request=MatchConfirmSerializer, responses={201: MatchSerializer(many=True)})  # fmt: skip
class PackageRequestMatches(StaffView):
    serializer_class = MatchConfirmSerializer

    def post(self, request: Request, reference: str) -> Response:
        row = self._row(reference)
        serializer = MatchConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slugs = serializer.validated_data["packages"]
        packages = list(Package.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {p.slug for p in packages})
        if unknown:
            raise exceptions.ValidationError({"packages": [_("Unknown packages: %(s)s") % {"s": ", ".join(unknown)}]})
        made = services.request_match_confirm(actor=signed_in_user(request), request=row, packages=packages,
                                              ip_address=client_ip(request))  # fmt: skip
        return Response(MatchSerializer(made, many=True).data, status=status.HTTP_201_CREATED)
