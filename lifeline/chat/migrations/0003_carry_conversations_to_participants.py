"""Carry the doctor–patient conversations to kinds, subjects and participant rows.

Before: `patient` (FK clinic.Patient), `patient_user` and `doctor` columns. After: kind
"clinic.care" (the clinic's registered policy), subject "clinic.patient" + the patient's id,
and two `Participant` rows ("patient", "doctor"). Each participant's read state comes along:
the receipts stay as they are, and `last_read_at` is the newest receipt they read.
The literals below name the old shape once; the messenger's code does not know them.
"""

from django.db import migrations
from django.db.models import Max

KIND = "clinic.care"
SUBJECT_TYPE = "clinic.patient"


def forwards(apps, schema_editor):
    Conversation = apps.get_model("chat", "Conversation")
    Participant = apps.get_model("chat", "Participant")
    MessageReceipt = apps.get_model("chat", "MessageReceipt")
    last_read = {
        (row["conversation_id"], row["recipient_id"]): row["last"]
        for row in MessageReceipt.objects.filter(read_at__isnull=False)
        .values("conversation_id", "recipient_id")
        .annotate(last=Max("read_at"))
    }
    rows = []
    for conversation in Conversation.objects.filter(kind="").iterator(chunk_size=500):
        conversation.kind = KIND
        conversation.subject_type = SUBJECT_TYPE
        conversation.subject_id = conversation.patient_id
        conversation.save(update_fields=["kind", "subject_type", "subject_id"])
        for user_id, role in (
            (conversation.patient_user_id, "patient"),
            (conversation.doctor_id, "doctor"),
        ):
            rows.append(
                Participant(
                    conversation_id=conversation.pk,
                    user_id=user_id,
                    role=role,
                    joined_at=conversation.created_at,
                    last_read_at=last_read.get((conversation.pk, user_id)),
                )
            )
    Participant.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def backwards(apps, schema_editor):
    Conversation = apps.get_model("chat", "Conversation")
    Participant = apps.get_model("chat", "Participant")
    for conversation in Conversation.objects.filter(kind=KIND).iterator(chunk_size=500):
        roles = dict(
            Participant.objects.filter(conversation_id=conversation.pk).values_list(
                "role", "user_id"
            )
        )
        conversation.patient_id = conversation.subject_id
        conversation.patient_user_id = roles.get("patient")
        conversation.doctor_id = roles.get("doctor")
        conversation.save(update_fields=["patient", "patient_user", "doctor"])
    Participant.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("chat", "0002_participants_and_subject")]

    operations = [migrations.RunPython(forwards, backwards)]
