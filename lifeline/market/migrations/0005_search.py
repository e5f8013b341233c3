"""Full-text search of products: a generated tsvector column with GIN and trigram indexes on
PostgreSQL, an FTS5 table kept by triggers on SQLite (see lifeline/market/search.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from lifeline.market.search import create_search_index

    create_search_index(schema_editor.connection)


def backwards(apps, schema_editor):
    from lifeline.market.search import drop_search_index

    drop_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    # CREATE EXTENSION and a stored generated column outside a long transaction are fine;
    # the index builds are quick on an empty or small table.
    dependencies = [("market", "0004_wish_lists")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
