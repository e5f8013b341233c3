"""Disputes: opening, the thread, and the moderator's resolution."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.freelance import permissions
from lifeline.freelance.enums import (
    DISPUTABLE_STATUSES,
    DisputeOutcome,
    DisputeStatus,
    OrderEventKind,
    OrderStatus,
)
from lifeline.freelance.exceptions import (
    AlreadyDisputed,
    DisputeNotOpen,
    InvalidRefund,
    NotAModerator,
    ReasonRequired,
    WrongParty,
)
from lifeline.freelance.models import (
    Dispute,
    DisputeMessage,
    Order,
    OrderEvent,
)
from lifeline.freelance.services.money import CENT, money, split
from lifeline.freelance.services.orders import (
    _announce,
    _cancel,
    _clear_deadlines,
    _complete,
    _expect,
    _locked_order,
    _order_state,
)
from lifeline.notifications.services import notify_many

# --- disputes -------------------------------------------------------------------------------
MIN_DISPUTE_TEXT = 20


def _long_enough(text: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_DISPUTE_TEXT:
        raise ReasonRequired(errors={field: [ReasonRequired.title]})
    return text[:2000]


@transaction.atomic
def dispute_open(*, actor: User, order: Order, reason: str) -> Dispute:
    """Either party disputes an order in progress or delivered; the order is frozen (status
    `disputed`: no transition, no deadline) until a moderator resolves it. One per order."""
    order = _locked_order(order)
    if permissions.party_of(actor, order) is None:
        raise WrongParty()
    if Dispute.objects.filter(order=order).exists():
        raise AlreadyDisputed()
    _expect(order, *DISPUTABLE_STATUSES)
    reason = _long_enough(reason, "reason")
    before = _order_state(order)
    dispute = Dispute.objects.create(
        order=order,
        organization_id=order.organization_id,
        opened_by=actor,
        reason=reason,
        status_before=order.status,
    )
    order.status = OrderStatus.DISPUTED
    order.cancel_requested_by = None
    _clear_deadlines(order)
    order.save()
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.DISPUTE_OPENED, actor=actor, message=reason
    )
    _announce(order, actor=actor, kind=OrderEventKind.DISPUTE_OPENED, before=before)
    moderators = list(permissions.moderators_of(order.organization_id))
    notify_many(
        moderators,
        "freelance.dispute_opened",
        [{"order_id": str(order.pk), "title": order.gig_title}] * len(moderators),
    )
    return dispute


def _open_dispute(order: Order) -> Dispute:
    dispute = Dispute.objects.select_for_update().filter(order=order).first()
    if dispute is None or dispute.status != DisputeStatus.OPEN:
        raise DisputeNotOpen()
    return dispute


@transaction.atomic
def dispute_post_message(*, actor: User, order: Order, text: str) -> DisputeMessage:
    """A line in the dispute's thread, by a party or a moderator of the order's marketplace."""
    order = _locked_order(order)
    from_moderator = permissions.party_of(actor, order) is None
    if from_moderator and not permissions.is_moderator(actor, order.organization_id):
        raise WrongParty()
    dispute = _open_dispute(order)
    text = (text or "").strip()
    if not text:
        raise ReasonRequired(errors={"text": [ReasonRequired.title]})
    message = DisputeMessage.objects.create(
        dispute=dispute, author=actor, text=text[:2000], from_moderator=from_moderator
    )
    record(
        actor=actor,
        action="freelance.dispute_message_posted",
        target=dispute,
        organization=order.organization_id,
        metadata={"order_id": str(order.pk), "from_moderator": from_moderator},
    )
    recipients = [u for u in (order.buyer, order.seller) if u.pk != actor.pk]
    context = {"order_id": str(order.pk), "title": order.gig_title, "kind": "dispute_message"}
    notify_many(recipients, "freelance.order_updated", [context] * len(recipients))
    return message


@transaction.atomic
def dispute_resolve(
    *,
    actor: User,
    order: Order,
    outcome: str,
    resolution: str,
    refund_amount: Decimal | None = None,
) -> Dispute:
    """A moderator of the order's marketplace settles the dispute: `complete` (the seller is
    paid), `cancel` (the buyer is refunded in full) or `partial` (the buyer gets
    `refund_amount` back, the seller the rest less the platform's fee). Both parties are told."""
    order = _locked_order(order)
    if not permissions.is_moderator(actor, order.organization_id):
        raise NotAModerator()
    dispute = _open_dispute(order)
    _expect(order, OrderStatus.DISPUTED)
    resolution = _long_enough(resolution, "resolution")
    if outcome not in DisputeOutcome.values:
        raise InvalidInput(
            code="freelance.invalid_outcome", errors={"outcome": [", ".join(DisputeOutcome.values)]}
        )
    refund = Decimal("0")
    if outcome == DisputeOutcome.PARTIAL:
        if refund_amount is None or not Decimal("0") < refund_amount < order.price:
            raise InvalidRefund(errors={"refund_amount": [InvalidRefund.title]})
        refund = refund_amount.quantize(CENT)
    elif outcome == DisputeOutcome.CANCEL:
        refund = order.price
    dispute.status = DisputeStatus.RESOLVED
    dispute.outcome = outcome
    dispute.refund_amount = refund
    dispute.resolution = resolution
    dispute.resolved_by = actor
    dispute.resolved_at = timezone.now()
    dispute.save()
    metadata = {"outcome": outcome, "refund_amount": money(refund)}
    kind = OrderEventKind.DISPUTE_RESOLVED
    if outcome == DisputeOutcome.CANCEL:
        before = _order_state(order)
        _cancel(order)
        OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=resolution)
        _announce(order, actor=actor, kind=kind, before=before, metadata=metadata)
    else:
        if refund:
            order.refunded_amount = refund
            order.platform_fee, order.seller_net = split(order.price - refund, order.fee_percent)
        _complete(order, actor=actor, kind=kind, message=resolution, metadata=metadata)
    return dispute
