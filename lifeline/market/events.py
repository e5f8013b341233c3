"""Realtime events of the market module and who receives them.

An order's buyer and seller hear of every change to it on their personal group
(`user.<uuid>`); a marketplace's moderators hear of products waiting for review on their
role group (`org.<uuid>.moderator`). Clients refetch through the API.
"""

from __future__ import annotations

from lifeline.access.enums import Role
from lifeline.market.models import Order, Product
from lifeline.realtime import groups
from lifeline.realtime.events import Event

ORDER_KINDS = frozenset({"placed", "confirmed", "shipped", "delivered", "cancelled"})


def order_event(order: Order, kind: str) -> Event:
    if kind not in ORDER_KINDS:
        raise ValueError(kind)
    return Event(
        type=f"market.order_{kind}",
        data={"order_id": str(order.pk), "status": order.status},
    )


def order_audience(order: Order) -> list[str]:
    return [groups.user(order.buyer_id), groups.user(order.seller_id)]


def product_submitted(product: Product) -> Event:
    return Event(
        type="market.product_submitted",
        data={"product_id": str(product.pk), "status": product.status},
    )


def moderators_group(product: Product) -> str:
    return groups.organization(product.organization_id, Role.MODERATOR)
