"""Public read API of the catalog: declarative, read-only ViewSets over published packages and public consortia."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from aiexports.pagination import PageNumberPagination
from catalog import selectors
from catalog.choices import PackageStatus
from catalog.filtersets import PackageFilterSet
from catalog.models import Package

from . import serializers_public as s


class CatalogPagination(PageNumberPagination):
    django_paginator_class = selectors.CachedCountPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
        # The schema says ``page_size`` is an integer: anything else is a 400, not silently the default size.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                int(raw)
            except ValueError:
                message = ["A whole number is required."]
                raise exceptions.ValidationError({self.page_size_query_param: message}) from None
        return super().get_page_size(request)


@extend_schema_view(
    list=extend_schema(
        summary="Search and filter published packages",
        description="The same filters as the HTML catalog. A bad filter value is a 400 naming the parameter.",
    ),
    retrieve=extend_schema(summary="One published package with its components"),
)
class PackageViewSet(viewsets.ReadOnlyModelViewSet):
    """Published packages only; anything else is 404."""

    permission_classes = [permissions.AllowAny]
    pagination_class = CatalogPagination
    filterset_class = PackageFilterSet
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Package]:
        queryset = selectors.published_packages()
        if self.action == "retrieve":
            components = selectors.public_components().order_by("layer", "position", "id")
            queryset = queryset.defer(None).defer("search_vector")
            queryset = queryset.prefetch_related(Prefetch("components", queryset=components))
        return queryset

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []  # CatalogPagination pages

        def serialize(packages: list[Package]) -> list[dict]:
            packages = selectors.attach_list_data(packages, layer_counts=False)
            return list(self.get_serializer(packages, many=True).data)

        # Items hold absolute URLs: they are cached per scheme and host.
        items = selectors.cached_per_package(page, "api-item", serialize, vary=request.build_absolute_uri("/"))
        return self.get_paginated_response(items)

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        if request.query_params:  # filters apply to the lookup too: only the plain address is cached
            return super().retrieve(request, *args, **kwargs)

        def serialize() -> dict:
            return dict(self.get_serializer(self.get_object()).data)

        # The item holds absolute URLs: cached per scheme and host, like the list items.
        key = f"{request.build_absolute_uri('/')}:{kwargs[self.lookup_field]}"
        return Response(selectors.cached_catalog_value("api-detail", key, serialize))

    def get_object(self) -> Package:
        package = selectors.attach_list_data([super().get_object()], layer_counts=False)[0]
        selectors.hide_non_member_suppliers(package.components.all())
        return package

    def get_serializer_class(self) -> type[s.PackageListSerializer]:
        return s.PackageDetailSerializer if self.action == "retrieve" else s.PackageListSerializer


@extend_schema_view(
    list=extend_schema(summary="Consortia with at least one published package"),
    retrieve=extend_schema(summary="One consortium with its members and published packages"),
)
class ConsortiumViewSet(viewsets.ReadOnlyModelViewSet):
    """Consortia are public once one of their packages is published; others are 404."""

    permission_classes = [permissions.AllowAny]
    pagination_class = CatalogPagination
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        queryset = selectors.public_consortia()
        if self.action == "retrieve":
            published = Package.objects.filter(status=PackageStatus.PUBLISHED).order_by("title")
            queryset = queryset.prefetch_related(
                Prefetch("packages", queryset=published.only("id", "slug", "title", "summary", "consortium_id"),
                         to_attr="published_packages")
            )  # fmt: skip
        return queryset

    def get_serializer_class(self) -> type[s.ConsortiumSerializer]:
        return s.ConsortiumDetailSerializer if self.action == "retrieve" else s.ConsortiumSerializer
