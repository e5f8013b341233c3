"""The freelance side of the messenger (`lifeline.chat`): a custom offer is posted as a card
in the buyer's conversation about the gig, and its cards are announced again when it is
decided. The only freelance module that calls the messenger's services and selectors (the
order page opens conversations from `web/views.py`); what a card shows is
`chat_policy.GigConversationPolicy.render_cards`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from lifeline.chat import selectors as chat_selectors
from lifeline.chat import services as chat_services
from lifeline.core.exceptions import NotFound
from lifeline.freelance.chat_policy import GIG_KIND, OFFER_CARD, OrderRole


def _seat(conversation: Any, role: str) -> Any:
    found = conversation.member_with_role(frozenset({role}))
    return found.user_id if found is not None else None


def offer_conversation_get(*, actor: Any, conversation_id: UUID | str) -> tuple[Any, UUID, Any]:
    """A gig conversation in which `actor` is the seller: (conversation, gig id, buyer id).
    Any other conversation, or one outside the actor's: NotFound."""
    conversation = chat_selectors.conversation_get_for(actor=actor, conversation_id=conversation_id)
    if conversation.kind != GIG_KIND or _seat(conversation, OrderRole.SELLER) != actor.pk:
        raise NotFound()
    buyer_id = _seat(conversation, OrderRole.BUYER)
    if buyer_id is None:
        raise NotFound()
    return conversation, conversation.subject_id, buyer_id


def offer_conversation_matches(*, conversation: Any, gig_id: UUID, buyer_id: Any) -> bool:
    return (
        conversation.kind == GIG_KIND
        and conversation.subject_id == gig_id
        and str(_seat(conversation, OrderRole.BUYER)) == str(buyer_id)
    )


def gig_conversation_of(*, seller: Any, buyer_id: Any, gig_id: UUID) -> Any | None:
    """The conversation the buyer opened with the seller about the gig, if any."""
    return (
        chat_selectors.conversation_list_for(actor=seller, subject_id=gig_id)
        .filter(kind=GIG_KIND, participants__user_id=buyer_id, participants__left_at__isnull=True)
        .first()
    )


def offer_card_post(*, actor: Any, offer: Any, conversation: Any | None = None) -> Any | None:
    """Post the offer's card in `conversation`, or in the buyer's conversation about the gig
    when there is one (an offer sent from the offers page shows there too). Runs in the
    caller's transaction: the offer and its card are stored together or not at all."""
    if conversation is None:
        conversation = gig_conversation_of(
            seller=actor, buyer_id=offer.buyer_id, gig_id=offer.gig_id
        )
    if conversation is None:
        return None
    return chat_services.card_post(
        actor=actor, conversation=conversation, card_kind=OFFER_CARD, card_id=offer.pk
    )


def gig_question_ask(*, actor: Any, gig_id: UUID, text: str) -> Any:
    """A buyer who recorded an inquiry opens (or finds) their conversation about the gig and
    writes in it (the demo's question; the gig page opens it without a message)."""
    conversation, _created = chat_services.conversation_open(
        actor=actor, kind=GIG_KIND, subject_id=gig_id
    )
    chat_services.message_send(actor=actor, conversation=conversation, text=text)
    return conversation


def offer_card_changed(*, offer: Any) -> None:
    """The offer was decided: its cards are announced again (after commit)."""
    chat_services.card_changed(card_kind=OFFER_CARD, card_id=offer.pk)
