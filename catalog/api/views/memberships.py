"""Membership API: a consortium's members and invitations (managers invite and withdraw), and the invited side
(an organization's admins list their memberships, accept or decline an invitation, leave a consortium).

The same rules as the pages: only accepted members are members; a consortium's other members see its accepted
members only, its managers see every invitation with its status; rows of other organizations are 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aiexports.http import signed_in_user
from catalog import services
from catalog.access import consortium_for_member_or_404, is_consortium_manager, memberships_for_org_admin
from catalog.models import Consortium, ConsortiumMember

from ..serializers.manage import ErrorSerializer
from ..serializers.memberships import InviteSerializer, MembershipSerializer
from .manage import JSON_BODY

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input: each problem is named."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (only the consortium's managers invite)."),
    404: OpenApiResponse(ErrorSerializer, description="No such consortium or membership of yours."),
    409: OpenApiResponse(ErrorSerializer, description="Not possible in the membership's current status."),
}
SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The consortium's slug.")
MEMBER_ID = OpenApiParameter("member_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The membership's id.")


def _members_seen_by(request: Request, consortium: Consortium) -> QuerySet[ConsortiumMember]:
    rows = consortium.members.select_related("consortium", "organization").order_by("joined_at", "pk")
    return rows if is_consortium_manager(request.user, consortium) else rows.accepted()


class ConsortiumMembersView(APIView):
    """The members of one of your consortia; its managers also see (and send) invitations."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Members of one of your consortia (managers: with every invitation and its status)",
        parameters=[SLUG],
        responses={200: MembershipSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, slug: str) -> Response:
        consortium = consortium_for_member_or_404(request.user, slug)
        return Response(MembershipSerializer(_members_seen_by(request, consortium), many=True).data)

    @extend_schema(
        summary="Invite an organization (it becomes a member when one of its admins accepts)",
        parameters=[SLUG],
        request=JSON_BODY(InviteSerializer),
        responses={201: MembershipSerializer, **ERRORS},
    )
    def post(self, request: Request, slug: str) -> Response:
        consortium = consortium_for_member_or_404(request.user, slug)
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.consortium_member_invite(
            actor=signed_in_user(request), consortium=consortium, **serializer.validated_data
        )
        return Response(MembershipSerializer(member).data, status=status.HTTP_201_CREATED)


class MemberWithdrawView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Withdraw a pending invitation of one of your consortia",
        parameters=[SLUG, MEMBER_ID],
        request=None,
        responses={200: MembershipSerializer, **ERRORS},
    )
    def post(self, request: Request, slug: str, member_id: int) -> Response:
        consortium = consortium_for_member_or_404(request.user, slug)
        member = get_object_or_404(_members_seen_by(request, consortium), pk=member_id)
        member = services.consortium_member_withdraw(actor=signed_in_user(request), member=member)
        return Response(MembershipSerializer(member).data)


class MembershipListView(APIView):
    """Memberships and invitations of the organizations where you are an admin."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Memberships and invitations of the organizations you are an admin of",
        responses={200: MembershipSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = memberships_for_org_admin(request.user).order_by("consortium__name", "organization__name", "pk")
        return Response(MembershipSerializer(rows, many=True).data)


class _MembershipActionView(APIView):
    permission_classes = [IsAuthenticated]
    service_name = ""

    def post(self, request: Request, member_id: int) -> Response:
        member = get_object_or_404(memberships_for_org_admin(request.user), pk=member_id)
        member = getattr(services, self.service_name)(actor=signed_in_user(request), member=member)
        return Response(MembershipSerializer(member).data)


def _action(service_name: str, summary: str) -> type[APIView]:
    view = type(
        f"Membership{service_name.rsplit('_', 1)[-1].title()}View",
        (_MembershipActionView,),
        {"service_name": service_name, "__doc__": summary},
    )
    view.post = extend_schema(  # type: ignore[attr-defined]
        summary=summary, parameters=[MEMBER_ID], request=None, responses={200: MembershipSerializer, **ERRORS}
    )(view.post)  # type: ignore[attr-defined]
    return view


MembershipAcceptView = _action("consortium_member_accept", "Accept an invitation for your organization")
MembershipDeclineView = _action("consortium_member_decline", "Decline an invitation for your organization")
MembershipLeaveView = _action("consortium_member_leave", "Take your organization out of a consortium")

urlpatterns = [
    path("consortia/<slug:slug>/members/", ConsortiumMembersView.as_view(), name="consortium-member-list"),
    path(
        "consortia/<slug:slug>/members/<int:member_id>/withdraw/",
        MemberWithdrawView.as_view(),
        name="consortium-member-withdraw",
    ),
    path("memberships/", MembershipListView.as_view(), name="membership-list"),
    path("memberships/<int:member_id>/accept/", MembershipAcceptView.as_view(), name="membership-accept"),
    path("memberships/<int:member_id>/decline/", MembershipDeclineView.as_view(), name="membership-decline"),
    path("memberships/<int:member_id>/leave/", MembershipLeaveView.as_view(), name="membership-leave"),
]
