"""Demo data: a short conversation between the demo doctor and the demo patient.

Uses the kind API v1 opens (clinic's, registered in clinic's `ready()`, which runs before
chat's): the patient opens it with a doctor the kind's policy offers them, so nothing is
created when clinic has not made the demo patient a patient of the demo doctor. Idempotent
(the conversation is looked up by its participants and topic; messages are added only to an
empty conversation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lifeline.access.enums import Role
from lifeline.chat import policies, services
from lifeline.chat.models import Message

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
    kind = policies.api_v1_kind()
    if doctor is None or patient_user is None or kind is None:
        return
    policy = policies.policy_for(kind)
    offered = {str(c["id"]) for c in policy.counterparts(actor=patient_user)}
    if str(doctor.pk) not in offered:
        ctx.write("chat: the demo patient is not assigned to the demo doctor; no conversation")
        return
    topic = policy.topics[0][0] if policy.topics else ""
    conversation, _created = services.conversation_open(
        actor=patient_user, kind=kind, counterpart_id=doctor.pk, topic=topic
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
