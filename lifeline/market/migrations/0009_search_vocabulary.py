"""Typo tolerance on SQLite: an `fts5vocab` table over the product search index, whose terms
the search compares a query word with when it matches nothing (lifeline/market/search.py).
Nothing on PostgreSQL (trigram similarity does it there)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from lifeline.market.search import SQLITE_VOCABULARY

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_VOCABULARY)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS market_product_fts_vocab")


class Migration(migrations.Migration):
    dependencies = [("market", "0008_admin_labels")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
