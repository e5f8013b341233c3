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

And kind "freelance.gig" about a "freelance.gig": the pre-order conversation.

* a buyer of the gig's marketplace opens it about an active gig (the gig page's "Ask the
  seller", which also records a `GigInquiry`); the buyer and the gig's seller take part;
* the seller cannot start one: opening it as the seller needs the buyer as counterpart and a
  recorded inquiry of that buyer about that gig (so it only finds the buyer's conversation);
* beside it: the gig, its price range, the custom offers of this seller to this buyer on
  this gig (pending ones with a link to answer them), and for the seller a link to send one
  in this conversation;
* custom offers sent in it are card messages ("freelance.offer", `render_cards`): the offer's
  terms and current status, Accept / Decline for the buyer and Withdraw for the seller while
  it is pending and not past its time, a link to the order once accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models import TextChoices as _TextChoices
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from lifeline.chat.policies import (
    Card,
    CardAction,
    ConversationPolicy,
    OpenPlan,
    PanelSection,
    Seat,
    SidePanel,
    register_conversation_policy,
)
from lifeline.core.exceptions import InvalidInput, NotFound
from lifeline.core.selectors import get_or_not_found
from lifeline.freelance import permissions
from lifeline.freelance.enums import GigStatus, OfferStatus
from lifeline.freelance.models import CustomOffer, Gig, GigInquiry, Order

KIND = "freelance.order"
GIG_KIND = "freelance.gig"
OFFER_CARD = "freelance.offer"


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


class GigConversationPolicy(ConversationPolicy):
    """A buyer's questions about a gig before ordering."""

    subject_type = "freelance.gig"
    subject_roles = frozenset({OrderRole.BUYER.value, OrderRole.SELLER.value})
    responder_roles = frozenset({OrderRole.SELLER.value})
    card_kinds = frozenset({OFFER_CARD})

    def render_cards(
        self, *, kind: str, record_ids: Sequence[UUID], viewer: Any
    ) -> dict[UUID, Card]:
        if kind != OFFER_CARD or not getattr(viewer, "is_authenticated", False):
            return {}
        offers = CustomOffer.objects.filter(pk__in=record_ids).filter(
            Q(buyer_id=viewer.pk) | Q(seller_id=viewer.pk)
        )
        now = timezone.now()
        return {offer.pk: offer_card(offer, viewer=viewer, now=now) for offer in offers}

    def plan_open(
        self, *, actor: Any, subject_id: UUID | None, counterpart_id: Any | None
    ) -> OpenPlan:
        if subject_id is None:
            raise InvalidInput(
                code="chat.subject_required",
                errors={"subject_id": [gettext("Name the gig this conversation is about.")]},
            )
        if not getattr(actor, "is_authenticated", False):
            raise NotFound()
        gig = get_or_not_found(Gig.objects.filter(status=GigStatus.ACTIVE), pk=subject_id)
        if gig.seller_id == actor.pk:
            # The seller only finds a conversation the buyer started.
            if (
                counterpart_id is None
                or not GigInquiry.objects.filter(gig_id=gig.pk, buyer_id=counterpart_id).exists()
            ):
                raise NotFound()
            buyer_id = counterpart_id
        elif permissions.can_order_gig(actor, gig):
            buyer_id = actor.pk
        else:
            raise NotFound()
        return OpenPlan(
            subject_id=gig.pk,
            organization_id=gig.organization_id,
            seats=(
                Seat(buyer_id, OrderRole.BUYER.value),
                Seat(gig.seller_id, OrderRole.SELLER.value),
            ),
        )

    def subject_title_expression(self) -> Subquery:
        return Subquery(Gig.objects.filter(pk=OuterRef("subject_id")).values("title")[:1])

    def side_panel(self, *, conversation: Any, viewer: Any) -> SidePanel | None:
        gig = Gig.objects.filter(pk=conversation.subject_id).prefetch_related("packages").first()
        if gig is None or not getattr(viewer, "is_authenticated", False):
            return None
        prices = sorted(p.price for p in gig.packages.all())
        is_seller = gig.seller_id == viewer.pk
        offers = CustomOffer.objects.filter(gig_id=gig.pk).order_by("-created_at")
        offers = (
            offers.filter(seller_id=viewer.pk, buyer_id__in=_other_seats(conversation, viewer))
            if is_seller
            else offers.filter(buyer_id=viewer.pk)
        )
        rows = [
            (
                f"{offer.price:.2f} · {offer.delivery_days} d",
                str(offer.get_status_display()),
            )
            for offer in offers[:5]
        ]
        links = [
            (gettext("Open the gig"), reverse("freelance-web:gig", kwargs={"gig_id": gig.pk})),
            (
                gettext("Send a custom offer") if is_seller else gettext("Custom offers"),
                reverse("freelance-web:offers")
                + (f"?conversation={conversation.pk}" if is_seller else ""),
            ),
        ]
        return SidePanel(
            title=gig.title,
            facts=[f"{prices[0]:.2f}–{prices[-1]:.2f} USD"] if prices else [],
            sections=[
                PanelSection(
                    heading=gettext("Custom offers"),
                    rows=rows,
                    empty_text=gettext("No custom offers yet."),
                )
            ],
            links=links,
        )


def offer_card(offer: CustomOffer, *, viewer: Any, now: Any) -> Card:
    """A custom offer as its buyer or seller sees it now. A pending offer past its time is
    shown expired with no actions (the sweep may not have reached it yet)."""
    status = offer.status
    if status == OfferStatus.PENDING and offer.expires_at <= now:
        status = OfferStatus.EXPIRED
    lines = [
        offer.description,
        f"{formats.number_format(offer.price, 2, use_l10n=True, force_grouping=True)} USD",
        ngettext("%(days)s day to deliver", "%(days)s days to deliver", offer.delivery_days)
        % {"days": offer.delivery_days}
        + " · "
        + ngettext("%(revisions)s revision", "%(revisions)s revisions", offer.revisions)
        % {"revisions": offer.revisions},
    ]
    actions: list[CardAction] = []
    if status == OfferStatus.PENDING:
        expires = formats.date_format(timezone.localtime(offer.expires_at), "SHORT_DATETIME_FORMAT")
        lines.append(f"{pgettext('freelance', 'Expires')}: {expires}")

        def act(action: str, label: str, style: str) -> CardAction:
            return CardAction(
                label=label,
                url=reverse(
                    "freelance-web:offer-action", kwargs={"offer_id": offer.pk, "action": action}
                ),
                style=style,
                api_url=reverse(f"freelance-offer-{action}", kwargs={"offer_id": offer.pk}),
            )

        if viewer.pk == offer.buyer_id:
            actions = [
                act("accept", gettext("Accept and order"), "primary"),
                act("decline", pgettext("freelance", "Decline"), "secondary"),
            ]
        elif viewer.pk == offer.seller_id:
            actions = [act("withdraw", pgettext("freelance", "Withdraw"), "secondary")]
    elif status == OfferStatus.ACCEPTED and offer.order_id is not None:
        actions = [
            CardAction(
                label=gettext("Open the order"),
                url=reverse("freelance-web:order", kwargs={"order_id": offer.order_id}),
                method="get",
            )
        ]
    return Card(
        title=gettext("Custom offer"),
        status=str(status),
        status_label=str(OfferStatus(status).label),
        lines=lines,
        actions=actions,
    )


def _other_seats(conversation: Any, viewer: Any) -> list[Any]:
    return [user_id for user_id in conversation.participant_ids if user_id != viewer.pk]


GIG_CONVERSATION_POLICY = GigConversationPolicy()


def register() -> None:
    """Called from `FreelanceConfig.ready()`."""
    register_conversation_policy(KIND, ORDER_CONVERSATION_POLICY)
    register_conversation_policy(GIG_KIND, GIG_CONVERSATION_POLICY)
