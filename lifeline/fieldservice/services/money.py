"""Writes of money transactions and their receipts (managers and above); request incomes
come from services.requests when a request becomes «Готово»."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction as db
from django.http import HttpRequest

from lifeline.audit.services import record
from lifeline.fieldservice.exceptions import CityNotGranted, FieldServiceForbidden
from lifeline.fieldservice.models import Transaction, TransactionFile
from lifeline.fieldservice.permissions import can_manage_transactions
from lifeline.files.enums import FileKind
from lifeline.files.services import file_upload


@db.atomic
def transaction_create(
    *,
    actor: Any,
    organization_id: Any,
    data: dict[str, Any],
    receipt: File | None = None,
    http_request: HttpRequest | None = None,
) -> Transaction:
    """Create a transaction, with its receipt if one is given. A receipt the files service
    refuses (type, size) rolls the transaction back too: bad input stores nothing."""
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
    if receipt is not None:
        transaction_file_add(
            actor=actor, transaction=row, uploaded_file=receipt, http_request=http_request
        )
    return row


@db.atomic
def transaction_file_add(
    *,
    actor: Any,
    transaction: Transaction,
    uploaded_file: File,
    http_request: HttpRequest | None = None,
) -> TransactionFile:
    """Attach a receipt (image or PDF, content-checked by the files service) to a
    transaction the actor loaded through `transaction_get_for`; managers and above only
    (a master sees their handover's receipts but does not add any)."""
    if not can_manage_transactions(actor, transaction.organization_id):
        raise FieldServiceForbidden()
    stored = file_upload(
        actor=actor,
        uploaded_file=uploaded_file,
        kind=FileKind.ATTACHMENT,
        organization=transaction.organization,
        attach_to=transaction,
        request=http_request,
    )
    row = TransactionFile.objects.create(transaction=transaction, file=stored, uploaded_by=actor)
    record(
        actor=actor,
        action="fieldservice.transaction_receipt_added",
        target=transaction,
        after={"file_id": str(stored.pk)},
    )
    return row
