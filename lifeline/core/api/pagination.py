"""Pagination for API lists: cursor for growing lists, limit/offset for back-office tables.

Every list response is `{"results", "next", "previous"}` (+ `count` for limit/offset), built by
`paginate()`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination, LimitOffsetPagination
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
    pagination_class: type[CursorPagination | LimitOffsetPagination] = CreatedCursorPagination,
    serializer_context: dict[str, Any] | None = None,
) -> Response:
    """Paginate `queryset`, serialize the page and return the standard list response."""
    paginator = pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    context = {"request": request, **(serializer_context or {})}
    data = serializer_class(page, many=True, context=context).data
    return paginator.get_paginated_response(data)
