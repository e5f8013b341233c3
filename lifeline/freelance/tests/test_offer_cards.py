"""Custom offers in the buyer's conversation about a gig: card messages with actions (issue 18
§4). The messenger stores the offer's kind and id; `GigConversationPolicy.render_cards` shows
each viewer the offer as it is now, with the actions that viewer may take."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.chat import services as chat_services
from lifeline.chat.exceptions import InvalidCard
from lifeline.chat.models import Conversation, Message
from lifeline.freelance.chat_policy import GIG_KIND, OFFER_CARD
from lifeline.freelance.models import CustomOffer, Order
from lifeline.freelance.services import offers as offer_services
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory
from lifeline.realtime import events as realtime_events

pytestmark = pytest.mark.django_db
TERMS = {
    "description": "Logo plus a business card in two colours",
    "price": "75.00",
    "delivery_days": 6,
    "revisions": 2,
}
CHAT = "/api/v1/chat"


def _asked(gig: Any, buyer: Any) -> Conversation:
    """The buyer asks about the gig (the gig page's "Ask the seller") and writes."""
    offer_services.gig_inquiry_record(actor=buyer, gig=gig)
    conversation, _created = chat_services.conversation_open(
        actor=buyer, kind=GIG_KIND, subject_id=gig.pk
    )
    chat_services.message_send(actor=buyer, conversation=conversation, text="Two colours?")
    return conversation


def _send(seller: Any, conversation: Conversation, **extra: Any) -> Any:
    return client_for(seller).post(
        "/api/v1/freelance/offers/",
        {"conversation": str(conversation.pk), **TERMS, **extra},
        format="json",
    )


def _card(user: Any, conversation: Conversation) -> dict[str, Any]:
    body = client_for(user).get(f"{CHAT}/conversations/{conversation.pk}/messages/").json()
    cards = [m for m in body["results"] if m["kind"] == "card"]
    assert len(cards) == 1
    return cards[0]


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_offer_sent_in_the_conversation_is_a_card_with_the_buyers_actions(
    gig: Any, seller: Any, buyer: Any
) -> None:
    conversation = _asked(gig, buyer)
    response = _send(seller, conversation)
    assert response.status_code == 201, response.json()
    offer = CustomOffer.objects.get()
    assert (offer.gig_id, offer.buyer_id, offer.price) == (gig.pk, buyer.pk, Decimal("75.00"))
    message = Message.objects.get(kind="card")
    assert (message.conversation_id, message.sender_id, message.card_kind, message.card_id) == (
        conversation.pk,
        seller.pk,
        OFFER_CARD,
        offer.pk,
    )
    expires = formats.date_format(timezone.localtime(offer.expires_at), "SHORT_DATETIME_FORMAT")
    accept = f"/freelance/offers/{offer.pk}/accept/"
    decline = f"/freelance/offers/{offer.pk}/decline/"
    seen = _card(buyer, conversation)
    assert (seen["sender_id"], seen["text"]) == (str(seller.pk), "")
    assert seen["card"] == {
        "kind": OFFER_CARD,
        "id": str(offer.pk),
        "title": "Custom offer",
        "status": "pending",
        "status_label": "Waiting for the buyer",
        "lines": [
            "Logo plus a business card in two colours",
            "75.00 USD",
            "6 days to deliver · 2 revisions",
            f"Expires: {expires}",
        ],
        "actions": [
            {
                "label": "Accept and order",
                "url": accept,
                "method": "post",
                "style": "primary",
                "api_url": f"/api/v1/freelance/offers/{offer.pk}/accept/",
            },
            {
                "label": "Decline",
                "url": decline,
                "method": "post",
                "style": "secondary",
                "api_url": f"/api/v1/freelance/offers/{offer.pk}/decline/",
            },
        ],
    }
    # The seller sees the same offer with Withdraw only: never Accept.
    mine = _card(seller, conversation)["card"]
    assert mine["lines"] == seen["card"]["lines"]
    assert [(a["label"], a["url"]) for a in mine["actions"]] == [
        ("Withdraw", f"/freelance/offers/{offer.pk}/withdraw/")
    ]
    # One message's own view (what a client fetches after an event) is the same.
    detail = client_for(buyer).get(f"{CHAT}/messages/{message.pk}/").json()
    assert detail["card"] == seen["card"]


def test_in_russian(gig: Any, seller: Any, buyer: Any) -> None:
    conversation = _asked(gig, buyer)
    _send(seller, conversation, price="1500.50", delivery_days=1, revisions=5)
    client = client_for(buyer)
    body = client.get(
        f"{CHAT}/conversations/{conversation.pk}/messages/", HTTP_ACCEPT_LANGUAGE="ru"
    ).json()
    card = next(m["card"] for m in body["results"] if m["kind"] == "card")
    assert (card["title"], card["status_label"]) == (
        "Индивидуальное предложение",
        "Ждёт ответа покупателя",
    )
    assert card["lines"][1:3] == ["1\xa0500,50 USD", "1 день на выполнение · 5 доработок"]
    assert card["lines"][3].startswith("Действует до: ")
    assert [a["label"] for a in card["actions"]] == ["Принять и заказать", "Отклонить"]


def test_the_card_is_delivered_like_any_message_after_commit(
    gig: Any,
    seller: Any,
    buyer: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation = _asked(gig, buyer)
    sent: list[tuple[str, dict[str, Any], list[str]]] = []

    def capture(event: realtime_events.Event, groups: list[str]) -> None:
        if event.type.startswith("chat."):
            sent.append((event.type, event.data, list(groups)))

    monkeypatch.setattr(realtime_events, "publish_now", capture)
    with django_capture_on_commit_callbacks(execute=True):
        _send(seller, conversation)
    message = Message.objects.get(kind="card")
    group = f"chat.conversation.{conversation.pk}"
    assert [(t, d["id"], d["kind"], d["card"], g) for t, d, g in sent] == [
        ("chat.message_created", str(message.pk), "card", None, [group])
    ]
    # Decided: the card is announced again (each client fetches its own view).
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        offer_services.offer_decline(actor=buyer, offer=CustomOffer.objects.get())
    assert [(t, d["id"], g) for t, d, g in sent] == [
        ("chat.message_updated", str(message.pk), [group])
    ]
    assert _card(buyer, conversation)["card"]["status_label"] == "Declined"
    assert _card(buyer, conversation)["card"]["actions"] == []


def test_a_refused_offer_stores_neither_the_offer_nor_a_card(
    gig: Any, seller: Any, buyer: Any, other_buyer: Any, market: Any
) -> None:
    conversation = _asked(gig, buyer)
    before = Message.objects.count()
    response = _send(seller, conversation, price="0")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["price"])
    # Another buyer with this conversation: not the conversation's buyer.
    offer_services.gig_inquiry_record(actor=other_buyer, gig=gig)
    response = _send(seller, conversation, buyer=str(other_buyer.pk))
    assert response.status_code == 400
    assert response.json()["code"] == "freelance.offer_conversation_mismatch"
    # Another gig of the seller with this conversation.
    second = gig_factory(seller=seller, organization=market)
    response = _send(seller, conversation, gig=str(second.pk))
    assert response.json()["code"] == "freelance.offer_conversation_mismatch"
    # The card cannot be posted: the offer is rolled back with it (one transaction).
    with (
        mock.patch.object(chat_services, "card_post", side_effect=InvalidCard()),
        pytest.raises(InvalidCard),
    ):
        offer_services.offer_create(
            actor=seller,
            gig=gig,
            buyer_id=buyer.pk,
            conversation=conversation,
            **{**TERMS, "price": Decimal("75.00")},
        )
    assert CustomOffer.objects.count() == 0
    assert Message.objects.count() == before


def test_a_kind_the_policy_does_not_show_is_refused(gig: Any, seller: Any, buyer: Any) -> None:
    conversation = _asked(gig, buyer)
    with pytest.raises(InvalidCard):
        chat_services.card_post(
            actor=seller, conversation=conversation, card_kind="market.order", card_id=gig.pk
        )
    assert not Message.objects.filter(kind="card").exists()


def test_nobody_else_sees_the_conversation_or_its_card(
    gig: Any, seller: Any, buyer: Any, other_buyer: Any, market: Any
) -> None:
    conversation = _asked(gig, buyer)
    _send(seller, conversation)
    message = Message.objects.get(kind="card")
    another_seller = user_with_role(Role.SELLER, market, full_name="Ann Other")
    for stranger in (other_buyer, another_seller):
        api = client_for(stranger)
        assert api.get(f"{CHAT}/conversations/{conversation.pk}/messages/").status_code == 404
        assert api.get(f"{CHAT}/messages/{message.pk}/").status_code == 404
    # Another seller cannot send an offer into it (404), and nothing is stored.
    gig_factory(seller=another_seller, organization=market)
    assert _send(another_seller, conversation).status_code == 404
    assert (
        _web(another_seller).get(f"/freelance/offers/?conversation={conversation.pk}").status_code
        == 404
    )
    # Nor can the buyer (not the seller of the conversation).
    assert _send(buyer, conversation).status_code == 404
    assert (CustomOffer.objects.count(), Message.objects.filter(kind="card").count()) == (1, 1)


def test_accepting_from_the_card_creates_exactly_one_order(
    gig: Any, seller: Any, buyer: Any
) -> None:
    conversation = _asked(gig, buyer)
    _send(seller, conversation)
    offer = CustomOffer.objects.get()
    accept = _card(buyer, conversation)["card"]["actions"][0]["url"]
    # The seller posting the buyer's action is refused (their own offer).
    assert _web(seller).post(accept).status_code == 302
    assert Order.objects.count() == 0
    response = _web(buyer).post(accept)
    order = Order.objects.get()
    assert response["Location"] == f"/freelance/orders/{order.pk}/"
    assert (order.buyer_id, order.price, order.delivery_days, order.revisions_allowed) == (
        buyer.pk,
        Decimal("75.00"),
        6,
        2,
    )
    # Posting again (a second click) makes no second order.
    again = _web(buyer).post(accept)
    assert again["Location"] == "/freelance/offers/"
    assert Order.objects.count() == 1
    for user in (buyer, seller):
        card = _card(user, conversation)["card"]
        assert (card["status"], card["status_label"]) == ("accepted", "Accepted")
        assert card["actions"] == [
            {
                "label": "Open the order",
                "url": f"/freelance/orders/{order.pk}/",
                "method": "get",
                "style": "primary",
                "api_url": "",
            }
        ]
    assert CustomOffer.objects.get(pk=offer.pk).order_id == order.pk


def test_an_expired_offer_card_has_no_actions(gig: Any, seller: Any, buyer: Any) -> None:
    conversation = _asked(gig, buyer)
    _send(seller, conversation)
    CustomOffer.objects.update(expires_at=timezone.now() - timedelta(minutes=1))  # not swept yet
    for user in (buyer, seller):
        card = _card(user, conversation)["card"]
        assert (card["status"], card["status_label"], card["actions"]) == (
            "expired",
            "Expired",
            [],
        )
        assert len(card["lines"]) == 3  # no expiry line
    response = _web(buyer).post(f"/freelance/offers/{CustomOffer.objects.get().pk}/accept/")
    assert response["Location"] == "/freelance/offers/"
    assert Order.objects.count() == 0


def test_a_card_cannot_be_edited_or_deleted(gig: Any, seller: Any, buyer: Any) -> None:
    conversation = _asked(gig, buyer)
    _send(seller, conversation)
    message = Message.objects.get(kind="card")
    api = client_for(seller)
    edited = api.patch(f"{CHAT}/messages/{message.pk}/", {"text": "x"}, format="json")
    assert (edited.status_code, edited.json()["code"]) == (409, "chat.message_not_editable")
    deleted = api.delete(f"{CHAT}/messages/{message.pk}/")
    assert (deleted.status_code, deleted.json()["code"]) == (409, "chat.card_not_deletable")
    message.refresh_from_db()
    assert (message.text, message.deleted_at, message.edited_at) == ("", None, None)


def test_history_queries_do_not_grow_with_the_cards(
    gig: Any, seller: Any, buyer: Any, django_assert_num_queries: Any
) -> None:
    conversation = _asked(gig, buyer)
    url = f"{CHAT}/conversations/{conversation.pk}/messages/"
    api = client_for(buyer)
    api.get(url)  # warm what is cached per process

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries)

    without = count()
    _send(seller, conversation)
    one = count()
    for _ in range(2):  # withdrawn and sent again: three cards, one per offer
        offer_services.offer_withdraw(actor=seller, offer=CustomOffer.objects.get(status="pending"))
        _send(seller, conversation)
    assert Message.objects.filter(kind="card").count() == 3
    three = count()
    assert (one, three) == (without + 1, without + 1)  # one query for the page's offers
    with django_assert_num_queries(three):
        body = api.get(url).json()
    assert [m["card"]["status"] for m in body["results"] if m["kind"] == "card"] == [
        "pending",
        "withdrawn",
        "withdrawn",
    ]


def test_the_seller_sends_the_offer_from_the_conversation_page(
    gig: Any, seller: Any, buyer: Any
) -> None:
    conversation = _asked(gig, buyer)
    panel = _web(seller).get(f"/chat/panel/{conversation.pk}/").content.decode()
    form_url = f"/freelance/offers/?conversation={conversation.pk}"
    assert f'href="{form_url}"' in panel
    page = _web(seller).get(form_url).content.decode()
    assert f'name="conversation" value="{conversation.pk}"' in page
    response = _web(seller).post(
        form_url,
        {"conversation": str(conversation.pk), "gig": str(gig.pk), "buyer": str(buyer.pk), **TERMS},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/chat/?c={conversation.pk}"
    offer = CustomOffer.objects.get()
    assert Message.objects.get(kind="card").card_id == offer.pk


def test_an_offer_from_the_offers_page_shows_in_the_buyers_conversation(
    gig: Any, seller: Any, buyer: Any
) -> None:
    conversation = _asked(gig, buyer)
    offer = offer_services.offer_create(
        actor=seller, gig=gig, buyer_id=buyer.pk, **{**TERMS, "price": Decimal("75.00")}
    )
    message = Message.objects.get(kind="card")
    assert (message.conversation_id, message.card_id) == (conversation.pk, offer.pk)
