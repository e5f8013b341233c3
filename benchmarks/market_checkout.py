"""Benchmark: checkout under concurrency never oversells (issue 19).

Target (issue 19, Performance): 200 buyers racing for the last 50 units of a product: exactly
50 sold, never a negative stock.

Each of B buyers (default 200) has one unit of the same product (stock S, default 50) in the
cart; B threads, each with its own database connection, wait at a barrier and call
`market.services.orders.checkout_place` at once (PostgreSQL: the product row locked
`FOR UPDATE`; SQLite: the settings' IMMEDIATE transactions serialise the writers). Then it
counts: checkouts that succeeded, refusals with `market.out_of_stock`, other errors, orders
and order lines stored, the product's stock (and whether it ever went below zero: a CHECK
constraint would have raised), the sellers' pending balance against the sum of the orders.
The same race runs R times (default 3) on a fresh product. Also timed: the wall time of each
race and the p50/p95 of a single checkout inside it (contention included), next to the
p50/p95 of the same checkout with no contention (one buyer at a time) in the same run.

PostgreSQL `max_connections` is 100 by default: with 200 threads, at most `--connections`
(default 60) hold a connection at once (a semaphore): all 200 threads are released by one
barrier, then race for the semaphore and, inside it, for the same rows.

    uv run python benchmarks/market_checkout.py [--engine postgresql|sqlite|both]
        [--buyers 200] [--units 50] [--rounds 3] [--json]

Exit status 1 when a race sells other than min(B, S) units, the stock goes negative, the
orders do not add up, or a checkout fails with anything but out-of-stock.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAME = "market_checkout"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _race(market: Any, seller: Any, buyers: list[Any], units: int, limit: int) -> dict[str, Any]:
    from django.db import connection  # noqa: PLC0415
    from django.db.models import Sum  # noqa: PLC0415

    from lifeline.market.exceptions import OutOfStock  # noqa: PLC0415
    from lifeline.market.models import Order, OrderLine, SellerBalance  # noqa: PLC0415
    from lifeline.market.services.cart import cart_set_item  # noqa: PLC0415
    from lifeline.market.services.orders import checkout_place  # noqa: PLC0415
    from lifeline.market.tests.factories import ProductFactory  # noqa: PLC0415

    product: Any = ProductFactory(
        seller=seller, organization=market, stock=units, price=Decimal("10.00")
    )
    for buyer in buyers:
        cart_set_item(actor=buyer, product=product, quantity=1)
    outcomes: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    gate = threading.Semaphore(limit)
    start = threading.Barrier(len(buyers))

    def shop(user: Any) -> None:
        start.wait(timeout=120)  # all released at once; then `limit` at a time in the database
        with gate:
            t0 = time.perf_counter()
            try:
                checkout_place(actor=user)
                outcome = "sold"
            except OutOfStock:
                outcome = "out_of_stock"
            except Exception as exc:  # noqa: BLE001 - counted and reported
                outcome = repr(exc)[:200]
            finally:
                connection.close()
            with lock:
                outcomes.append(outcome)
                latencies.append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=shop, args=(u,)) for u in buyers]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    product.refresh_from_db()
    orders = Order.objects.filter(lines__product=product).distinct()
    sold_units = OrderLine.objects.filter(product=product).aggregate(n=Sum("quantity"))["n"] or 0
    seller_amounts = orders.aggregate(s=Sum("seller_amount"))["s"] or Decimal(0)
    errors = [o for o in outcomes if o not in ("sold", "out_of_stock")]
    expected = min(len(buyers), units)
    result = {
        "buyers": len(buyers),
        "units": units,
        "sold": outcomes.count("sold"),
        "out_of_stock": outcomes.count("out_of_stock"),
        "errors": errors[:5],
        "orders": orders.count(),
        "units_in_orders": sold_units,
        "stock_after": product.stock,
        "status_after": product.status,
        "wall_s": round(wall, 2),
        "checkout_p50_ms": round(statistics.median(latencies), 1),
        "checkout_p95_ms": round(_percentile(latencies, 95), 1),
    }
    balance = SellerBalance.objects.get(seller=seller)
    result["ok"] = (
        result["sold"] == expected
        and result["orders"] == expected
        and sold_units == expected
        and product.stock == units - expected
        and not errors
        and balance.pending >= seller_amounts
    )
    return result


def run_engine(engine: str, buyers: int, units: int, rounds: int, limit: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    if engine == "postgresql":
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/lifeline_bench_checkout"
    else:
        os.environ.pop("DATABASE_URL", None)
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
        from lifeline.market.services.cart import cart_set_item  # noqa: PLC0415
        from lifeline.market.services.orders import checkout_place  # noqa: PLC0415
        from lifeline.market.tests.factories import ProductFactory  # noqa: PLC0415

        market: Any = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
        seller = user_with_role(Role.SELLER, market)
        people = [user_with_role(Role.BUYER, market) for _ in range(buyers)]
        # Baseline: the same checkout, one buyer at a time (no contention).
        calm: Any = ProductFactory(seller=seller, organization=market, stock=10_000)
        alone: list[float] = []
        for buyer in people[:40]:
            cart_set_item(actor=buyer, product=calm, quantity=1)
            t0 = time.perf_counter()
            checkout_place(actor=buyer)
            alone.append((time.perf_counter() - t0) * 1000)
        races = [_race(market, seller, people, units, limit) for _ in range(rounds)]
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_db, verbosity=0)
    return {
        "engine": engine,
        "concurrent_connections": limit,
        "uncontended_checkout_p50_ms": round(statistics.median(alone), 1),
        "uncontended_checkout_p95_ms": round(_percentile(alone, 95), 1),
        "races": races,
        "ok": all(r["ok"] for r in races),
    }


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=60)
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)
    if args.engine == "both":  # one process per engine: Django is set up once per process
        results = []
        for engine in ("postgresql", "sqlite"):
            command = [sys.executable, __file__, "--engine", engine, "--json"]
            command += ["--buyers", str(args.buyers), "--units", str(args.units)]
            command += ["--rounds", str(args.rounds), "--connections", str(args.connections)]
            out = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            if out.returncode not in (0, 1) or not out.stdout.strip():
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    else:
        before = _load()
        result = run_engine(args.engine, args.buyers, args.units, args.rounds, args.connections)
        result["load_average_before_after"] = [before, _load()]
        results = [result]
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False))
    else:
        for result in results:
            print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
