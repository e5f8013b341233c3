"""Database deadlines of orders: auto-complete, reminders, late flags, clearing funds."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lifeline.audit.services import record
from lifeline.core.jobs import claim_due
from lifeline.freelance.enums import (
    OrderEventKind,
    OrderStatus,
)
from lifeline.freelance.models import (
    Order,
    OrderEvent,
)
from lifeline.freelance.services.money import money, post_clearance
from lifeline.freelance.services.offers import offers_expire
from lifeline.freelance.services.orders import _announce, _complete, _locked_order, _order_state
from lifeline.notifications.services import notify_many


# --- deadlines --------------------------------------------------------------------------------
def order_auto_complete(*, order: Order) -> Order | None:
    """Complete a delivered order whose buyer did not answer in time (idempotent)."""
    with transaction.atomic():
        order = _locked_order(order)
        if order.status != OrderStatus.DELIVERED or order.auto_complete_at is None:
            return None
        if order.auto_complete_at > timezone.now():
            return None
        return _complete(order, actor=None, kind=OrderEventKind.AUTO_COMPLETED)


def order_remind(*, order: Order) -> None:
    with transaction.atomic():
        order = _locked_order(order)
        if order.status != OrderStatus.DELIVERED:
            return
        OrderEvent.objects.create(order=order, kind=OrderEventKind.REMINDER)
        notify_many(
            [order.buyer],
            "freelance.order_auto_complete_soon",
            [{"order_id": str(order.pk), "title": order.gig_title}],
        )


def order_flag_late(*, order: Order) -> Order | None:
    """Flag an order still in progress past its due time (idempotent; both parties told)."""
    with transaction.atomic():
        order = _locked_order(order)
        now = timezone.now()
        if order.status != OrderStatus.IN_PROGRESS or order.late_at is not None:
            return None
        if order.due_at is None or order.due_at > now:
            return None
        before = _order_state(order)
        order.late_at = now
        order.save(update_fields=["late_at"])
        OrderEvent.objects.create(order=order, kind=OrderEventKind.LATE)
        _announce(order, actor=None, kind=OrderEventKind.LATE, before=before)
        return order


def order_clear_funds(*, order: Order) -> Order | None:
    """Move a completed order's net from the seller's pending to cleared (idempotent)."""
    with transaction.atomic():
        order = _locked_order(order)
        if order.status != OrderStatus.COMPLETED or order.cleared_at is not None:
            return None
        if order.clears_at is None or order.clears_at > timezone.now():
            return None
        order.cleared_at = timezone.now()
        order.save(update_fields=["cleared_at"])
        post_clearance(order)
        OrderEvent.objects.create(order=order, kind=OrderEventKind.FUNDS_CLEARED)
        record(
            actor=None,
            action="freelance.order_funds_cleared",
            target=order,
            after={"seller_net": money(order.seller_net)},
        )
        notify_many(
            [order.seller],
            "freelance.order_updated",
            [{"order_id": str(order.pk), "title": order.gig_title, "kind": "funds_cleared"}],
        )
        return order


def orders_run_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """The sweep: reminders, auto-completions, late flags and clearances that are due. Each
    row is claimed once (`claim_due`); the services re-check under the row lock."""
    now = now or timezone.now()
    delivered = Order.objects.filter(status=OrderStatus.DELIVERED)
    with transaction.atomic():
        reminded = claim_due(
            delivered,
            deadline_field="remind_at",
            claim_field="remind_claimed_at",
            now=now,
            limit=limit,
        )
        for order in Order.objects.filter(pk__in=reminded):
            order_remind(order=order)
    completed = 0
    with transaction.atomic():
        due = claim_due(
            delivered,
            deadline_field="auto_complete_at",
            claim_field="auto_complete_claimed_at",
            now=now,
            limit=limit,
        )
        for order in Order.objects.filter(pk__in=due):
            if order_auto_complete(order=order) is not None:
                completed += 1
    late = 0
    with transaction.atomic():
        due = claim_due(
            Order.objects.filter(status=OrderStatus.IN_PROGRESS, late_at__isnull=True),
            deadline_field="due_at",
            claim_field="late_claimed_at",
            now=now,
            limit=limit,
        )
        for order in Order.objects.filter(pk__in=due):
            if order_flag_late(order=order) is not None:
                late += 1
    cleared = 0
    with transaction.atomic():
        due = claim_due(
            Order.objects.filter(status=OrderStatus.COMPLETED, cleared_at__isnull=True),
            deadline_field="clears_at",
            claim_field="clearance_claimed_at",
            now=now,
            limit=limit,
        )
        for order in Order.objects.filter(pk__in=due):
            if order_clear_funds(order=order) is not None:
                cleared += 1
    return {
        "reminded": len(reminded),
        "completed": completed,
        "late": late,
        "cleared": cleared,
        "offers_expired": offers_expire(now=now),
    }
