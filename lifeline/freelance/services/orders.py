"""Orders: placing, completing, cancelling; the shared row-lock and announce helpers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.audit.services import record
from lifeline.freelance import conf, events, permissions
from lifeline.freelance.enums import (
    GigStatus,
    OrderEventKind,
    OrderStatus,
)
from lifeline.freelance.exceptions import (
    GigNotOrderable,
    NotABuyer,
    NotLateEnough,
    OrderTransitionRefused,
    OwnGig,
    UnknownPackage,
    WrongParty,
)
from lifeline.freelance.models import (
    Gig,
    Order,
    OrderEvent,
)
from lifeline.freelance.services.money import money_terms, post_earning, post_payment, post_refund
from lifeline.notifications.services import notify_many
from lifeline.realtime.events import publish_on_commit


# --- orders ---------------------------------------------------------------------------------
def _order_state(order: Order) -> dict[str, Any]:
    return {"status": order.status, "revisions_used": order.revisions_used}


def _locked_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("buyer", "seller")
        .get(pk=order.pk)
    )


def _announce(
    order: Order,
    *,
    actor: User | None,
    kind: str,
    before: dict[str, Any],
    metadata: dict[str, Any] | None = None,
) -> None:
    """Audit, notify the other party (both when the platform or a moderator acted), event."""
    record(
        actor=actor,
        action=f"freelance.order_{kind}",
        target=order,
        before=before,
        after=_order_state(order),
        metadata=metadata,
    )
    recipients = [u for u in (order.buyer, order.seller) if actor is None or u.pk != actor.pk]
    context = {"order_id": str(order.pk), "title": order.gig_title, "kind": kind}
    notify_many(recipients, "freelance.order_updated", [context] * len(recipients))
    publish_on_commit(events.order_changed(order, kind), events.order_audience(order))


def _party(actor: User, order: Order, wanted: str) -> None:
    if permissions.party_of(actor, order) != wanted:
        raise WrongParty()


def _expect(order: Order, *statuses: str) -> None:
    if order.status not in statuses:
        raise OrderTransitionRefused()


@transaction.atomic
def order_place(*, actor: User, gig: Gig, tier: str) -> Order:
    """Buy one package of an active gig at this moment's price (a snapshot of the package)."""
    gig = Gig.objects.select_for_update().get(pk=gig.pk)
    if gig.seller_id == actor.pk:
        raise OwnGig()
    if gig.status != GigStatus.ACTIVE:
        raise GigNotOrderable()
    if not permissions.can_order_gig(actor, gig):
        raise NotABuyer()
    package = gig.packages.filter(tier=tier).first()
    if package is None:
        raise UnknownPackage(errors={"tier": [UnknownPackage.title]})
    order = Order.objects.create(
        organization_id=gig.organization_id,
        gig=gig,
        buyer=actor,
        seller_id=gig.seller_id,
        gig_title=gig.title,
        tier=package.tier,
        package_title=package.title,
        price=package.price,
        delivery_days=package.delivery_days,
        revisions_allowed=package.revisions,
        features=list(package.features),
        **money_terms(package.price),
    )
    post_payment(order)
    OrderEvent.objects.create(order=order, kind=OrderEventKind.PLACED, actor=actor)
    order = _locked_order(order)
    _announce(order, actor=actor, kind=OrderEventKind.PLACED, before={})
    return order


def _clear_deadlines(order: Order) -> None:
    order.auto_complete_at = None
    order.remind_at = None


def _set_due(order: Order, start: datetime) -> None:
    """Due `delivery_days` after `start` (the requirements, or a revision request); not late."""
    order.due_at = start + timedelta(days=order.delivery_days)
    order.late_at = None
    order.late_claimed_at = None


def _complete(
    order: Order,
    *,
    actor: User | None,
    kind: str,
    message: str = "",
    metadata: dict[str, Any] | None = None,
) -> Order:
    before = _order_state(order)
    order.status = OrderStatus.COMPLETED
    order.completed_at = timezone.now()
    order.cancel_requested_by = None
    order.clears_at = order.completed_at + timedelta(days=conf.clearance_days())
    _clear_deadlines(order)
    order.save()
    post_earning(order)
    Gig.objects.filter(pk=order.gig_id).update(orders_completed=F("orders_completed") + 1)
    OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=message)
    _announce(order, actor=actor, kind=kind, before=before, metadata=metadata)
    return order


@transaction.atomic
def order_complete(*, actor: User, order: Order) -> Order:
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.DELIVERED)
    return _complete(order, actor=actor, kind=OrderEventKind.COMPLETED)


@transaction.atomic
def order_cancel(*, actor: User, order: Order, reason: str = "") -> Order:
    """Cancel by mutual agreement: the first party proposes, the other party's call agrees."""
    order = _locked_order(order)
    party = permissions.party_of(actor, order)
    if party is None:
        raise WrongParty()
    _expect(
        order, OrderStatus.AWAITING_REQUIREMENTS, OrderStatus.IN_PROGRESS, OrderStatus.DELIVERED
    )
    before = _order_state(order)
    if order.cancel_requested_by_id is None or order.cancel_requested_by_id == actor.pk:
        if order.cancel_requested_by_id == actor.pk:
            raise OrderTransitionRefused()  # already proposed; the other party must agree
        order.cancel_requested_by = actor
        order.save()
        kind = OrderEventKind.CANCEL_REQUESTED
    else:
        _cancel(order)
        kind = OrderEventKind.CANCELLED
    OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=reason[:2000])
    _announce(order, actor=actor, kind=kind, before=before)
    return order


def _cancel(order: Order) -> None:
    """Cancelled: the deadlines stop and the buyer's whole payment is refunded (recorded)."""
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    order.cancel_requested_by = None
    _clear_deadlines(order)
    order.refunded_amount = order.price
    order.save()
    post_refund(order)


@transaction.atomic
def order_cancel_late(*, actor: User, order: Order, reason: str = "") -> Order:
    """The buyer cancels alone: the order is in progress and its due time passed more than the
    grace period ago (`FREELANCE_LATE_CANCEL_GRACE_HOURS`). The buyer is refunded."""
    order = _locked_order(order)
    _party(actor, order, "buyer")
    _expect(order, OrderStatus.IN_PROGRESS)
    grace = timedelta(hours=conf.late_cancel_grace_hours())
    if order.due_at is None or order.due_at + grace > timezone.now():
        raise NotLateEnough()
    before = _order_state(order)
    _cancel(order)
    kind = OrderEventKind.CANCELLED_LATE
    OrderEvent.objects.create(order=order, kind=kind, actor=actor, message=reason[:2000])
    _announce(order, actor=actor, kind=kind, before=before)
    return order


def can_cancel_late(order: Order, *, now: datetime | None = None) -> bool:
    """Whether the grace period after the due time is over (the page shows the button)."""
    if order.status != OrderStatus.IN_PROGRESS or order.due_at is None:
        return False
    grace = timedelta(hours=conf.late_cancel_grace_hours())
    return order.due_at + grace <= (now or timezone.now())


@transaction.atomic
def order_withdraw_cancel(*, actor: User, order: Order) -> Order:
    order = _locked_order(order)
    if order.cancel_requested_by_id != actor.pk or order.status not in (
        OrderStatus.AWAITING_REQUIREMENTS,
        OrderStatus.IN_PROGRESS,
        OrderStatus.DELIVERED,
    ):
        raise OrderTransitionRefused()
    before = _order_state(order)
    order.cancel_requested_by = None
    order.save()
    OrderEvent.objects.create(order=order, kind=OrderEventKind.CANCEL_WITHDRAWN, actor=actor)
    _announce(order, actor=actor, kind=OrderEventKind.CANCEL_WITHDRAWN, before=before)
    return order
