from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from lifeline.freelance import events
from lifeline.freelance.services import orders as order_services
from lifeline.realtime import groups
from lifeline.realtime.testing import assert_envelope

pytestmark = pytest.mark.django_db


def test_order_event_goes_to_both_parties(gig: Any, buyer: Any, seller: Any) -> None:
    with mock.patch("lifeline.freelance.services.orders.publish_on_commit") as publish:
        order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    event, audience = publish.call_args.args
    assert_envelope(
        event,
        type="freelance.order_changed",
        data={"order_id": str(order.pk), "status": "awaiting_requirements", "kind": "placed"},
    )
    assert audience == [groups.user(buyer.pk), groups.user(seller.pk)]


def test_gig_event_shape(gig: Any) -> None:
    assert_envelope(
        events.gig_moderated(gig),
        type="freelance.gig_moderated",
        data={"gig_id": str(gig.pk), "status": "active"},
    )


def test_sweep_is_in_the_beat_schedule() -> None:
    from config.celery import app

    assert app.conf.beat_schedule["freelance.run_due"]["task"] == "freelance.run_due"
