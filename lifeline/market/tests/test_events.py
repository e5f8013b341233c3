from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from lifeline.market.services.cart import cart_set_item
from lifeline.market.services.orders import checkout_place, order_advance
from lifeline.market.services.products import product_create, product_submit
from lifeline.market.tests.factories import category

pytestmark = pytest.mark.django_db


def test_order_changes_reach_the_buyer_and_the_seller(
    buyer: Any, seller: Any, product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cart_set_item(actor=buyer, product=product, quantity=1)
    with mock.patch("lifeline.realtime.events.publish_now") as sent:
        with django_capture_on_commit_callbacks(execute=True):
            order = checkout_place(actor=buyer).orders.get()
        with django_capture_on_commit_callbacks(execute=True):
            order_advance(actor=seller, order=order, step="confirm")
    published = [
        (call.args[0].type, call.args[0].data, sorted(call.args[1]))
        for call in sent.call_args_list
        if call.args[0].type.startswith("market.")
    ]
    audience = sorted([f"user.{buyer.pk}", f"user.{seller.pk}"])
    assert published == [
        ("market.order_placed", {"order_id": str(order.pk), "status": "new"}, audience),
        ("market.order_confirmed", {"order_id": str(order.pk), "status": "confirmed"}, audience),
    ]


def test_a_product_for_review_reaches_the_moderators(
    seller: Any, market: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draft = product_create(actor=seller, category=category(), title="Lamp", price=1, stock=1)
    with (
        mock.patch("lifeline.realtime.events.publish_now") as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        product_submit(actor=seller, product=draft)
    [(event, names)] = [call.args for call in sent.call_args_list]
    assert (event.type, list(names)) == ("market.product_submitted", [f"org.{market.pk}.moderator"])
