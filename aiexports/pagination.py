"""The API's page-number pagination: ``page`` (and ``page_size``) given once, and not empty, or a 400.

DRF takes an empty ``page`` as the first page and a repeated one as its last value, which the schema (one
integer) does not allow: a client sending either has a bug it should hear about.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination


def single_query_value(request: Any, name: str) -> str | None:
    """The one value of query parameter ``name`` (``None`` when absent); a repeated or empty one is a 400."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise exceptions.ValidationError({name: [_("Give this parameter once.")]})
    if not values[0].strip():
        raise exceptions.ValidationError({name: [_("This parameter may not be empty.")]})
    return values[0]


class PageNumberPagination(pagination.PageNumberPagination):
    def get_page_number(self, request: Any, paginator: Any) -> Any:
        single_query_value(request, self.page_query_param)
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Any) -> int | None:
        if self.page_size_query_param:
            single_query_value(request, self.page_size_query_param)
        return super().get_page_size(request)
