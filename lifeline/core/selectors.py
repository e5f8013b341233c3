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


def tree_descendant_ids(queryset: QuerySet[Any], *, slug: str) -> list[int]:
    """The id of the node `slug` and of all nodes below it, in a small tree whose rows have
    `id`, `parent_id` and `slug` (a category tree): one query, the tree walked in Python.
    An unknown slug gives no ids."""
    rows = list(queryset.values_list("id", "parent_id", "slug"))
    root = next((pk for pk, _parent, s in rows if s == slug), None)
    if root is None:
        return []
    children: dict[int | None, list[int]] = {}
    for pk, parent, _slug in rows:
        children.setdefault(parent, []).append(pk)
    found, stack = [], [root]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found
