"""Who may see and write a conversation; shared by the API, the pages and the consumer.

* the patient (`patient_user`) and the conversation's doctor while still on the care team:
  read and write;
* clinic admins of the patient's organization: read only (every read audited);
* everyone else: the conversation does not exist for them (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lifeline.access.enums import Role
from lifeline.access.selectors import organizations_of
from lifeline.chat.models import Conversation, Message
from lifeline.clinic.selectors.patients import doctor_may_see_patient, patients_for_doctor


def participant_q(user: Any) -> Q:
    """Conversations `user` takes part in (a doctor only while assigned to the patient)."""
    return Q(patient_user=user) | Q(doctor=user, patient__in=patients_for_doctor(user))


def admin_organizations(user: Any) -> QuerySet[Any]:
    return organizations_of(user=user, roles=[Role.CLINIC_ADMIN])


def readable_q(user: Any) -> Q:
    return participant_q(user) | Q(organization__in=admin_organizations(user))


def can_write(user: Any, conversation: Conversation) -> bool:
    """Participants write; the caller loaded `conversation` through a scoped selector."""
    return conversation.is_participant(user)


def can_view_conversation(user: Any, conversation: Conversation) -> bool:
    """`readable_q` decided for one loaded conversation: at most one short query.

    The send path, the history page and file downloads load the conversation by id and ask
    this, instead of filtering by `readable_q` (whose nested subqueries cost more to build
    than to run): the patient needs no query, the doctor one care-team statement.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if conversation.patient_user_id == user.pk:
        return True
    if conversation.doctor_id == user.pk and doctor_may_see_patient(user, conversation.patient_id):
        return True
    return admin_organizations(user).filter(pk=conversation.organization_id).exists()


def can_view_message(user: Any, message: Message) -> bool:
    """The files access rule: attachments and voice open for whoever may read the chat."""
    return can_view_conversation(user, message.conversation)


def is_staff_reader(user: Any, conversation: Conversation) -> bool:
    """Everyone but the patient is staff: their reads are audited, they see edit history."""
    return user.pk != conversation.patient_user_id
