"""Reads of the drug and therapy catalogue (with the doctor's own notes) and of articles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from lifeline.accounts.models import User
from lifeline.clinic.enums import (
    ArticleStatus,
)
from lifeline.clinic.models.catalogue import Article, CatalogueItem, DoctorNote
from lifeline.clinic.permissions import can_manage_articles
from lifeline.core.selectors import get_or_not_found


# --- catalogue ---------------------------------------------------------------------------
def catalogue_item_list_for(
    *, actor: User, kind: str = "", query: str = "", rule_id: str = ""
) -> QuerySet[CatalogueItem]:
    """Active catalogue items with the actor's own note preloaded as `my_notes`."""
    items = CatalogueItem.objects.filter(is_active=True)
    if kind:
        items = items.filter(kind=kind)
    if query or rule_id:
        # The catalogue is small (tens of rows): match in Python, so Cyrillic search is
        # case-insensitive on SQLite too and rule ids need no JSON lookups.
        needle = query.casefold()
        matching = [
            pk
            for pk, code, name_en, name_ru, drug_class, rule_ids in items.values_list(
                "pk", "code", "name_en", "name_ru", "drug_class", "rule_ids"
            )
            if (not needle or needle in f"{code} {name_en} {name_ru} {drug_class}".casefold())
            and (not rule_id or rule_id in (rule_ids or []))
        ]
        items = CatalogueItem.objects.filter(pk__in=matching)
    return items.prefetch_related(
        Prefetch("notes", queryset=DoctorNote.objects.filter(doctor=actor), to_attr="my_notes")
    ).order_by("kind", "name_en")


def catalogue_item_get_for(*, actor: User, code: str) -> CatalogueItem:
    return get_or_not_found(catalogue_item_list_for(actor=actor), code=code)


def catalogue_by_code(codes: Iterable[str]) -> dict[str, CatalogueItem]:
    return {item.code: item for item in CatalogueItem.objects.filter(code__in=list(codes))}


# --- articles ----------------------------------------------------------------------------


def article_list_for(*, actor: Any, include_drafts: bool = False) -> QuerySet[Article]:
    articles = Article.objects.select_related("author")
    if include_drafts and can_manage_articles(actor):
        return articles
    return articles.filter(status=ArticleStatus.PUBLISHED)


def article_get_for(*, actor: Any, article_id: UUID | str) -> Article:
    return get_or_not_found(article_list_for(actor=actor, include_drafts=True), pk=article_id)
