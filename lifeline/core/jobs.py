"""Claiming due rows safely: the building block of every "do this later" sweep.

Work that must happen later is a deadline stored in the database plus a periodic sweep
(ARCHITECTURE.md, decision 5). The sweep calls `claim_due()` to take the rows whose deadline
has passed; each row is taken by exactly one caller even when several sweeps (several beat
ticks, several workers, a restarted worker) run at once, so nothing runs twice and a lost
message or a restart loses nothing: the row stays due until a sweep claims it.

    from lifeline.core.jobs import claim_due

    @transaction.atomic
    def escalation_sweep(*, now: datetime) -> None:
        pks = claim_due(
            Alert.objects.filter(status=AlertStatus.OPEN),
            deadline_field="escalate_at",
            claim_field="escalation_claimed_at",
            now=now,
            limit=100,
        )
        for alert in Alert.objects.filter(pk__in=pks):
            alert_escalate(alert=alert)

How a row is claimed depends on what the database can do:

- PostgreSQL (`SELECT … FOR UPDATE SKIP LOCKED`): the free due rows are locked in one query
  (rows another sweep holds are skipped, not waited for), then marked in one `UPDATE`.
- SQLite (no row locks): one compare-and-set `UPDATE … WHERE pk = … AND <still free>` per
  candidate; SQLite serializes writers, so when two sweeps race for a row only one `UPDATE`
  matches it and the other sweep gets 0 rows and moves on.

The claim is committed with the caller's outermost transaction; call it inside
`transaction.atomic()` together with the work if the work must commit with the claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import connections, transaction
from django.db.models import Model, Q, QuerySet


def _free(claim_field: str, now: datetime, lease: timedelta | None) -> Q:
    free = Q(**{f"{claim_field}__isnull": True})
    if lease is not None:
        # The claimer died (a killed worker): its claim expires after the lease.
        free |= Q(**{f"{claim_field}__lt": now - lease})
    return free


def claim_due(
    queryset: QuerySet[Any],
    *,
    deadline_field: str,
    claim_field: str,
    now: datetime,
    limit: int = 100,
    lease: timedelta | None = None,
    values: Mapping[str, Any] | None = None,
) -> list[Any]:
    """Claim up to `limit` rows of `queryset` that are due and free; return their primary keys.

    A row is due when `deadline_field <= now`. It is free when `claim_field` is NULL or, when
    `lease` is given, when it was claimed more than `lease` ago (by a claimer that died).
    Claiming sets `claim_field = now` and every item of `values` (for example
    `{"status": "running", "attempts": F("attempts") + 1}`). Rows come in deadline order.

    Every returned key was claimed by this call and by no concurrent caller. The rows of
    `queryset` must not be shared through joins that the caller updates elsewhere: only the
    model's own table is locked.
    """
    if limit <= 0:
        return []
    updates: dict[str, Any] = {claim_field: now, **(values or {})}
    candidates = (
        queryset.filter(**{f"{deadline_field}__lte": now})
        .filter(_free(claim_field, now, lease))
        .order_by(deadline_field, "pk")
    )
    connection = connections[queryset.db]
    with transaction.atomic(using=queryset.db):
        if connection.features.has_select_for_update_skip_locked:
            locked = candidates.select_for_update(skip_locked=True, of=("self",))
            pks = list(locked.values_list("pk", flat=True)[:limit])
            if pks:
                queryset.model._base_manager.using(queryset.db).filter(pk__in=pks).update(**updates)
            return pks
        claimed = []
        for pk in list(candidates.values_list("pk", flat=True)[:limit]):
            # Compare-and-set: only matches while the row is still due and free.
            won = (
                queryset.filter(pk=pk, **{f"{deadline_field}__lte": now})
                .filter(_free(claim_field, now, lease))
                .update(**updates)
            )
            if won:
                claimed.append(pk)
        return claimed


def release(instance: Model, *, claim_field: str, values: Mapping[str, Any] | None = None) -> bool:
    """Give a claimed row back (set `claim_field` to NULL) so the next sweep can take it."""
    model = type(instance)
    updated = model._base_manager.filter(pk=instance.pk).update(
        **{claim_field: None, **(values or {})}
    )
    return bool(updated)
