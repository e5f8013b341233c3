"""The buyer–seller conversation about an order, in the messenger (`lifeline.chat`).

Registered in `FreelanceConfig.ready()` as kind "freelance.order" about a "freelance.order":

* either party of the order opens it (from the order page); the buyer and the seller take part,
  anyone else gets 404 (`plan_open` looks the order up among the actor's own orders);
* both parties are the conversation's subject side: they take part for good, their reads are
  not audited; the seller is the responder (reply-time tracking);
* no observers: the messenger's observers read every conversation of a kind in an
  organization, which would show moderators orders that are not in dispute. A dispute has its
  own thread with the moderator (`DisputeMessage`);
* beside the conversation: the order's title, status and price, and a link to the order.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models import TextChoices as _TextChoices
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lifeline.chat.policies import (
    ConversationPolicy,
    OpenPlan,
    Seat,
    SidePanel,
    register_conversation_policy,
)
from lifeline.core.exceptions import InvalidInput
from lifeline.core.selectors import get_or_not_found
from lifeline.freelance.models import Order

KIND = "freelance.order"


class OrderRole(_TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


def _orders_of(user: Any) -> QuerySet[Order]:
    if not getattr(user, "is_authenticated", False):
        return Order.objects.none()
    return Order.objects.filter(Q(buyer_id=user.pk) | Q(seller_id=user.pk))


class OrderConversationPolicy(ConversationPolicy):
    subject_type = "freelance.order"
    subject_roles = frozenset({OrderRole.BUYER.value, OrderRole.SELLER.value})
    responder_roles = frozenset({OrderRole.SELLER.value})

    def plan_open(
        self, *, actor: Any, subject_id: UUID | None, counterpart_id: Any | None
    ) -> OpenPlan:
        if subject_id is None:
            raise InvalidInput(
                code="chat.subject_required",
                errors={"subject_id": [gettext("Name the order this conversation is about.")]},
            )
        order = get_or_not_found(_orders_of(actor), pk=subject_id)
        return OpenPlan(
            subject_id=order.pk,
            organization_id=order.organization_id,
            seats=(
                Seat(order.buyer_id, OrderRole.BUYER.value),
                Seat(order.seller_id, OrderRole.SELLER.value),
            ),
        )

    def subject_ids_for(self, *, user: Any) -> QuerySet[Any]:
        return _orders_of(user).values("pk")

    def may_take_part(self, *, user: Any, conversation: Any) -> bool:
        return _orders_of(user).filter(pk=conversation.subject_id).exists()

    def subject_title_expression(self) -> Subquery:
        return Subquery(Order.objects.filter(pk=OuterRef("subject_id")).values("gig_title")[:1])

    def is_subject_user(self, *, user: Any) -> bool:
        return False  # the messenger's layout for staff (list + conversation + panel)

    def side_panel(self, *, conversation: Any, viewer: Any) -> SidePanel | None:
        order = _orders_of(viewer).filter(pk=conversation.subject_id).first()
        if order is None:
            return None
        return SidePanel(
            title=order.gig_title,
            facts=[
                order.get_status_display(),
                f"{order.price:.2f} {order.currency}",
            ],
            links=[
                (
                    gettext("Open the order"),
                    reverse("freelance-web:order", kwargs={"order_id": order.pk}),
                )
            ],
        )


ORDER_CONVERSATION_POLICY = OrderConversationPolicy()


def register() -> None:
    """Called from `FreelanceConfig.ready()`."""
    register_conversation_policy(KIND, ORDER_CONVERSATION_POLICY)
