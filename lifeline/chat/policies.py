"""Conversation policies: how a domain tells the messenger who may talk about what.

The messenger does not know clinics, ambulance calls or orders. A conversation has a `kind`
and a subject (`subject_type`, a model label such as "clinic.patient", and `subject_id`);
the domain that owns the kind registers a policy for it, once, in its `apps.py`:

    # lifeline/clinic/apps.py, in ready()
    register_conversation_policy("clinic.care", CareTeamPolicy())

(the way files takes `files.permissions.register_access_rule`). The policy answers:

* may these users talk about this subject, and who takes part (`plan_open`);
* is a participant still allowed (`subject_ids_for` as a filter for lists, `may_take_part`
  for one loaded conversation) and who may read without writing (`observer_organizations`);
* what to show beside the conversation (`subject_title_expression`, `side_panel`,
  `reference_url`) and whom the user may start a conversation with (`counterparts`);
* what a card message shows each viewer (`render_cards`): the domain posts a record of its
  own (a custom offer) with `services.card_post`; the messenger stores only the record's kind
  and id and asks the policy, at every render, for a `Card` (title, lines, current status,
  the actions this viewer may take). The messenger renders any card the same way.

Policies answer in a constant number of queries (the messenger's query budgets rely on it)
and never write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Expression, QuerySet, Subquery

from lifeline.core.exceptions import InvalidInput, NotFound


@dataclass(frozen=True)
class Seat:
    """One participant of a conversation about to be opened."""

    user_id: Any
    role: str


@dataclass(frozen=True)
class OpenPlan:
    """What `plan_open` decided: the subject, its organization and the participants."""

    subject_id: UUID
    organization_id: Any
    seats: tuple[Seat, ...]


@dataclass(frozen=True)
class PanelSection:
    heading: str
    rows: Sequence[tuple[str, str]] = ()  # (label, value)
    empty_text: str = ""


@dataclass(frozen=True)
class SidePanel:
    """What to show beside a conversation (rendered by the messenger's panel template)."""

    title: str
    facts: Sequence[str] = ()
    sections: Sequence[PanelSection] = ()
    links: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (label, url)


@dataclass(frozen=True)
class CardAction:
    """One thing the viewer may do with a card's record: a POST form (with the page's CSRF
    token) or a link (`method` "get"). `api_url`: the same action in the REST API, if any."""

    label: str
    url: str
    method: str = "post"
    style: str = "primary"  # "primary" or "secondary"
    api_url: str = ""


@dataclass(frozen=True)
class Card:
    """A record of the conversation's domain as one viewer sees it now."""

    title: str
    status: str = ""  # a stable code, e.g. "pending"
    status_label: str = ""  # its translated label
    lines: Sequence[str] = ()
    actions: Sequence[CardAction] = ()


class ConversationPolicy:
    """Base of a domain's policy: override what the kind needs; the defaults refuse."""

    #: Model label of the subject, e.g. "clinic.patient".
    subject_type: str = ""
    #: Roles of the person the conversation is about: always allowed while participating,
    #: their reads are not audited and they do not see edit history.
    subject_roles: frozenset[str] = frozenset()
    #: Roles whose message answers the others (clears `awaiting_reply_since`) and who set
    #: the reply-time target. Empty: the kind has no reply-time tracking.
    responder_roles: frozenset[str] = frozenset()
    #: Preset topics, as `TextChoices.choices`.
    topics: Sequence[tuple[str, Any]] = ()
    #: Kinds of records a conversation may refer to, as `TextChoices.choices`.
    reference_kinds: Sequence[tuple[str, Any]] = ()
    #: The kind opened by API v1 (which predates kinds: `patient_id`/`doctor_id`).
    api_v1: bool = False

    def plan_open(
        self, *, actor: Any, subject_id: UUID | None, counterpart_id: Any | None
    ) -> OpenPlan:
        """Decide who talks about what, or raise a DomainError (NotFound when out of scope)."""
        raise NotFound()

    def subject_ids_for(self, *, user: Any) -> QuerySet[Any] | None:
        """Subjects on which `user` (in a non-subject role) still takes part, as a queryset of
        ids used as a subquery; None: every conversation they joined."""
        return None

    def may_take_part(self, *, user: Any, conversation: Any) -> bool:
        """`subject_ids_for` decided for one conversation (at most one short query)."""
        ids = self.subject_ids_for(user=user)
        return ids is None or ids.filter(pk=conversation.subject_id).exists()

    def observer_organizations(self, *, user: Any) -> QuerySet[Any] | None:
        """Organizations whose conversations of this kind `user` may read, never write."""
        return None

    def subject_title_expression(self) -> Subquery | Expression | None:
        """The subject's display name as an expression over `OuterRef("subject_id")`."""
        return None

    def reference_shared(self, *, subject_id: UUID, kind: str, record_id: UUID) -> bool:
        """Whether `record_id` of `kind` is a record of the subject both sides may read."""
        return False

    def reference_url(self, *, kind: str, record_id: UUID) -> str | None:
        return None

    def counterparts(self, *, actor: Any) -> list[dict[str, Any]]:
        """Whom `actor` may open a conversation with: `{"id", "name", "kind"}` rows."""
        return []

    def is_subject_user(self, *, user: Any) -> bool:
        """Whether `user` is on the subject's side of this kind (the page's layout)."""
        return False

    def side_panel(self, *, conversation: Any, viewer: Any) -> SidePanel | None:
        return None

    #: Kinds of records this kind's card messages may show (`services.card_post` refuses
    #: any other).
    card_kinds: frozenset[str] = frozenset()

    def render_cards(
        self, *, kind: str, record_ids: Sequence[UUID], viewer: Any
    ) -> dict[UUID, Card]:
        """The cards of `record_ids` (all of `kind`) as `viewer` sees them, in one query for
        the lot (a page of messages asks once per kind). A record the viewer may not see, or
        that is gone, is left out: the message then shows no card."""
        return {}


_POLICIES: dict[str, ConversationPolicy] = {}


def register_conversation_policy(kind: str, policy: ConversationPolicy) -> None:
    """Make `kind` available to the messenger. Registering a kind again replaces it."""
    _POLICIES[kind] = policy


def unregister_conversation_policy(kind: str) -> None:
    _POLICIES.pop(kind, None)


def policy_for(kind: str) -> ConversationPolicy:
    """The registered policy of `kind`; an unknown kind is invalid input."""
    try:
        return _POLICIES[kind]
    except KeyError:
        raise InvalidInput(
            code="chat.unknown_kind", errors={"kind": ["No such kind of conversation."]}
        ) from None


def registered() -> dict[str, ConversationPolicy]:
    return dict(_POLICIES)


def api_v1_kind() -> str | None:
    """The kind API v1 opens (its `patient_id`/`doctor_id` are that kind's subject/peer)."""
    return next((kind for kind, policy in _POLICIES.items() if policy.api_v1), None)
