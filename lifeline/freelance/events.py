"""Real-time payloads of the freelance module and their audiences (ids and statuses only)."""

from __future__ import annotations

from lifeline.freelance.models import Gig, Order
from lifeline.realtime import groups
from lifeline.realtime.events import Event


def order_changed(order: Order, kind: str) -> Event:
    return Event(
        type="freelance.order_changed",
        data={"order_id": str(order.pk), "status": order.status, "kind": kind},
    )


def order_audience(order: Order) -> list[str]:
    return [groups.user(order.buyer_id), groups.user(order.seller_id)]


def gig_moderated(gig: Gig) -> Event:
    return Event(type="freelance.gig_moderated", data={"gig_id": str(gig.pk), "status": gig.status})


def gig_audience(gig: Gig) -> list[str]:
    return [groups.user(gig.seller_id)]
