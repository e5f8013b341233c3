"""Seed the drug/therapy catalogue and the protocol templates (stable codes)."""

from django.db import migrations


def seed(apps, schema_editor):
    from lifeline.clinic.catalogue_data import catalogue_seed

    catalogue_seed(
        item_model=apps.get_model("clinic", "CatalogueItem"),
        protocol_model=apps.get_model("clinic", "ProtocolTemplate"),
    )


class Migration(migrations.Migration):
    dependencies = [("clinic", "0003_documents")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
