"""Full-text search kept by the database itself, on both engines, for any table.

A domain describes its index once (`SearchIndex`: the table, the text columns with their
weights, the title column) and gets the DDL for its migration, the post-migrate repair and a
queryset filter:

PostgreSQL: a stored generated column `<table>.search_document` (tsvector: each column
weighted, each through the `russian` and the `english` configurations) with a GIN index, and a
trigram GIN index on the title (`pg_trgm`) for typos. A row matches when its document matches
the query in either language, or when every word of the query is similar enough to a part of
its title (`word_similarity` ≥ 0.3: typos). Rank: `ts_rank` + similarity.

SQLite (the embedded default): an FTS5 table `<table>_fts` (row key, one column per text
column; `unicode61` folds case in every script) kept in sync by triggers on `<table>`. Each
query word is matched as a prefix of a crude stem (the last letters cut off long words), so
`ноутбуки` finds `ноутбук` and `phones` finds `phone`; `ё` is read as `е`. Typos: a word whose
stem starts no indexed word is also matched by the closest indexed words (`difflib` ratio ≥
0.75 over the words that share its first letter and are about as long), read from the index's
own vocabulary (an `fts5vocab` table, `<table>_fts_vocab`).

Neither column nor table is a Django field: the domain's migration creates them (by vendor,
`SearchIndex.create`), and `SearchIndex.ensure` (a post_migrate receiver) re-creates the SQLite
triggers after every `migrate` (SQLite rebuilds a table on many schema changes, which drops its
triggers).
"""

# The SQL below is built from the index's constant description only; the query reaches the
# database only as a parameter (and, for FTS5, as quoted word tokens).
# ruff: noqa: S608, S611
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

MAX_QUERY_WORDS = 8
# word_similarity() at or above this counts as a match (one typo in a 6-8 letter word
# scores about 0.4-0.5; pg_trgm's own default of 0.6 misses most typos).
TRIGRAM_THRESHOLD = 0.3

# Typo tolerance on SQLite: how close an indexed word must be (difflib's ratio), how many
# close words a query word may stand for, and how much longer or shorter they may be.
FUZZY_CUTOFF = 0.75
FUZZY_MATCHES = 3
FUZZY_LENGTH_SLACK = 2
FUZZY_MIN_LENGTH = 4
_TOP = "\U0010ffff"  # sorts after every other character: `prefix <= term < prefix + _TOP`


@dataclass(frozen=True)
class SearchColumn:
    """A text column of the index. `postgres`: its text (or jsonb) as a PostgreSQL expression
    over `{column}`; `sqlite`: its text as an SQLite expression over `{row}{column}` (`{row}`
    is `new.` inside the triggers, empty in the rebuild)."""

    name: str
    weight: str = "B"
    postgres: str = "coalesce({column}, '')"
    sqlite: str = "{row}{column}"


def _folded(expression: str) -> str:
    return f"replace(replace(coalesce({expression}, ''), 'ё', 'е'), 'Ё', 'Е')"


def words(q: str) -> list[str]:
    return re.findall(r"\w+", q.replace("ё", "е").replace("Ё", "Е"))[:MAX_QUERY_WORDS]


def stem(word: str) -> str:
    """A crude stem: long words lose their last letters (endings), so the prefix matches
    other forms of the word."""
    if len(word) >= 6:
        return word[:-2]
    if len(word) == 5:
        return word[:-1]
    return word


def index_form(word: str) -> str:
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


def fts5_expression(
    q: str,
    *,
    title_only: bool = False,
    alternatives: dict[str, list[str]] | None = None,
    title: str = "title",
) -> str:
    """An FTS5 MATCH expression: every word (quoted, so no operator gets through) as a
    prefix, or'ed with the indexed words `alternatives` gives for it (typos); empty when the
    query has no word. `title_only` limits it to the FTS5 column `title`."""
    alternatives = alternatives or {}
    parts = []
    for word in words(q):
        options = [f'"{stem(word)}"*'] + [f'"{w}"' for w in alternatives.get(word, [])]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    terms = " AND ".join(parts)  # explicit: FTS5 refuses an implicit AND before a group
    if not terms:
        return ""
    return "{" + title + "} : (" + terms + ")" if title_only else terms


@dataclass(frozen=True)
class SearchIndex:
    """The search index of one table: `key` names the FTS5 column holding the row's primary
    key (`pk`), `columns` the indexed text, `title` the column ranked first and used for
    trigram typos on PostgreSQL."""

    table: str
    key: str
    columns: tuple[SearchColumn, ...]
    title: str = "title"
    pk: str = "id"
    # Typos on PostgreSQL: `strict_word_similarity` compares a query word with whole words of
    # the title; plain `word_similarity` also with any stretch of it, which lets a short word
    # match by shared letters across two words ("flyer" in "Banner for a lab").
    strict_typos: bool = False

    # --- names -------------------------------------------------------------------------
    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    @property
    def vocabulary_table(self) -> str:
        return f"{self.table}_fts_vocab"

    # --- DDL ---------------------------------------------------------------------------
    def _document(self) -> str:
        parts = []
        for column in self.columns:
            text = column.postgres.format(column=column.name)
            for config in ("russian", "english"):
                parts.append(
                    f"setweight(to_tsvector('{config}'::regconfig, {text}), '{column.weight}')"
                )
        return " || ".join(parts)

    @property
    def postgres_forward(self) -> list[str]:
        return [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"ALTER TABLE {self.table} ADD COLUMN IF NOT EXISTS search_document tsvector "
            f"GENERATED ALWAYS AS ({self._document()}) STORED",
            f"CREATE INDEX IF NOT EXISTS {self.table}_search_gin ON {self.table} "
            "USING gin (search_document)",
            f"CREATE INDEX IF NOT EXISTS {self.table}_title_trgm ON {self.table} "
            f"USING gin ({self.title} gin_trgm_ops)",
        ]

    @property
    def postgres_backward(self) -> list[str]:
        return [
            f"DROP INDEX IF EXISTS {self.table}_title_trgm",
            f"DROP INDEX IF EXISTS {self.table}_search_gin",
            f"ALTER TABLE {self.table} DROP COLUMN IF EXISTS search_document",
        ]

    def _values(self, row: str) -> str:
        return ", ".join(_folded(c.sqlite.format(row=row, column=c.name)) for c in self.columns)

    @property
    def _fts_columns(self) -> str:
        return ", ".join([self.key, *(c.name for c in self.columns)])

    @property
    def sqlite_table(self) -> str:
        text = ", ".join(c.name for c in self.columns)
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts_table} USING fts5("
            f"{self.key} UNINDEXED, {text}, tokenize = 'unicode61 remove_diacritics 2')"
        )

    @property
    def sqlite_vocabulary(self) -> str:
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.vocabulary_table} "
            f"USING fts5vocab({self.fts_table}, 'row')"
        )

    @property
    def sqlite_triggers(self) -> list[str]:
        insert = (
            f"INSERT INTO {self.fts_table} ({self._fts_columns}) "
            f"VALUES (new.{self.pk}, {self._values('new.')});"
        )
        delete = f"DELETE FROM {self.fts_table} WHERE {self.key} = old.{self.pk};"
        watched = ", ".join(c.name for c in self.columns)
        return [
            f"CREATE TRIGGER IF NOT EXISTS {self.fts_table}_insert AFTER INSERT ON {self.table} "
            f"BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.fts_table}_update "
            f"AFTER UPDATE OF {watched} ON {self.table} BEGIN "
            f"{delete} {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.fts_table}_delete AFTER DELETE ON {self.table} "
            f"BEGIN {delete} END",
        ]

    @property
    def sqlite_backward(self) -> list[str]:
        return [
            f"DROP TABLE IF EXISTS {self.vocabulary_table}",
            f"DROP TRIGGER IF EXISTS {self.fts_table}_insert",
            f"DROP TRIGGER IF EXISTS {self.fts_table}_update",
            f"DROP TRIGGER IF EXISTS {self.fts_table}_delete",
            f"DROP TABLE IF EXISTS {self.fts_table}",
        ]

    @property
    def sqlite_rebuild(self) -> list[str]:
        return [
            f"DELETE FROM {self.fts_table}",
            f"INSERT INTO {self.fts_table} ({self._fts_columns}) "
            f"SELECT {self.pk}, {self._values('')} FROM {self.table}",
        ]

    def create(self, conn: BaseDatabaseWrapper, *, rebuild: bool = True) -> None:
        """Create the engine's search index (idempotent); `rebuild` refills the SQLite table."""
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                for sql in self.postgres_forward:
                    cursor.execute(sql)
            elif conn.vendor == "sqlite":
                cursor.execute(self.sqlite_table)
                cursor.execute(self.sqlite_vocabulary)
                for sql in self.sqlite_triggers:
                    cursor.execute(sql)
                if rebuild:
                    for sql in self.sqlite_rebuild:
                        cursor.execute(sql)

    def drop(self, conn: BaseDatabaseWrapper) -> None:
        if conn.vendor not in ("postgresql", "sqlite"):
            return
        backward = self.postgres_backward if conn.vendor == "postgresql" else self.sqlite_backward
        with conn.cursor() as cursor:
            for sql in backward:
                cursor.execute(sql)

    def ensure(self, using: str = "default", **_kwargs: Any) -> None:
        """post_migrate: put back SQLite triggers a table rebuild dropped (a no-op otherwise)."""
        conn = connections[using]
        if conn.vendor != "sqlite":
            return
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = %s AND type = 'table'",
                [self.table],
            )
            if not cursor.fetchone()[0]:
                return
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{self.fts_table}_%"],
            )
            missing = cursor.fetchone()[0] < len(self.sqlite_triggers)
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = %s", [self.vocabulary_table]
            )
            missing = missing or not cursor.fetchone()[0]
        if missing:
            self.create(conn, rebuild=True)

    # --- queries -------------------------------------------------------------------------
    def close_words(self, query_words: list[str], cursor: Any) -> dict[str, list[str]]:
        """For each query word whose stem starts no indexed word (a typo, or a word not in
        the index), the indexed words closest to it; words that match as they are get none.
        One query tells which stems are known (a range read of the FTS5 vocabulary's term
        index per word); each unknown word then costs one more range read of the words that
        share its first letter and are about as long, ranked by `difflib`."""
        forms = {word: index_form(word) for word in query_words}
        checked = [w for w in query_words if len(forms[w]) >= FUZZY_MIN_LENGTH]
        if not checked:
            return {}
        probe = " UNION ALL ".join(
            [
                f"SELECT %s WHERE EXISTS (SELECT 1 FROM {self.vocabulary_table} "
                "WHERE term >= %s AND term < %s)"
            ]
            * len(checked)
        )
        params: list[Any] = []
        for position, word in enumerate(checked):
            word_stem = stem(forms[word])
            params += [position, word_stem, word_stem + _TOP]
        cursor.execute(probe, params)
        known = {checked[row[0]] for row in cursor.fetchall()}
        result: dict[str, list[str]] = {}
        for word in checked:
            if word in known:
                continue
            form = forms[word]
            cursor.execute(
                f"SELECT term FROM {self.vocabulary_table} WHERE term >= %s AND term < %s "
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

    def typo_alternatives(self, q: str) -> dict[str, list[str]]:
        """SQLite: the indexed words close to each unknown word of `q` (see `close_words`),
        to share between several `apply` calls of one request (facets); empty elsewhere."""
        query_words = words(q)
        if connection.vendor != "sqlite" or not query_words:
            return {}
        with connection.cursor() as cursor:
            return self.close_words(query_words, cursor)

    def apply(
        self, rows: QuerySet[Any], q: str, *, alternatives: dict[str, list[str]] | None = None
    ) -> QuerySet[Any]:
        """Rows matching `q`, annotated with `title_match` (1 when the title matches) and
        `search_rank` (higher is better) for the ordering. `alternatives`: the result of
        `typo_alternatives(q)` when the caller has it already."""
        query_words = words(q)
        if not query_words:
            return rows.annotate(
                title_match=RawSQL("0", ()),
                search_rank=RawSQL("0.0", (), output_field=FloatField()),
            ).none()
        text = " ".join(query_words)
        if connection.vendor == "postgresql":
            return self._apply_postgres(rows, text, query_words)
        if alternatives is None:
            alternatives = self.typo_alternatives(q)
        select = f"SELECT {self.key} FROM {self.fts_table} WHERE {self.fts_table} MATCH %s"
        everywhere = fts5_expression(text, alternatives=alternatives)
        in_title = fts5_expression(
            text, title_only=True, alternatives=alternatives, title=self.title
        )
        return rows.filter(**{f"{self.pk}__in": RawSQL(select, (everywhere,))}).annotate(
            title_match=RawSQL(
                f"CASE WHEN {self.table}.{self.pk} IN ({select}) THEN 1 ELSE 0 END",
                (in_title,),
            ),
            search_rank=RawSQL("0.0", (), output_field=FloatField()),
        )

    def _apply_postgres(
        self, rows: QuerySet[Any], text: str, query_words: list[str]
    ) -> QuerySet[Any]:
        tsquery = (
            "(websearch_to_tsquery('russian'::regconfig, %s) || "
            "websearch_to_tsquery('english'::regconfig, %s))"
        )
        title = f'"{self.table}"."{self.title}"'
        similarity = "strict_word_similarity" if self.strict_typos else "word_similarity"
        document = f'"{self.table}"."search_document"'
        # A typo: every word is similar enough to a part of the title.
        similar_words = " AND ".join([f"{similarity}(%s, {title}) >= %s"] * len(query_words))
        similar_params: tuple[Any, ...] = tuple(
            value for word in query_words for value in (word, TRIGRAM_THRESHOLD)
        )
        title_vector = (
            f"(to_tsvector('russian'::regconfig, {title}) || "
            f"to_tsvector('english'::regconfig, {title}))"
        )
        matches = RawSQL(
            f"({document} @@ {tsquery} OR ({similar_words}))",
            (text, text, *similar_params),
            output_field=BooleanField(),
        )
        return rows.filter(matches).annotate(
            title_match=RawSQL(
                f"CASE WHEN {title_vector} @@ {tsquery} OR ({similar_words}) THEN 1 ELSE 0 END",
                (text, text, *similar_params),
            ),
            search_rank=RawSQL(
                f"ts_rank({document}, {tsquery}) + {similarity}(%s, {title})",
                (text, text, text),
                output_field=FloatField(),
            ),
        )
