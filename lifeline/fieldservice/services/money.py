"""Writes of money transactions (managers and above); request incomes come from
services.requests when a request becomes «Готово»."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lifeline.audit.services import record
from lifeline.fieldservice.exceptions import CityNotGranted, FieldServiceForbidden
from lifeline.fieldservice.models import Transaction
from lifeline.fieldservice.permissions import can_manage_transactions


@transaction.atomic
def transaction_create(*, actor: Any, organization_id: Any, data: dict[str, Any]) -> Transaction:
    if not can_manage_transactions(actor, organization_id):
        raise FieldServiceForbidden()
    for key in ("city", "transaction_type"):
        if data[key].organization_id != organization_id:
            raise CityNotGranted() if key == "city" else FieldServiceForbidden()
    row = Transaction.objects.create(organization_id=organization_id, created_by=actor, **data)
    record(
        actor=actor,
        action="fieldservice.transaction_created",
        target=row,
        after={"amount": str(row.amount), "type": row.transaction_type.name},
    )
    return row
