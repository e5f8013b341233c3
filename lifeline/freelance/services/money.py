"""Money: recorded, not moved (ledger postings and sellers' balances)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from lifeline.accounts.models import User
from lifeline.freelance import conf
from lifeline.freelance.enums import (
    LedgerAccount,
    LedgerKind,
)
from lifeline.freelance.models import (
    LedgerEntry,
    Order,
    SellerBalance,
)


def money(value: Decimal) -> str:
    return f"{value:.2f}"


# --- money: recorded, not moved ---------------------------------------------------------------
CENT = Decimal("0.01")


def split(amount: Decimal, percent: Decimal) -> tuple[Decimal, Decimal]:
    """(platform fee, seller's net) of `amount`: the fee rounded half up to the cent, the net
    the exact rest, so fee + net == amount always."""
    fee = (amount * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return fee, amount - fee


def money_terms(price: Decimal) -> dict[str, Decimal]:
    """An order's money terms at the moment it is placed (the fee rate is kept with it)."""
    percent = conf.platform_fee_percent()
    fee, net = split(price, percent)
    return {"fee_percent": percent, "platform_fee": fee, "seller_net": net}


Line = tuple[str, Any, Decimal]  # (account, holder id or None, amount)


def _post(order: Order, kind: str, lines: Sequence[Line]) -> None:
    """Write one balanced posting (its lines sum to zero) and move the seller's balance.

    The unique (order, kind, account) constraint refuses a second posting of the same kind:
    a replayed transition cannot count money twice."""
    lines = [line for line in lines if line[2] != 0]
    if sum((amount for _a, _h, amount in lines), Decimal(0)) != 0:
        raise ValueError("A ledger posting must sum to zero.")
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                organization_id=order.organization_id,
                order=order,
                holder_id=holder,
                account=account,
                kind=kind,
                amount=amount,
                currency=order.currency,
            )
            for account, holder, amount in lines
        ]
    )
    moves = {
        field: amount
        for account, _holder, amount in lines
        for field in (_BALANCE_FIELDS.get(account),)
        if field is not None
    }
    if moves:
        SellerBalance.objects.get_or_create(seller_id=order.seller_id, currency=order.currency)
        SellerBalance.objects.filter(seller_id=order.seller_id, currency=order.currency).update(
            **{field: F(field) + amount for field, amount in moves.items()}
        )


_BALANCE_FIELDS: dict[str, str] = {
    LedgerAccount.SELLER_PENDING: "pending",
    LedgerAccount.SELLER_CLEARED: "cleared",
}


def post_payment(order: Order) -> None:
    """The buyer paid the order's price; the platform holds it for the order."""
    _post(
        order,
        LedgerKind.PAYMENT,
        [
            (LedgerAccount.BUYER_PAYMENTS, order.buyer_id, -order.price),
            (LedgerAccount.ESCROW, None, order.price),
        ],
    )


def post_earning(order: Order) -> None:
    """Completed: the held price becomes the platform's fee and the seller's pending net, less
    whatever was refunded (a partial settlement)."""
    lines: list[Line] = [
        (LedgerAccount.ESCROW, None, -order.price),
        (LedgerAccount.PLATFORM_FEES, None, order.platform_fee),
        (LedgerAccount.SELLER_PENDING, order.seller_id, order.seller_net),
    ]
    if order.refunded_amount:
        lines.append((LedgerAccount.BUYER_REFUNDS, order.buyer_id, order.refunded_amount))
    _post(order, LedgerKind.EARNING, lines)


def post_refund(order: Order) -> None:
    """Cancelled: the held price goes back to the buyer (recorded; no payment provider)."""
    _post(
        order,
        LedgerKind.REFUND,
        [
            (LedgerAccount.ESCROW, None, -order.price),
            (LedgerAccount.BUYER_REFUNDS, order.buyer_id, order.refunded_amount),
        ],
    )


def post_clearance(order: Order) -> None:
    _post(
        order,
        LedgerKind.CLEARANCE,
        [
            (LedgerAccount.SELLER_PENDING, order.seller_id, -order.seller_net),
            (LedgerAccount.SELLER_CLEARED, order.seller_id, order.seller_net),
        ],
    )


@transaction.atomic
def balance_rebuild(*, seller: User, currency: str = "USD") -> SellerBalance:
    """Recompute a seller's balance from the ledger (repair, audit); returns the stored row."""
    from django.db.models import Sum

    sums = dict(
        LedgerEntry.objects.filter(
            holder=seller,
            currency=currency,
            account__in=[LedgerAccount.SELLER_PENDING, LedgerAccount.SELLER_CLEARED],
        )
        .values_list("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    )
    balance, _created = SellerBalance.objects.select_for_update().get_or_create(
        seller=seller, currency=currency
    )
    balance.pending = sums.get(LedgerAccount.SELLER_PENDING) or Decimal("0")
    balance.cleared = sums.get(LedgerAccount.SELLER_CLEARED) or Decimal("0")
    balance.save()
    return balance
