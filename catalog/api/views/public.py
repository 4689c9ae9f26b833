"""Public read API of the catalog: declarative, read-only ViewSets over published packages and public consortia."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from aiexports.pagination import PageNumberPagination
from catalog import cache as catalog_cache
from catalog import selectors
from catalog.choices import PackageStatus
from catalog.filtersets import PackageFilterSet
from catalog.models import Package

from ..serializers import public as s


class CatalogPagination(PageNumberPagination):
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

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list | None:
        self.count_key = getattr(view, "count_key", None)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(  # type: ignore[override]  # a factory where DRF expects the class
        self, queryset: QuerySet, page_size: int
    ) -> selectors.CachedCountPaginator:
        """The total is cached (``CachedCountPaginator``) under the view's normalised filters when it has them."""
        paginator = selectors.CachedCountPaginator(queryset, page_size)
        paginator.count_key = getattr(self, "count_key", None)
        return paginator


PLAIN_LIST_PAGES = 20  # the first pages of the unfiltered list are cached whole (a bounded number of entries)


def plain_list_address(request: Request) -> bool:
    """Whether the list address is unfiltered (at most ``page`` ≤ 20 and a standard ``page_size``)."""
    params = request.query_params
    if not params:
        return True
    if set(params) - {"page", "page_size"} or any(len(params.getlist(name)) > 1 for name in params):
        return False
    page, size = params.get("page", "1"), params.get("page_size", "20")
    return (page.isdigit() and str(int(page)) == page and 1 <= int(page) <= PLAIN_LIST_PAGES
            and size in {"10", "20", "50", "100"})  # fmt: skip


class ConditionalGetMixin:
    """``ETag`` + ``Cache-Control`` + ``Vary`` on GET answers, and ``304 Not Modified`` without building the
    response when the client's copy is current (``catalog.cache.response_etag``). Throttling still applies."""

    def handle_conditional(self, request: Request) -> Response | None:
        self._etag = catalog_cache.response_etag(request, per_visitor=False)
        if self._etag is not None and catalog_cache.etag_matches(request, self._etag):
            return Response(status=304)
        return None

    def finalize_response(self, request: Request, response: Response, *args: object, **kwargs: object) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method in ("GET", "HEAD"):
            catalog_cache.add_validators(response, getattr(self, "_etag", None), per_visitor=False)
            signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
            if signed_in and "Cache-Control" in response:
                response["Cache-Control"] = response["Cache-Control"].replace("public", "private")
        return response


@extend_schema_view(
    list=extend_schema(
        summary="Search and filter published packages",
        description="The same filters as the HTML catalog. A bad filter value is a 400 naming the parameter.",
    ),
    retrieve=extend_schema(summary="One published package with its components"),
)
class PackageViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
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
        """A page of packages. Only ids are read for the page; the items come from the cache, one per package
        (they hold absolute URLs: cached per scheme and host). An unfiltered address (its first pages) is
        cached whole, so a warm plain list builds no filter set and reads nothing."""
        if (not_modified := self.handle_conditional(request)) is not None:
            return not_modified
        root = request.build_absolute_uri("/")
        if plain_list_address(request):
            data = catalog_cache.get_or_build(
                "api-list", (root, request.get_full_path()), lambda: self._list_data(request, root), local=True
            )
            return Response(data)
        return Response(self._list_data(request, root))

    def _list_data(self, request: Request, root: str) -> dict:
        filterset = PackageFilterSet(request.query_params, queryset=selectors.published_packages(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        self.count_key = selectors.filters_digest(filterset)
        page = self.paginate_queryset(filterset.qs.values_list("pk", flat=True)) or []

        def serialize(ids: list[int]) -> list[dict]:
            packages = {p.pk: p for p in selectors.published_packages().filter(pk__in=ids)}
            ordered = selectors.attach_list_data([packages[pk] for pk in ids], layer_counts=False, localize=False)
            return list(self.get_serializer(ordered, many=True).data)

        items = catalog_cache.get_many_or_build("api-item", list(page), serialize, vary=root, local=True)
        return dict(self.get_paginated_response(items).data)

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        if (not_modified := self.handle_conditional(request)) is not None:
            return not_modified
        if request.query_params:  # filters apply to the lookup too: only the plain address is cached
            return super().retrieve(request, *args, **kwargs)

        def serialize() -> dict:
            return dict(self.get_serializer(self.get_object()).data)

        # The item holds absolute URLs: cached per scheme and host, like the list items.
        key = f"{request.build_absolute_uri('/')}:{kwargs[self.lookup_field]}"
        return Response(selectors.cached_catalog_value("api-detail", key, serialize))

    def get_object(self) -> Package:
        package = selectors.attach_list_data([super().get_object()], layer_counts=False, localize=False)[0]
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
