"""Who may see and write a conversation; shared by the API, the pages and the consumer.

Each kind's registered policy (`lifeline.chat.policies`) decides:

* participants (`Participant` rows) read and write while the policy still lets them take part
  (a subject role always; others while `subject_ids_for` holds the subject);
* observers (`observer_organizations`): read only, every read audited;
* everyone else: the conversation does not exist for them (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from lifeline.chat import policies
from lifeline.chat.models import Conversation, Message, Participant


def participant_q(user: Any) -> Q:
    """Conversations `user` takes part in and, by the kind's policy, still may."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    mine = Participant.objects.filter(user=user, left_at__isnull=True)
    by_kind = Q(pk__in=[])
    for kind, policy in policies.registered().items():
        allowed = Q(pk__in=mine.filter(role__in=policy.subject_roles).values("conversation_id"))
        subject_ids = policy.subject_ids_for(user=user)
        others = mine.exclude(role__in=policy.subject_roles).values("conversation_id")
        if subject_ids is None:
            allowed |= Q(pk__in=others)
        else:
            allowed |= Q(pk__in=others, subject_id__in=subject_ids)
        by_kind |= Q(kind=kind) & allowed
    return by_kind


def observer_q(user: Any) -> Q:
    """Conversations `user` may read without taking part (every read audited)."""
    found = Q(pk__in=[])
    if not getattr(user, "is_authenticated", False):
        return found
    for kind, policy in policies.registered().items():
        organizations = policy.observer_organizations(user=user)
        if organizations is not None:
            found |= Q(kind=kind, organization__in=organizations)
    return found


def readable_q(user: Any) -> Q:
    return participant_q(user) | observer_q(user)


def can_write(user: Any, conversation: Conversation) -> bool:
    """Participants write; the caller loaded `conversation` through a scoped selector."""
    return conversation.is_participant(user)


def can_view_conversation(user: Any, conversation: Conversation) -> bool:
    """`readable_q` decided for one loaded conversation: at most one short query.

    The send path, the history page and file downloads load the conversation (with its
    participants) by id and ask this, instead of filtering by `readable_q` (whose nested
    subqueries cost more to build than to run): a subject role needs no query, another
    participant one statement of the policy.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    policy = policies.registered().get(conversation.kind)
    if policy is None:
        return False
    participant = conversation.participant_of(user)
    if participant is not None:
        if participant.role in policy.subject_roles:
            return True
        if policy.may_take_part(user=user, conversation=conversation):
            return True
    organizations = policy.observer_organizations(user=user)
    return organizations is not None and (
        organizations.filter(pk=conversation.organization_id).exists()
    )


def can_view_message(user: Any, message: Message) -> bool:
    """The files access rule: attachments and voice open for whoever may read the chat."""
    return can_view_conversation(user, message.conversation)


def is_staff_reader(user: Any, conversation: Conversation) -> bool:
    """Everyone but the subject is staff: their reads are audited, they see edit history."""
    policy = policies.registered().get(conversation.kind)
    subject_roles = policy.subject_roles if policy is not None else frozenset()
    return conversation.role_of(user) not in subject_roles
