"""The buyer–seller conversation about an order ("freelance.order" in the messenger)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.chat import policies, selectors, services
from lifeline.chat.models import Conversation, Message
from lifeline.core.exceptions import InvalidInput, NotFound
from lifeline.freelance import selectors as freelance_selectors
from lifeline.freelance.chat_policy import (
    GIG_CONVERSATION_POLICY,
    GIG_KIND,
    KIND,
    ORDER_CONVERSATION_POLICY,
)
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.exceptions import UnknownBuyer
from lifeline.freelance.models import CustomOffer, Gig, GigInquiry
from lifeline.freelance.services import offers as offer_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_registered() -> None:
    assert policies.policy_for(KIND) is ORDER_CONVERSATION_POLICY


def test_either_party_opens_the_same_conversation(
    gig: Any, buyer: Any, seller: Any, other_buyer: Any, moderator: Any
) -> None:
    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    conversation, created = services.conversation_open(actor=buyer, kind=KIND, subject_id=order.pk)
    assert created is True
    assert sorted(p.role for p in conversation.participants.all()) == ["buyer", "seller"]
    assert {p.user_id for p in conversation.participants.all()} == {buyer.pk, seller.pk}
    again, created = services.conversation_open(actor=seller, kind=KIND, subject_id=order.pk)
    assert (again.pk, created) == (conversation.pk, False)
    for stranger in (other_buyer, moderator):
        with pytest.raises(NotFound):
            services.conversation_open(actor=stranger, kind=KIND, subject_id=order.pk)
    with pytest.raises(InvalidInput):
        services.conversation_open(actor=buyer, kind=KIND)
    assert Conversation.objects.count() == 1
    services.message_send(actor=seller, conversation=conversation, text="Got your brief.")
    for user in (buyer, seller):
        assert selectors.conversation_get_for(actor=user, conversation_id=conversation.pk)
    for stranger in (other_buyer, moderator):
        with pytest.raises(NotFound):
            selectors.conversation_get_for(actor=stranger, conversation_id=conversation.pk)
    stranger_api = APIClient()
    stranger_api.force_authenticate(user=other_buyer)
    url = f"/api/v1/chat/conversations/{conversation.pk}/messages/"
    assert stranger_api.get(url).status_code == 404
    assert stranger_api.post(url, {"text": "hi"}).status_code == 404
    assert Message.objects.count() == 1


def test_order_page_opens_the_conversation(
    gig: Any, buyer: Any, seller: Any, other_buyer: Any
) -> None:
    def web(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    base = f"/freelance/orders/{order.pk}/"
    assert "conversation/" in web(buyer).get(base).content.decode()
    assert web(other_buyer).post(f"{base}conversation/").status_code == 404
    assert Conversation.objects.count() == 0
    response = web(seller).post(f"{base}conversation/")
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/chat/?c={conversation.pk}"
    assert (conversation.kind, conversation.subject_id) == (KIND, order.pk)


# --- the pre-order conversation about a gig ("freelance.gig") ----------------------------------
API = "/api/v1/freelance"
OFFER_TERMS = {
    "description": "Three logo concepts and the sources",
    "price": Decimal("80.00"),
    "delivery_days": 4,
    "revisions": 2,
}


def _web_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_buyer_asks_from_the_gig_page_and_the_seller_answers(
    gig: Any, seller: Any, buyer: Any
) -> None:
    html = _web_client(buyer).get(f"/freelance/gigs/{gig.pk}/").content.decode()
    assert f'action="/freelance/gigs/{gig.pk}/conversation/"' in html
    response = _web_client(buyer).post(f"/freelance/gigs/{gig.pk}/conversation/")
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/chat/?c={conversation.pk}"
    assert (conversation.kind, conversation.subject_id) == (GIG_KIND, gig.pk)
    assert sorted((p.role, p.user_id) for p in conversation.participants.all()) == sorted(
        [("buyer", buyer.pk), ("seller", seller.pk)]
    )
    assert list(GigInquiry.objects.values_list("gig_id", "buyer_id")) == [(gig.pk, buyer.pk)]
    # Asking again returns the same conversation and records nothing new.
    again = _web_client(buyer).post(f"/freelance/gigs/{gig.pk}/conversation/")
    assert again["Location"] == response["Location"]
    assert (Conversation.objects.count(), GigInquiry.objects.count()) == (1, 1)
    # The seller replies in it; the side panel shows the gig and a link to send an offer.
    services.message_send(actor=seller, conversation=conversation, text="Happy to help.")
    panel = GIG_CONVERSATION_POLICY.side_panel(conversation=conversation, viewer=seller)
    assert panel is not None
    assert panel.title == gig.title
    assert [label for label, _url in panel.links] == ["Open the gig", "Send a custom offer"]
    assert panel.sections[0].rows == []
    # The seller may now send a custom offer; the buyer sees it beside the conversation.
    offer = offer_services.offer_create(actor=seller, gig=gig, buyer_id=buyer.pk, **OFFER_TERMS)
    panel = GIG_CONVERSATION_POLICY.side_panel(conversation=conversation, viewer=buyer)
    assert panel is not None
    assert list(panel.sections[0].rows) == [("80.00 · 4 d", str(offer.get_status_display()))]


def test_a_seller_cannot_approach_a_buyer_who_never_wrote(
    gig: Any, seller: Any, buyer: Any, other_buyer: Any, market: Any
) -> None:
    # No conversation can be started by the seller, with or without a counterpart.
    for counterpart in (None, buyer.pk):
        with pytest.raises(NotFound):
            services.conversation_open(
                actor=seller, kind=GIG_KIND, subject_id=gig.pk, counterpart_id=counterpart
            )
    # Nor can a custom offer be sent to that buyer.
    with pytest.raises(UnknownBuyer):
        offer_services.offer_create(actor=seller, gig=gig, buyer_id=buyer.pk, **OFFER_TERMS)
    response = client_for(seller).post(
        f"{API}/offers/", {"gig": str(gig.pk), "buyer": str(buyer.pk), **OFFER_TERMS}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "freelance.unknown_buyer")
    assert CustomOffer.objects.count() == 0
    # Once the buyer asked, the seller finds that buyer's conversation (not a new one) and
    # may send an offer; the other buyer is still out of reach.
    response = client_for(buyer).post(f"{API}/gigs/{gig.pk}/inquiry/")
    assert response.status_code == 200
    assert response.json()["conversation_kind"] == GIG_KIND
    opened, created = services.conversation_open(actor=buyer, kind=GIG_KIND, subject_id=gig.pk)
    assert created is True
    found, created = services.conversation_open(
        actor=seller, kind=GIG_KIND, subject_id=gig.pk, counterpart_id=buyer.pk
    )
    assert (found.pk, created) == (opened.pk, False)
    with pytest.raises(NotFound):
        services.conversation_open(
            actor=seller, kind=GIG_KIND, subject_id=gig.pk, counterpart_id=other_buyer.pk
        )
    offer_services.offer_create(actor=seller, gig=gig, buyer_id=buyer.pk, **OFFER_TERMS)
    with pytest.raises(UnknownBuyer):
        offer_services.offer_create(actor=seller, gig=gig, buyer_id=other_buyer.pk, **OFFER_TERMS)
    assert CustomOffer.objects.count() == 1
    # The offer form lists the buyer who asked, not the one who never wrote.
    assert freelance_selectors.offer_buyer_choices(actor=seller) == [buyer]


def test_who_may_ask(gig: Any, seller: Any, buyer: Any, moderator: Any, market: Any) -> None:
    other_seller = user_with_role(Role.SELLER, market, full_name="Sid Second")
    url = f"{API}/gigs/{gig.pk}/inquiry/"
    assert client_for(None).post(url).status_code in (401, 403)
    for refused in (seller, other_seller, moderator):
        response = client_for(refused).post(url)
        assert (response.status_code, response.json()["code"]) == (
            403,
            "freelance.inquiry_not_allowed",
        )
        with pytest.raises(NotFound):
            services.conversation_open(actor=refused, kind=GIG_KIND, subject_id=gig.pk)
    Gig.objects.filter(pk=gig.pk).update(status=GigStatus.PAUSED)
    assert client_for(buyer).post(url).status_code == 404  # a paused gig is not visible
    with pytest.raises(NotFound):
        services.conversation_open(actor=buyer, kind=GIG_KIND, subject_id=gig.pk)
    assert (GigInquiry.objects.count(), Conversation.objects.count()) == (0, 0)
