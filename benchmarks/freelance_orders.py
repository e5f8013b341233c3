"""Benchmark: concurrent freelance orders lose and double no transition (issue 18).

Target (issue 18, Performance): 100 buyers placing, delivering, revising and completing orders
concurrently for 60 s: no lost or double transition, balances equal the sum of their orders at
the end.

B buyer threads (default 100), each with its own database connection (at most
`--connections`, default 60, at once: PostgreSQL allows 100), loop for S seconds (default 60):
place an order on a random gig of one of 10 sellers, submit the requirements, the seller
delivers, the buyer asks for a revision while revisions remain (half the time), the seller
delivers again, the buyer completes. Every service call that succeeds is counted by kind on
the client side. Meanwhile M meddler threads (default 10) race the buyers: they take a random
recent order and try to complete it or ask for a revision as its buyer (until the last buyer
stops), so two callers often move one order at the same moment (the row lock lets one win;
the other gets 409 `order_transition_refused`, counted as refused).

At the end it checks, from the database:
- per kind, the order events (the transition log) and the audit events equal the
  successful calls (none lost, none doubled), and no order has two `completed` events;
- every order's status is the one its last transition event leads to;
- each seller's balance (pending + cleared) equals the sum of the seller's net of their
  completed orders, and the ledger sums to zero.

    uv run python benchmarks/freelance_orders.py [--quick] [--buyers 100] [--seconds 60]
        [--meddlers 10] [--connections 60] [--json]

PostgreSQL only (test database `test_lifeline_bench_freelance` on 127.0.0.1). `--quick`: 20
buyers for 5 s. Exit status 1 when a check fails or a call fails with anything but a refusal.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAME = "freelance_orders"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lifeline_bench_freelance"
SELLERS = 10
# The status each transition event leaves an order in.
LEADS_TO = {
    "placed": "awaiting_requirements",
    "requirements": "in_progress",
    "delivered": "delivered",
    "revision": "in_progress",
    "completed": "completed",
}


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.errors: list[str] = []
        self.recent: list[Any] = []  # (order id, buyer) for the meddlers

    def ok(self, kind: str) -> None:
        with self.lock:
            self.done[kind] += 1

    def no(self, kind: str) -> None:
        with self.lock:
            self.refused[kind] += 1

    def error(self, exc: BaseException) -> None:
        with self.lock:
            self.errors.append(repr(exc)[:200])


def _step(kind: str, order: Any, *, buyer: Any, seller: Any) -> Any:
    from lifeline.freelance.services import deliveries as delivery_services  # noqa: PLC0415
    from lifeline.freelance.services import orders as order_services  # noqa: PLC0415

    if kind == "requirements":
        return delivery_services.order_submit_requirements(
            actor=buyer, order=order, text="Blue and white, please"
        )
    if kind == "delivered":
        return delivery_services.order_deliver(
            actor=seller, order=order, message="Here is a version"
        )
    if kind == "revision":
        return delivery_services.order_request_revision(actor=buyer, order=order, message="Larger")
    return order_services.order_complete(actor=buyer, order=order)


def _buyer_loop(buyer: Any, gigs: list[Any], deadline: float, gate: Any, tally: Tally) -> None:
    from django.db import connection  # noqa: PLC0415

    from lifeline.freelance.exceptions import NoRevisionsLeft, OrderTransitionRefused  # noqa: PLC0415
    from lifeline.freelance.services import orders as order_services  # noqa: PLC0415

    rng = random.Random(str(buyer.pk))  # noqa: S311 - a workload, not a secret
    while time.monotonic() < deadline:
        with gate:  # one order's whole path per turn, then the connection goes back
            try:
                gig = rng.choice(gigs)
                order = order_services.order_place(
                    actor=buyer, gig=gig, tier=rng.choice(["basic", "standard", "premium"])
                )
                tally.ok("placed")
                with tally.lock:
                    tally.recent = [*tally.recent[-199:], (order.pk, buyer)]
                kinds = ["requirements", "delivered"]
                if rng.random() < 0.5:
                    kinds += ["revision", "delivered"]
                kinds.append("completed")
                for kind in kinds:
                    try:
                        order = _step(kind, order, buyer=buyer, seller=gig.seller)
                        tally.ok(kind)
                    except (OrderTransitionRefused, NoRevisionsLeft):
                        tally.no(kind)  # a meddler moved it first: go on with the next order
                        break
            except Exception as exc:  # noqa: BLE001 - counted and reported
                tally.error(exc)
            finally:
                connection.close()


def _meddler_loop(stop: threading.Event, gate: Any, tally: Tally, seed: int) -> None:
    from django.db import connection  # noqa: PLC0415

    from lifeline.freelance.exceptions import NoRevisionsLeft, OrderTransitionRefused  # noqa: PLC0415
    from lifeline.freelance.models import Order  # noqa: PLC0415
    from lifeline.freelance.services import deliveries as delivery_services  # noqa: PLC0415
    from lifeline.freelance.services import orders as order_services  # noqa: PLC0415

    rng = random.Random(seed)  # noqa: S311
    with gate:  # a meddler keeps its connection for the whole run
        try:
            while not stop.is_set():  # as long as any buyer still moves an order
                with tally.lock:
                    pick = rng.choice(tally.recent) if tally.recent else None
                if pick is None:
                    time.sleep(0.01)
                    continue
                order_id, buyer = pick
                order = Order.objects.get(pk=order_id)
                kind = rng.choice(["completed", "revision"])
                try:
                    if kind == "completed":
                        order_services.order_complete(actor=buyer, order=order)
                    else:
                        delivery_services.order_request_revision(
                            actor=buyer, order=order, message="One more change"
                        )
                    tally.ok(kind)
                except (OrderTransitionRefused, NoRevisionsLeft):
                    tally.no(kind)
                except Exception as exc:  # noqa: BLE001
                    tally.error(exc)
                time.sleep(0.005)
        finally:
            connection.close()


def _check(tally: Tally) -> dict[str, Any]:
    from django.db.models import Count, Q, Sum  # noqa: PLC0415

    from lifeline.audit.models import AuditEvent  # noqa: PLC0415
    from lifeline.freelance.models import (  # noqa: PLC0415
        LedgerEntry,
        Order,
        OrderEvent,
        SellerBalance,
    )

    events = Counter(
        dict(
            OrderEvent.objects.filter(kind__in=list(LEADS_TO))
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
    )
    audited = Counter(
        dict(
            AuditEvent.objects.filter(action__in=[f"freelance.order_{k}" for k in LEADS_TO])
            .values_list("action")
            .annotate(n=Count("id"))
            .values_list("action", "n")
        )
    )
    log_matches = all(
        events[kind] == tally.done[kind] == audited[f"freelance.order_{kind}"] for kind in LEADS_TO
    )
    double_completions = (
        OrderEvent.objects.filter(kind="completed")
        .values("order_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    wrong_state = 0
    last: dict[Any, str] = {}
    for order_id, kind in (
        OrderEvent.objects.filter(kind__in=list(LEADS_TO))
        .order_by("order_id", "created_at", "id")
        .values_list("order_id", "kind")
    ):
        last[order_id] = kind
    for order_id, status in Order.objects.values_list("pk", "status"):
        if LEADS_TO.get(last.get(order_id, ""), "?") != status:
            wrong_state += 1
    balances_match = True
    for row in Order.objects.values("seller_id").annotate(
        net=Sum("seller_net", filter=Q(status="completed"))
    ):
        balance = SellerBalance.objects.filter(seller_id=row["seller_id"]).first()
        held = (balance.pending + balance.cleared) if balance else Decimal(0)
        if held != (row["net"] or Decimal(0)):
            balances_match = False
    ledger_total = LedgerEntry.objects.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    orders_by_status = dict(
        Order.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {
        "calls_succeeded": dict(tally.done),
        "calls_refused": dict(tally.refused),
        "errors": tally.errors[:5],
        "events_logged": {kind: events[kind] for kind in LEADS_TO},
        "audit_logged": {kind: audited[f"freelance.order_{kind}"] for kind in LEADS_TO},
        "orders_by_status": orders_by_status,
        "log_matches_calls": log_matches,
        "orders_completed_twice": double_completions,
        "orders_not_in_their_last_state": wrong_state,
        "balances_equal_completed_orders": balances_match,
        "ledger_sums_to_zero": ledger_total == 0,
        "ok": log_matches
        and double_completions == 0
        and wrong_state == 0
        and balances_match
        and ledger_total == 0
        and not tally.errors,
    }


def run(buyers: int, seconds: float, meddlers: int, limit: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["DATABASE_URL"] = DATABASE_URL
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import setup_test_environment  # noqa: PLC0415

    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
        from lifeline.access.tests.factories import (  # noqa: PLC0415
            OrganizationFactory,
            user_with_role,
        )
        from lifeline.freelance.tests.factories import gig_factory  # noqa: PLC0415

        market: Any = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
        sellers = [user_with_role(Role.SELLER, market) for _ in range(SELLERS)]
        gigs = [gig_factory(seller=s, organization=market) for s in sellers]
        for gig in gigs:
            gig.seller = next(s for s in sellers if s.pk == gig.seller_id)
        people = [user_with_role(Role.BUYER, market) for _ in range(buyers)]
        connection.close()
        # Register every task before the threads start: a lazily finalized Celery app, first
        # touched from many threads at once, answered "never registered" to some of them.
        from config.celery import app as celery_app  # noqa: PLC0415

        celery_app.loader.import_default_modules()
        assert "notifications.deliver" in celery_app.tasks  # noqa: S101
        tally = Tally()
        gate = threading.Semaphore(limit)
        deadline = time.monotonic() + seconds
        stop = threading.Event()
        buyers_ = [
            threading.Thread(target=_buyer_loop, args=(b, gigs, deadline, gate, tally))
            for b in people
        ]
        meddlers_ = [
            threading.Thread(target=_meddler_loop, args=(stop, gate, tally, i))
            for i in range(meddlers)
        ]
        t0 = time.perf_counter()
        for thread in meddlers_ + buyers_:
            thread.start()
        for thread in buyers_:
            thread.join()
        stop.set()
        for thread in meddlers_:
            thread.join()
        wall = time.perf_counter() - t0
        result = _check(tally)
        transitions = sum(tally.done.values())
        result |= {
            "buyers": buyers,
            "meddlers": meddlers,
            "concurrent_connections": limit,
            "seconds": seconds,
            "wall_s": round(wall, 1),
            "transitions_per_s": round(transitions / wall, 1),
        }
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_db, verbosity=0)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or NAME).splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 buyers for 5 s")
    parser.add_argument("--buyers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--meddlers", type=int, default=10)
    parser.add_argument("--connections", type=int, default=60)
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)
    if args.quick:
        args.buyers, args.seconds, args.meddlers = 20, 5.0, 4
    before = _load()
    result = run(args.buyers, args.seconds, args.meddlers, args.connections)
    result["load_average_before_after"] = [before, _load()]
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
