"""The buyer–seller conversation about an order ("freelance.order" in the messenger)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from lifeline.chat import policies, selectors, services
from lifeline.chat.models import Conversation, Message
from lifeline.core.exceptions import InvalidInput, NotFound
from lifeline.freelance import services as freelance
from lifeline.freelance.chat_policy import KIND, ORDER_CONVERSATION_POLICY

pytestmark = pytest.mark.django_db


def test_registered() -> None:
    assert policies.policy_for(KIND) is ORDER_CONVERSATION_POLICY


def test_either_party_opens_the_same_conversation(
    gig: Any, buyer: Any, seller: Any, other_buyer: Any, moderator: Any
) -> None:
    order = freelance.order_place(actor=buyer, gig=gig, tier="basic")
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

    order = freelance.order_place(actor=buyer, gig=gig, tier="basic")
    base = f"/freelance/orders/{order.pk}/"
    assert "conversation/" in web(buyer).get(base).content.decode()
    assert web(other_buyer).post(f"{base}conversation/").status_code == 404
    assert Conversation.objects.count() == 0
    response = web(seller).post(f"{base}conversation/")
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/chat/?c={conversation.pk}"
    assert (conversation.kind, conversation.subject_id) == (KIND, order.pk)
