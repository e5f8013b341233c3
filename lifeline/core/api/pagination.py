"""Pagination for API lists: cursor for growing lists, limit/offset for back-office tables.

Every list response is `{"results", "next", "previous"}` (+ `count` for limit/offset), built by
`paginate()` with the view's `pagination_class`. The view declares the paginator there, not
at the call, because the OpenAPI generator reads it too: with `responses={200:
Output(many=True)}` it documents the paginated envelope and the paginator's query parameters,
so the schema cannot disagree with the response.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination, CursorPagination, LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView


class CreatedCursorPagination(CursorPagination):
    """Newest first, stable under inserts: ordered by (-created_at, -id)."""

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class TableLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


def paginate(
    *,
    queryset: QuerySet[Any],
    serializer_class: type[BaseSerializer[Any]],
    request: Request,
    view: APIView,
    serializer_context: dict[str, Any] | None = None,
) -> Response:
    """Paginate `queryset` with `view.pagination_class`, serialize the page and return the
    standard list response."""
    paginator = paginator_for(view)
    page = paginator.paginate_queryset(queryset, request, view=view)
    context = {"request": request, **(serializer_context or {})}
    data = serializer_class(page, many=True, context=context).data
    return paginator.get_paginated_response(data)


def paginator_for(view: APIView) -> BasePagination:
    """A new paginator of the view's `pagination_class`, which every paginating view sets."""
    pagination_class = getattr(view, "pagination_class", None)
    if pagination_class is None:
        raise ImproperlyConfigured(
            f"{type(view).__name__} paginates: set its `pagination_class` (the OpenAPI schema "
            "documents the paginated response from it)."
        )
    return cast(BasePagination, pagination_class())
