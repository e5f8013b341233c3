"""Writes of reference data (cities, request types, directions, campaigns, transaction
types) and company defaults. Managers and above edit; directors delete unused rows."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.db import IntegrityError, transaction
from django.db.models import Model

from lifeline.audit.services import record
from lifeline.fieldservice.enums import RequestTypeCode, TransactionKind
from lifeline.fieldservice.exceptions import (
    DuplicateReference,
    FieldServiceForbidden,
    ReferenceInUse,
)
from lifeline.fieldservice.models import (
    CompanySettings,
    RequestType,
    TransactionType,
)
from lifeline.fieldservice.permissions import can_delete_reference, can_edit_reference

M = TypeVar("M", bound=Model)

# The seed's defaults, created for every company (names are data: the company may rename).
DEFAULT_REQUEST_TYPES = (("Впервые", RequestTypeCode.FIRST), ("Повтор", RequestTypeCode.REPEAT))
DEFAULT_TRANSACTION_TYPES = (
    ("Приход", TransactionKind.INCOME, True),
    ("Расход", TransactionKind.EXPENSE, False),
)


def company_defaults_ensure(*, organization_id: Any) -> CompanySettings:
    """Create the company's settings and seeded reference rows if missing. Idempotent."""
    settings_row, _ = CompanySettings.objects.get_or_create(organization_id=organization_id)
    for name, code in DEFAULT_REQUEST_TYPES:
        if not RequestType.objects.filter(organization_id=organization_id, code=code).exists():
            RequestType.objects.get_or_create(
                organization_id=organization_id, name=name, defaults={"code": code}
            )
    for name, kind, is_income in DEFAULT_TRANSACTION_TYPES:
        if (
            is_income
            and TransactionType.objects.filter(
                organization_id=organization_id, is_request_income=True
            ).exists()
        ):
            continue
        TransactionType.objects.get_or_create(
            organization_id=organization_id,
            name=name,
            defaults={"kind": kind, "is_request_income": is_income},
        )
    return settings_row


def _label(model: type[Model]) -> str:
    return str(model._meta.model_name)


@transaction.atomic
def reference_create(
    *, actor: Any, model: type[M], organization_id: Any, data: dict[str, Any]
) -> M:
    if not can_edit_reference(actor, organization_id):
        raise FieldServiceForbidden()
    try:
        with transaction.atomic():
            row = model._default_manager.create(organization_id=organization_id, **data)
    except IntegrityError as exc:
        raise DuplicateReference() from exc
    record(
        actor=actor,
        action=f"fieldservice.{_label(model)}_created",
        target=row,
        organization=organization_id,
        after={k: str(v) for k, v in data.items()},
    )
    return row


@transaction.atomic
def reference_update(*, actor: Any, row: M, data: dict[str, Any]) -> M:
    organization_id = row.organization_id  # type: ignore[attr-defined]
    if not can_edit_reference(actor, organization_id):
        raise FieldServiceForbidden()
    before = {key: str(getattr(row, key)) for key in data}
    for key, value in data.items():
        setattr(row, key, value)
    try:
        with transaction.atomic():
            row.save(update_fields=[*data, "updated_at"])
    except IntegrityError as exc:
        raise DuplicateReference() from exc
    record(
        actor=actor,
        action=f"fieldservice.{_label(type(row))}_updated",
        target=row,
        before=before,
        after={k: str(v) for k, v in data.items()},
    )
    return row


def _in_use(row: Model) -> bool:
    for relation in row._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            related = cast("type[Model]", relation.related_model)
            if related._default_manager.filter(**{relation.field.name: row}).exists():
                return True
        elif relation.many_to_many:
            accessor = relation.get_accessor_name()
            if accessor and getattr(row, accessor).exists():
                return True
    return False


@transaction.atomic
def reference_delete(*, actor: Any, row: Model) -> None:
    """Delete an unused reference row (directors only); a row in use is refused with 409."""
    organization_id = row.organization_id  # type: ignore[attr-defined]
    if not can_delete_reference(actor, organization_id):
        raise FieldServiceForbidden()
    if getattr(row, "code", "") or getattr(row, "is_request_income", False):
        raise ReferenceInUse()  # the telephony and the «Готово» income need these rows
    if _in_use(row):
        raise ReferenceInUse()
    record(
        actor=actor,
        action=f"fieldservice.{_label(type(row))}_deleted",
        target=row,
        before={"name": str(row)},
    )
    row.delete()
