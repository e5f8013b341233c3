"""Demo data: a short conversation between the demo doctor and the demo patient.

Runs after clinic's seeder (clinic is installed before chat) and only when clinic has made the
demo patient a patient of the demo doctor; idempotent (the conversation is looked up by its
pair and topic; messages are added only to an empty conversation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lifeline.access.enums import Role
from lifeline.chat import services
from lifeline.chat.models import Message
from lifeline.clinic import selectors as clinic

if TYPE_CHECKING:
    from lifeline.core.demo import DemoContext

DEMO_TEXTS_EN = (
    ("doctor", "Good afternoon! How has the pain been since we changed the dose?"),
    ("patient", "Better during the day, but it still wakes me up at night."),
    ("doctor", "Thank you. Please fill in the pain diary this week; I will review it on Friday."),
)


def seed(ctx: DemoContext) -> None:
    doctor = ctx.users.get(Role.DOCTOR)
    patient_user = ctx.users.get(Role.PATIENT)
    if doctor is None or patient_user is None:
        return
    patient = clinic.patient_for_user(patient_user)
    if patient is None or not clinic.is_care_team_pair(doctor=doctor, patient=patient):
        ctx.write("chat: the demo patient is not assigned to the demo doctor; no conversation")
        return
    conversation, _created = services.conversation_open(
        actor=doctor, patient_id=patient.pk, topic="medication"
    )
    if Message.objects.filter(conversation=conversation).exists():
        return
    for who, text in DEMO_TEXTS_EN:
        services.message_send(
            actor=doctor if who == "doctor" else patient_user,
            conversation=conversation,
            text=text,
        )
    ctx.write("chat: a demo conversation between the demo doctor and the demo patient")
