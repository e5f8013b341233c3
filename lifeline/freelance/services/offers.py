"""Custom offers sent in a buyer-seller conversation, and the inquiries that allow them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.freelance import conf, permissions
from lifeline.freelance.enums import (
    GigStatus,
    OfferStatus,
    OrderEventKind,
    OrderTier,
)
from lifeline.freelance.exceptions import (
    GigNotOrderable,
    InquiryNotAllowed,
    NotASeller,
    OfferAlreadyPending,
    OfferConversationMismatch,
    OfferExpired,
    OfferNotPending,
    UnknownBuyer,
    WrongParty,
)
from lifeline.freelance.models import (
    CustomOffer,
    Gig,
    GigInquiry,
    Order,
    OrderEvent,
)
from lifeline.freelance.services import flows
from lifeline.freelance.services.gigs import _locked_gig
from lifeline.freelance.services.money import money, money_terms, post_payment
from lifeline.freelance.services.orders import _announce, _locked_order
from lifeline.notifications.services import notify_many


# --- custom offers -------------------------------------------------------------------------
def _offer_state(offer: CustomOffer) -> dict[str, Any]:
    return {"status": offer.status, "price": money(offer.price)}


@transaction.atomic
def offer_create(
    *,
    actor: User,
    gig: Gig,
    buyer_id: Any,
    description: str,
    price: Decimal,
    delivery_days: int,
    revisions: int,
    conversation: Any | None = None,
) -> CustomOffer:
    """The gig's seller offers one buyer of the marketplace custom terms; it expires after
    `FREELANCE_OFFER_EXPIRY_DAYS`. One pending offer per gig and buyer.

    The offer is posted as a card in `conversation` (the buyer's conversation about this
    gig, from `flows.offer_conversation_get`; another one is refused), or without one in
    that conversation when the buyer opened it: in the same transaction as the offer."""
    if not permissions.can_edit_gig(actor, gig):
        raise NotASeller()
    if conversation is not None and not flows.offer_conversation_matches(
        conversation=conversation, gig_id=gig.pk, buyer_id=buyer_id
    ):
        raise OfferConversationMismatch(errors={"conversation": [OfferConversationMismatch.title]})
    gig = _locked_gig(gig)
    if gig.status != GigStatus.ACTIVE:
        raise GigNotOrderable()
    buyer = User.objects.filter(pk=buyer_id).first()
    if (
        buyer is None
        or buyer.pk == actor.pk
        or not permissions.is_buyer_in(buyer, gig.organization_id)
        or not _has_written(seller=actor, buyer=buyer)
    ):
        raise UnknownBuyer(errors={"buyer": [UnknownBuyer.title]})
    pending = CustomOffer.objects.filter(gig=gig, buyer=buyer, status=OfferStatus.PENDING)
    if pending.filter(expires_at__gt=timezone.now()).exists():
        raise OfferAlreadyPending()
    pending.update(status=OfferStatus.EXPIRED)  # a lapsed one the sweep has not reached yet
    offer = CustomOffer(
        organization_id=gig.organization_id,
        gig=gig,
        seller=actor,
        buyer=buyer,
        description=description.strip(),
        price=price,
        delivery_days=delivery_days,
        revisions=revisions,
        expires_at=timezone.now() + timedelta(days=conf.offer_expiry_days()),
    )
    offer.full_clean(exclude=["gig", "seller", "buyer", "organization", "order"])
    offer.save()
    flows.offer_card_post(actor=actor, offer=offer, conversation=conversation)
    record(actor=actor, action="freelance.offer_sent", target=offer, after=_offer_state(offer))
    notify_many(
        [buyer],
        "freelance.offer_received",
        [{"offer_id": str(offer.pk), "title": gig.title, "price": money(offer.price)}],
    )
    return offer


def _has_written(*, seller: User, buyer: User) -> bool:
    """The buyer asked the seller about one of their gigs, or ordered from them: a seller
    cannot approach a buyer who never wrote to them."""
    return (
        GigInquiry.objects.filter(gig__seller_id=seller.pk, buyer_id=buyer.pk).exists()
        or Order.objects.filter(seller_id=seller.pk, buyer_id=buyer.pk).exists()
    )


def gig_inquiry_record(*, actor: User, gig: Gig) -> GigInquiry:
    """A buyer asks the seller about an active gig before ordering (the gig's conversation in
    the messenger follows). Recorded once per buyer and gig; the seller may then answer with
    a custom offer."""
    if not permissions.can_order_gig(actor, gig) or gig.status != GigStatus.ACTIVE:
        raise InquiryNotAllowed()
    inquiry, created = GigInquiry.objects.get_or_create(gig=gig, buyer=actor)
    if created:
        record(actor=actor, action="freelance.gig_inquiry", target=gig)
    return inquiry


def _locked_offer(offer: CustomOffer) -> CustomOffer:
    return (
        CustomOffer.objects.select_for_update(of=("self",))
        .select_related("gig", "buyer", "seller")
        .get(pk=offer.pk)
    )


def _decide(offer: CustomOffer, *, actor: User, to: str) -> CustomOffer:
    before = _offer_state(offer)
    offer.status = to
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at", "order", "updated_at"])
    record(
        actor=actor,
        action=f"freelance.offer_{to}",
        target=offer,
        before=before,
        after=_offer_state(offer),
    )
    flows.offer_card_changed(offer=offer)
    other = offer.seller if actor.pk == offer.buyer_id else offer.buyer
    notify_many(
        [other],
        "freelance.offer_decided",
        [{"offer_id": str(offer.pk), "title": offer.gig.title, "status": to}],
    )
    return offer


def _pending_for(offer: CustomOffer, actor: User, wanted: str) -> CustomOffer:
    offer = _locked_offer(offer)
    holder = offer.buyer_id if wanted == "buyer" else offer.seller_id
    if actor.pk != holder:
        raise WrongParty()
    if offer.status != OfferStatus.PENDING:
        raise OfferNotPending()
    if offer.expires_at <= timezone.now():
        raise OfferExpired()
    return offer


@transaction.atomic
def offer_accept(*, actor: User, offer: CustomOffer) -> Order:
    """The buyer accepts: an order with the offer's terms (a snapshot), awaiting requirements."""
    offer = _pending_for(offer, actor, "buyer")
    gig = offer.gig
    order = Order.objects.create(
        organization_id=offer.organization_id,
        gig=gig,
        buyer=actor,
        seller_id=offer.seller_id,
        gig_title=gig.title,
        tier=OrderTier.CUSTOM,
        package_title=offer.description[:80],
        price=offer.price,
        delivery_days=offer.delivery_days,
        revisions_allowed=offer.revisions,
        features=[],
        **money_terms(offer.price),
    )
    post_payment(order)
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.PLACED, actor=actor, message=offer.description
    )
    offer.order = order
    _decide(offer, actor=actor, to=OfferStatus.ACCEPTED)
    order = _locked_order(order)
    _announce(order, actor=actor, kind=OrderEventKind.PLACED, before={})
    return order


@transaction.atomic
def offer_decline(*, actor: User, offer: CustomOffer) -> CustomOffer:
    return _decide(_pending_for(offer, actor, "buyer"), actor=actor, to=OfferStatus.DECLINED)


@transaction.atomic
def offer_withdraw(*, actor: User, offer: CustomOffer) -> CustomOffer:
    return _decide(_pending_for(offer, actor, "seller"), actor=actor, to=OfferStatus.WITHDRAWN)


def offers_expire(*, now: datetime | None = None) -> int:
    """The sweep: pending offers past their time become expired (one UPDATE; idempotent)."""
    return CustomOffer.objects.filter(
        status=OfferStatus.PENDING, expires_at__lte=now or timezone.now()
    ).update(status=OfferStatus.EXPIRED, decided_at=now or timezone.now())
