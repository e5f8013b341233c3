"""Translated admin column and filter labels for fields whose model we cannot relabel.

Our own models label their fields with `verbose_name`. Two kinds of field cannot: the
`created_at` of the shared abstract base (a new label there would change every module's
migrations) and the fields of third-party models (django-otp, Simple JWT, Axes), which carry
English literals. Their admins show these helpers instead, so a Russian administrator reads
Russian headings (issue 14).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def column(
    field: str, label: str | _StrPromise, *, boolean: bool = False, ordering: str | None = None
) -> Callable[[Any], Any]:
    """A list column showing `obj.<field>` (a dotted path follows relations) under `label`."""

    def value(obj: Any) -> Any:
        for part in field.split("."):
            obj = getattr(obj, part, None) if obj is not None else None
        return obj

    value.__name__ = f"{field.replace('.', '_')}_column"
    return admin.display(
        description=label, boolean=boolean, ordering=ordering or field.replace(".", "__")
    )(value)


def titled(title: str | _StrPromise) -> type[admin.FieldListFilter]:
    """A field filter of the usual kind for its field (dates, booleans, ...) under `title`:
    `list_filter = [("created_at", titled(_("created")))]`."""

    class Titled(admin.FieldListFilter):
        def __new__(
            cls,
            field: Any,
            request: Any,
            params: Any,
            model: Any,
            model_admin: Any,
            field_path: str,
        ) -> Any:  # type: ignore[misc]
            spec = admin.FieldListFilter.create(
                field, request, params, model, model_admin, field_path=field_path
            )
            spec.title = title
            return spec

    return Titled
