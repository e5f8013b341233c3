"""Full-text gig search, kept by the database itself on both engines.

The machinery is `lifeline.core.search` (shared with the product catalogue; read it for the
engines' details); this is the gig index: the title weighted A, the tags B, the description C.
PostgreSQL: a stored generated column `freelance_gig.search_document` (tsvector, Russian and
English) with a GIN index, and a trigram index on the title for typos. SQLite: the FTS5 table
`freelance_gig_fts` kept by triggers on `freelance_gig` (the tags are read out of their JSON
list, so Cyrillic tags are indexed as words, not as `\\u…` escapes), with its vocabulary
`freelance_gig_fts_vocab` for typos.

The migration `0006_search` creates them (by vendor); `GIGS.ensure` (post_migrate) re-creates
the SQLite triggers a table rebuild dropped. Every gig is indexed; the selectors keep only the
active ones.
"""

from __future__ import annotations

from lifeline.core.search import SearchColumn, SearchIndex

GIGS = SearchIndex(
    table="freelance_gig",
    key="gig_id",
    columns=(
        SearchColumn("title", weight="A"),
        SearchColumn(
            "tags",
            weight="B",
            # to_tsvector(regconfig, jsonb) indexes the list's strings (and is immutable).
            postgres="coalesce({column}, '[]'::jsonb)",
            sqlite="(SELECT group_concat(value, ' ') FROM json_each({row}{column}))",
        ),
        SearchColumn("description", weight="C"),
    ),
    strict_typos=True,
)
