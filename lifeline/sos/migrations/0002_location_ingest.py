"""Track points become unique per (device, recorded_at): the batch writer's idempotency key.

Existing duplicates (same device and instant) are deleted first, keeping the lowest id. The
unique index replaces the (device, -recorded_at) index: it serves the same reads.
"""

from django.db import migrations, models


def delete_duplicates(apps, schema_editor):  # type: ignore[no-untyped-def]
    LocationPoint = apps.get_model("sos", "LocationPoint")
    from django.db.models import Count, Min

    duplicated = (
        LocationPoint.objects.values("device_id", "recorded_at")
        .annotate(n=Count("id"), keep=Min("id"))
        .filter(n__gt=1)
    )
    for row in duplicated.iterator():
        LocationPoint.objects.filter(
            device_id=row["device_id"], recorded_at=row["recorded_at"]
        ).exclude(id=row["keep"]).delete()


class Migration(migrations.Migration):
    dependencies = [("sos", "0001_initial")]

    operations = [
        migrations.RunPython(delete_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="locationpoint",
            constraint=models.UniqueConstraint(
                fields=("device", "recorded_at"), name="sos_point_unique"
            ),
        ),
        migrations.RemoveIndex(
            model_name="locationpoint",
            name="sos_locatio_device__c9f515_idx",
        ),
    ]
