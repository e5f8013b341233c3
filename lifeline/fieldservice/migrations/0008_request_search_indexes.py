"""Trigram indexes for the request list's phone and text search, on PostgreSQL only.

`selectors.request_list_for` searches with Django's lookups, which PostgreSQL runs as
`client_phone::text LIKE '%1234'` (the phone filter, `endswith`), `client_phone::text LIKE
'%123%'` (digits in the search box, `contains`) and `UPPER(client_name::text) LIKE
UPPER('%term%')` / the same on `address` (`icontains`). A B-tree serves none of them (a
leading wildcard), so at 1,000,000 requests each search and its page count read the whole
table. A GIN index with pg_trgm's `gin_trgm_ops` serves `LIKE` with wildcards on both
sides for a pattern of three or more characters; the name and address indexes are on
`upper(…)`, the very expression the `icontains` lookup compares, so the planner matches
them. The queries are not changed, so results are the same as before on both engines
(benchmarks/README.md, `fieldservice_list`, has the plans before and after).

SQLite (the embedded default) gets nothing: it keeps scanning, which is fine at its sizes.
The indexes are built CONCURRENTLY (outside a transaction: `atomic = False`), so a deploy
onto a large table does not block the webhooks' inserts while they build. If a build is
interrupted, PostgreSQL leaves an INVALID index of that name; drop it and migrate again.
"""

from django.db import migrations

# name -> indexed expression
INDEXES = {
    "fs_req_phone_trgm": "client_phone gin_trgm_ops",
    "fs_req_name_trgm": "upper(client_name) gin_trgm_ops",
    "fs_req_address_trgm": "upper(address) gin_trgm_ops",
}
TABLE = "fieldservice_servicerequest"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, expression in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {TABLE} "
                f"USING gin ({expression})"
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("fieldservice", "0007_transaction_receipts")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
