"""Generic read helpers shared by every app's selectors."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet

from lifeline.core.exceptions import NotFound

M = TypeVar("M", bound=Model)


def get_or_not_found(queryset: QuerySet[M], **lookup: Any) -> M:
    """Return the one object matching `lookup` within an already scoped queryset.

    Anything outside the scope, and malformed ids, are the same 404: a caller must not be
    able to tell "exists but not yours" from "does not exist".
    """
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValidationError, ValueError) as exc:
        raise NotFound() from exc
