"""Submitter API: create and edit the drafts of one's consortia and their components, and submit a package.

Session and token authentication (the project defaults). Objects of other companies are 404; service
refusals become 4xx JSON bodies through ``aiexports.api.exception_handler``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aiexports.http import signed_in_user
from catalog import services
from catalog.access import package_for_member_or_404, packages_for_user
from catalog.models import Component, ComponentTranslation, Package, PackageTranslation
from catalog.models.translations import content_language_choices

from ..serializers.manage import (
    ComponentSerializer,
    DraftListSerializer,
    DraftSerializer,
    ErrorSerializer,
    IncompleteErrorSerializer,
    PackageTranslationSerializer,
    SubmitOutputSerializer,
)

ERRORS = {
    400: OpenApiResponse(IncompleteErrorSerializer, description="Invalid input: each problem is named."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (only consortium managers write)."),
    404: OpenApiResponse(ErrorSerializer, description="No such package among your consortia."),
    409: OpenApiResponse(ErrorSerializer, description="Not possible in the package's current status."),
}


def JSON_BODY(serializer: type) -> dict[str, type]:  # noqa: N802 - reads as a constant in the decorators
    """The documented request body: JSON. Form data is accepted as well (and validated the same way), but one
    schema listed under three media types makes generated clients send multipart labelled as JSON."""
    return {"application/json": serializer}


SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The package's slug.")
LANGUAGE = OpenApiParameter(
    "language", OpenApiTypes.STR, OpenApiParameter.PATH, description="A language code other than English: ja, es, fr."
)


@extend_schema_view(
    list=extend_schema(summary="List the packages of your consortia (any status)"),
    retrieve=extend_schema(
        summary="One of your packages, with components and what blocks submission",
        responses={200: DraftSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(summary="Start a draft package", request=JSON_BODY(DraftSerializer),
                         responses={201: DraftSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a draft", request=JSON_BODY(DraftSerializer),
                                 responses={200: DraftSerializer, **ERRORS}),
)  # fmt: skip
class DraftViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated]
    lookup_field = "slug"
    serializer_class = DraftSerializer

    def get_queryset(self) -> QuerySet[Package]:
        qs = packages_for_user(self.request.user).select_related("consortium", "revision_of").order_by("-updated_at")
        if self.action != "list":
            qs = qs.prefetch_related("sectors", "target_countries", "target_regions", "components__supplier")
        return qs

    def get_serializer_class(self) -> type:
        return DraftListSerializer if self.action == "list" else DraftSerializer

    def _detail(self, package: Package, code: int = status.HTTP_200_OK) -> Response:
        package = self.get_queryset().get(pk=package.pk)
        return Response(DraftSerializer(package, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        package = services.package_create(
            actor=signed_in_user(request), consortium=data.pop("consortium"), title=data.pop("title"), **data
        )
        return self._detail(package, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        package = self.get_object()
        serializer = self.get_serializer(package, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        package = services.package_update(actor=signed_in_user(request), package=package, **serializer.validated_data)
        return self._detail(package)


@extend_schema(parameters=[SLUG])
@extend_schema_view(
    list=extend_schema(summary="Components of one of your packages"),
    retrieve=extend_schema(summary="One component", responses={200: ComponentSerializer, 404: ERRORS[404]}),
    create=extend_schema(
        summary="Add a component",
        request=JSON_BODY(ComponentSerializer),
        responses={201: ComponentSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a component",
        request=JSON_BODY(ComponentSerializer),
        responses={200: ComponentSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Remove a component", responses={204: None, **ERRORS}),
)
class ComponentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated]
    serializer_class = ComponentSerializer
    pagination_class = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Resolve the package before any input is validated, so another company's package is a 404, never a 400.
        if not getattr(self, "swagger_fake_view", False):
            self.get_package()

    def get_package(self) -> Package:
        if not hasattr(self, "_package"):
            self._package = package_for_member_or_404(self.request.user, self.kwargs["slug"])
        return self._package

    def get_queryset(self) -> QuerySet[Component]:
        if getattr(self, "swagger_fake_view", False):
            return Component.objects.none()
        return self.get_package().components.select_related("supplier").order_by("layer", "position", "id")

    def get_object(self) -> Component:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        component = services.component_add(
            actor=signed_in_user(request),
            package=self.get_package(),
            layer=data.pop("layer"),
            category=data.pop("category"),
            name=data.pop("name"),
            **data,
        )
        return Response(self.get_serializer(component).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        component = self.get_object()
        serializer = self.get_serializer(component, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("layer", None)
        component = services.component_update(actor=signed_in_user(request), component=component, **data)
        return Response(self.get_serializer(component).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.component_remove(actor=signed_in_user(request), component=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PackageSubmitView(APIView):
    """Submit one of your packages for review (a draft, or one with changes requested)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Submit a package for review",
        parameters=[SLUG],
        request=None,
        responses={200: SubmitOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, slug: str) -> Response:
        package = package_for_member_or_404(request.user, slug)
        package = services.package_submit(actor=signed_in_user(request), package=package)
        return Response(SubmitOutputSerializer(package).data)


def _translation_data(package: Package, translation: PackageTranslation) -> dict[str, Any]:
    rows = ComponentTranslation.objects.filter(component__package=package, language=translation.language)
    return {
        "language": translation.language,
        "title": translation.title,
        "summary": translation.summary,
        "description": translation.description,
        "components": [
            {"component": r.component_id, "name": r.name, "description": r.description}
            for r in rows.order_by("component_id")
        ],
    }


class PackageTranslationsView(APIView):
    """The versions of one of your packages in other languages than English; POST adds or replaces one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The language versions of one of your packages",
        parameters=[SLUG],
        responses={200: PackageTranslationSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, slug: str) -> Response:
        package = package_for_member_or_404(request.user, slug)
        return Response([_translation_data(package, t) for t in package.translations.order_by("language")])

    @extend_schema(
        summary="Add or replace a language version (a draft, or one with changes requested)",
        parameters=[SLUG],
        request=JSON_BODY(PackageTranslationSerializer),
        responses={200: PackageTranslationSerializer, **ERRORS},
    )
    def post(self, request: Request, slug: str) -> Response:
        package = package_for_member_or_404(request.user, slug)
        serializer = PackageTranslationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        components = {item["component"]: item for item in data.pop("components", [])}
        translation = services.package_translation_save(
            actor=signed_in_user(request), package=package, components=components, **data
        )
        return Response(_translation_data(package, translation))


class PackageTranslationView(APIView):
    """One language version of one of your packages: read or remove it."""

    permission_classes = [IsAuthenticated]

    def _get(self, request: Request, slug: str, language: str) -> tuple[Package, PackageTranslation]:
        package = package_for_member_or_404(request.user, slug)
        if language not in dict(content_language_choices()):
            raise Http404
        return package, get_object_or_404(PackageTranslation, package=package, language=language)

    @extend_schema(
        summary="One language version of one of your packages",
        parameters=[SLUG, LANGUAGE],
        responses={200: PackageTranslationSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, slug: str, language: str) -> Response:
        package, translation = self._get(request, slug, language)
        return Response(_translation_data(package, translation))

    @extend_schema(
        summary="Remove a language version", parameters=[SLUG, LANGUAGE], request=None, responses={204: None, **ERRORS}
    )
    def delete(self, request: Request, slug: str, language: str) -> Response:
        package, _translation = self._get(request, slug, language)
        services.package_translation_remove(actor=signed_in_user(request), package=package, language=language)
        return Response(status=status.HTTP_204_NO_CONTENT)


drafts = DraftViewSet.as_view({"get": "list", "post": "create"})
draft = DraftViewSet.as_view({"get": "retrieve", "patch": "partial_update"})
components = ComponentViewSet.as_view({"get": "list", "post": "create"})
component = ComponentViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})

urlpatterns = [
    path("drafts/", drafts, name="draft-list"),
    path("drafts/<slug:slug>/", draft, name="draft-detail"),
    path("drafts/<slug:slug>/components/", components, name="draft-component-list"),
    path("drafts/<slug:slug>/components/<int:pk>/", component, name="draft-component-detail"),
    path("drafts/<slug:slug>/translations/", PackageTranslationsView.as_view(), name="draft-translation-list"),
    path(
        "drafts/<slug:slug>/translations/<slug:language>/",
        PackageTranslationView.as_view(),
        name="draft-translation-detail",
    ),
    path("packages/<slug:slug>/submit/", PackageSubmitView.as_view(), name="package-submit"),
]
