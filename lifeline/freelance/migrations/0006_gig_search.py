"""Full-text search of gigs: a generated tsvector column with GIN and trigram indexes on
PostgreSQL, an FTS5 table kept by triggers (and its vocabulary, for typos) on SQLite (see
lifeline/freelance/search.py and lifeline/core/search.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from lifeline.freelance.search import GIGS

    GIGS.create(schema_editor.connection)


def backwards(apps, schema_editor):
    from lifeline.freelance.search import GIGS

    GIGS.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("freelance", "0005_order_files_stats_inquiries")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
