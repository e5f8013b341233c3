"""Full-text product search, kept by the database itself on both engines.

The machinery is `lifeline.core.search` (read it for the engines' details); this is the
product index: the title weighted A and the description weighted B. PostgreSQL: a stored
generated column `market_product.search_document` with a GIN index and a trigram index on the
title (typos). SQLite: the FTS5 table `market_product_fts` kept by triggers on
`market_product`, with its vocabulary `market_product_fts_vocab` for typos (`смартфаны` finds
`смартфон`, `hedphones` finds `headphones`).

The migrations `0005_search` and `0009_search_vocabulary` create them (by vendor), and
`ensure_search_index()` re-creates the SQLite triggers after every `migrate`.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from lifeline.core.search import SearchColumn, SearchIndex, fts5_expression

PRODUCTS = SearchIndex(
    table="market_product",
    key="product_id",
    columns=(SearchColumn("title", weight="A"), SearchColumn("description", weight="B")),
)
SQLITE_VOCABULARY = PRODUCTS.sqlite_vocabulary

__all__ = [
    "PRODUCTS",
    "SQLITE_VOCABULARY",
    "apply",
    "close_words",
    "create_search_index",
    "drop_search_index",
    "ensure_search_index",
    "fts5_expression",
    "typo_alternatives",
]


def create_search_index(conn: BaseDatabaseWrapper, *, rebuild: bool = True) -> None:
    PRODUCTS.create(conn, rebuild=rebuild)


def drop_search_index(conn: BaseDatabaseWrapper) -> None:
    PRODUCTS.drop(conn)


def ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: put back SQLite triggers a table rebuild dropped (a no-op otherwise)."""
    PRODUCTS.ensure(using, **kwargs)


def close_words(words: list[str], cursor: Any) -> dict[str, list[str]]:
    return PRODUCTS.close_words(words, cursor)


def typo_alternatives(q: str) -> dict[str, list[str]]:
    return PRODUCTS.typo_alternatives(q)


def apply(
    products: QuerySet[Any], q: str, *, alternatives: dict[str, list[str]] | None = None
) -> QuerySet[Any]:
    """Products matching `q`, annotated with `title_match` and `search_rank`."""
    return PRODUCTS.apply(products, q, alternatives=alternatives)
