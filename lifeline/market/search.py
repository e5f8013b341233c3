"""Full-text product search, kept by the database itself on both engines.

PostgreSQL: a stored generated column `market_product.search_document` (tsvector: the title
weighted A and the description weighted B, each through the `russian` and the `english`
configurations) with a GIN index, and a trigram GIN index on the title (`pg_trgm`) for typos.
A product matches when its document matches the query in either language, or when every
word of the query is similar enough to a part of its title (`word_similarity` ≥ 0.3: typos).
Rank: `ts_rank` + similarity.

SQLite (the embedded default): an FTS5 table `market_product_fts` (product id, title,
description; `unicode61` folds case in every script) kept in sync by triggers on
`market_product`. Each query word is matched as a prefix of a crude stem (the last letters cut
off long words), so `ноутбуки` finds `ноутбук` and `phones` finds `phone`; `ё` is read as `е`.
Typos: a word whose stem starts no indexed word is also matched by the closest indexed words
(`difflib` ratio ≥ 0.75 over the words that share its first letter and are about as long),
read from the index's own vocabulary (an `fts5vocab` table, `market_product_fts_vocab`): so
`смартфаны` finds `смартфон` and `hedphones` finds `headphones`.

Neither column nor table is a Django field: the migration `0005_search` creates them (by
vendor), and `ensure_search_index()` re-creates the SQLite triggers after every `migrate`
(SQLite rebuilds a table on many schema changes, which drops its triggers).
"""

# The SQL below is built from constants only; the shopper's query reaches the database only
# as a parameter (and, for FTS5, as quoted word tokens).
# ruff: noqa: S608, S611
from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

MAX_QUERY_WORDS = 8
# word_similarity() at or above this counts as a match (one typo in a 6-8 letter word
# scores about 0.4-0.5; pg_trgm's own default of 0.6 misses most typos).
TRIGRAM_THRESHOLD = 0.3

_DOCUMENT = (
    "setweight(to_tsvector('russian'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('russian'::regconfig, coalesce(description, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')"
)

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE market_product ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({_DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS market_product_search_gin ON market_product "
    "USING gin (search_document)",
    "CREATE INDEX IF NOT EXISTS market_product_title_trgm ON market_product "
    "USING gin (title gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS market_product_title_trgm",
    "DROP INDEX IF EXISTS market_product_search_gin",
    "ALTER TABLE market_product DROP COLUMN IF EXISTS search_document",
]


def _folded(column: str) -> str:
    return f"replace(replace(coalesce({column}, ''), 'ё', 'е'), 'Ё', 'Е')"


_SQLITE_INSERT = (
    "INSERT INTO market_product_fts (product_id, title, description) "
    f"VALUES (new.id, {_folded('new.title')}, {_folded('new.description')});"
)
SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS market_product_fts USING fts5("
    "product_id UNINDEXED, title, description, tokenize = 'unicode61 remove_diacritics 2')"
)
SQLITE_VOCABULARY = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS market_product_fts_vocab "
    "USING fts5vocab(market_product_fts, 'row')"
)
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS market_product_fts_insert AFTER INSERT ON market_product "
    f"BEGIN {_SQLITE_INSERT} END",
    "CREATE TRIGGER IF NOT EXISTS market_product_fts_update "
    "AFTER UPDATE OF title, description ON market_product BEGIN "
    "DELETE FROM market_product_fts WHERE product_id = old.id; "
    f"{_SQLITE_INSERT} END",
    "CREATE TRIGGER IF NOT EXISTS market_product_fts_delete AFTER DELETE ON market_product "
    "BEGIN DELETE FROM market_product_fts WHERE product_id = old.id; END",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS market_product_fts_vocab",
    "DROP TRIGGER IF EXISTS market_product_fts_insert",
    "DROP TRIGGER IF EXISTS market_product_fts_update",
    "DROP TRIGGER IF EXISTS market_product_fts_delete",
    "DROP TABLE IF EXISTS market_product_fts",
]
SQLITE_REBUILD = [
    "DELETE FROM market_product_fts",
    "INSERT INTO market_product_fts (product_id, title, description) "
    f"SELECT id, {_folded('title')}, {_folded('description')} FROM market_product",
]


def create_search_index(conn: BaseDatabaseWrapper, *, rebuild: bool = True) -> None:
    """Create the engine's search index (idempotent); `rebuild` refills the SQLite table."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for sql in POSTGRES_FORWARD:
                cursor.execute(sql)
        elif conn.vendor == "sqlite":
            cursor.execute(SQLITE_TABLE)
            cursor.execute(SQLITE_VOCABULARY)
            for sql in SQLITE_TRIGGERS:
                cursor.execute(sql)
            if rebuild:
                for sql in SQLITE_REBUILD:
                    cursor.execute(sql)


def drop_search_index(conn: BaseDatabaseWrapper) -> None:
    with conn.cursor() as cursor:
        for sql in POSTGRES_BACKWARD if conn.vendor == "postgresql" else SQLITE_BACKWARD:
            if conn.vendor in ("postgresql", "sqlite"):
                cursor.execute(sql)


def ensure_search_index(using: str = "default", **_kwargs: Any) -> None:
    """post_migrate: put back SQLite triggers a table rebuild dropped (a no-op otherwise)."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'market_product' AND type = 'table'"
        )
        if not cursor.fetchone()[0]:
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'market_product_fts_%'"
        )
        missing = cursor.fetchone()[0] < len(SQLITE_TRIGGERS)
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'market_product_fts_vocab'")
        missing = missing or not cursor.fetchone()[0]
    if missing:
        create_search_index(conn, rebuild=True)


# --- Queries --------------------------------------------------------------------------------


def _words(q: str) -> list[str]:
    return re.findall(r"\w+", q.replace("ё", "е").replace("Ё", "Е"))[:MAX_QUERY_WORDS]


def _stem(word: str) -> str:
    """A crude stem: long words lose their last letters (endings), so the prefix matches
    other forms of the word."""
    if len(word) >= 6:
        return word[:-2]
    if len(word) == 5:
        return word[:-1]
    return word


# Typo tolerance on SQLite: how close an indexed word must be (difflib's ratio), how many
# close words a query word may stand for, and how much longer or shorter they may be.
FUZZY_CUTOFF = 0.75
FUZZY_MATCHES = 3
FUZZY_LENGTH_SLACK = 2
FUZZY_MIN_LENGTH = 4
_TOP = "\U0010ffff"  # sorts after every other character: `prefix <= term < prefix + _TOP`


def _index_form(word: str) -> str:
    """The word as the FTS5 `unicode61 remove_diacritics 2` tokenizer stores it: lower case,
    diacritics dropped from Latin letters (Cyrillic `й` stays)."""
    out = []
    for char in word.lower():
        if ord(char) < 0x250:
            char = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
        out.append(char)
    return "".join(out)


def close_words(words: list[str], cursor: Any) -> dict[str, list[str]]:
    """For each query word whose stem starts no indexed word (a typo, or a word not on
    sale), the indexed words closest to it; words that match as they are get none. One query
    tells which stems are known (a range read of the FTS5 vocabulary's term index per word);
    each unknown word then costs one more range read of the words that share its first
    letter and are about as long, ranked by `difflib`."""
    forms = {word: _index_form(word) for word in words}
    checked = [w for w in words if len(forms[w]) >= FUZZY_MIN_LENGTH]
    if not checked:
        return {}
    probe = " UNION ALL ".join(
        [
            "SELECT %s WHERE EXISTS (SELECT 1 FROM market_product_fts_vocab "
            "WHERE term >= %s AND term < %s)"
        ]
        * len(checked)
    )
    params: list[Any] = []
    for position, word in enumerate(checked):
        stem = _stem(forms[word])
        params += [position, stem, stem + _TOP]
    cursor.execute(probe, params)
    known = {checked[row[0]] for row in cursor.fetchall()}
    result: dict[str, list[str]] = {}
    for word in checked:
        if word in known:
            continue
        form = forms[word]
        cursor.execute(
            "SELECT term FROM market_product_fts_vocab WHERE term >= %s AND term < %s "
            "AND length(term) BETWEEN %s AND %s",
            (
                form[0],
                form[0] + _TOP,
                len(form) - FUZZY_LENGTH_SLACK,
                len(form) + FUZZY_LENGTH_SLACK,
            ),
        )
        candidates = [row[0] for row in cursor.fetchall()]
        result[word] = difflib.get_close_matches(
            form, candidates, n=FUZZY_MATCHES, cutoff=FUZZY_CUTOFF
        )
    return result


def fts5_expression(
    q: str, *, title_only: bool = False, alternatives: dict[str, list[str]] | None = None
) -> str:
    """An FTS5 MATCH expression: every word (quoted, so no operator gets through) as a
    prefix, or'ed with the indexed words `alternatives` gives for it (typos); empty when the
    query has no word."""
    alternatives = alternatives or {}
    parts = []
    for word in _words(q):
        options = [f'"{_stem(word)}"*'] + [f'"{w}"' for w in alternatives.get(word, [])]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    terms = " AND ".join(parts)  # explicit: FTS5 refuses an implicit AND before a group
    if not terms:
        return ""
    return "{title} : (" + terms + ")" if title_only else terms


def typo_alternatives(q: str) -> dict[str, list[str]]:
    """SQLite: the indexed words close to each unknown word of `q` (see `close_words`), to
    share between several `apply` calls of one request (the facets); empty elsewhere."""
    words = _words(q)
    if connection.vendor != "sqlite" or not words:
        return {}
    with connection.cursor() as cursor:
        return close_words(words, cursor)


def apply(
    products: QuerySet[Any], q: str, *, alternatives: dict[str, list[str]] | None = None
) -> QuerySet[Any]:
    """Products matching `q`, annotated with `title_match` (1 when the title matches) and
    `search_rank` (higher is better) for the ordering. `alternatives`: the result of
    `typo_alternatives(q)` when the caller has it already."""
    words = _words(q)
    if not words:
        return products.annotate(
            title_match=RawSQL("0", ()), search_rank=RawSQL("0.0", (), output_field=FloatField())
        ).none()
    text = " ".join(words)
    if connection.vendor == "postgresql":
        tsquery = (
            "(websearch_to_tsquery('russian'::regconfig, %s) || "
            "websearch_to_tsquery('english'::regconfig, %s))"
        )
        title = '"market_product"."title"'
        # A typo: every word is similar enough to a part of the title.
        similar_words = " AND ".join([f"word_similarity(%s, {title}) >= %s"] * len(words))
        similar_params: tuple[Any, ...] = tuple(
            value for word in words for value in (word, TRIGRAM_THRESHOLD)
        )
        title_vector = (
            f"(to_tsvector('russian'::regconfig, {title}) || "
            f"to_tsvector('english'::regconfig, {title}))"
        )
        matches = RawSQL(
            f'("market_product"."search_document" @@ {tsquery} OR ({similar_words}))',
            (text, text, *similar_params),
            output_field=BooleanField(),
        )
        return products.filter(matches).annotate(
            title_match=RawSQL(
                f"CASE WHEN {title_vector} @@ {tsquery} OR ({similar_words}) THEN 1 ELSE 0 END",
                (text, text, *similar_params),
            ),
            search_rank=RawSQL(
                f'ts_rank("market_product"."search_document", {tsquery}) '
                f"+ word_similarity(%s, {title})",
                (text, text, text),
                output_field=FloatField(),
            ),
        )
    if alternatives is None:
        alternatives = typo_alternatives(q)
    select = "SELECT product_id FROM market_product_fts WHERE market_product_fts MATCH %s"
    everywhere = fts5_expression(text, alternatives=alternatives)
    in_title = fts5_expression(text, title_only=True, alternatives=alternatives)
    return products.filter(id__in=RawSQL(select, (everywhere,))).annotate(
        title_match=RawSQL(
            f"CASE WHEN market_product.id IN ({select}) THEN 1 ELSE 0 END", (in_title,)
        ),
        search_rank=RawSQL("0.0", (), output_field=FloatField()),
    )
