"""Writes of service requests: create, edit, status moves by the table, money computed by
the server, the «Готово» income transaction, and the history of every change."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.audit.services import record
from lifeline.fieldservice import events
from lifeline.fieldservice.enums import CLOSED_STATUSES, RequestStatus, StaffStatus
from lifeline.fieldservice.exceptions import (
    CityNotGranted,
    FieldServiceForbidden,
    MasterRequired,
    NotAMaster,
    TransitionNotAllowed,
)
from lifeline.fieldservice.metrics import REQUEST_STATUS_CHANGES
from lifeline.fieldservice.models import (
    City,
    ServiceRequest,
    StaffProfile,
    Transaction,
    TransactionType,
)
from lifeline.fieldservice.permissions import (
    MANAGER_ROLES,
    can_create_request,
    can_edit_request,
    can_edit_request_money,
    roles_in,
)
from lifeline.fieldservice.selectors import granted_city_ids
from lifeline.fieldservice.services.reference import company_defaults_ensure
from lifeline.fieldservice.transitions import allowed_targets
from lifeline.realtime.events import publish_on_commit

CENT = Decimal("0.01")

# Fields the call centre (and managers) edit; money and status have their own rules.
CALL_CENTRE_FIELDS = (
    "city",
    "campaign",
    "request_type",
    "direction",
    "client_phone",
    "client_name",
    "address",
    "meeting_at",
    "problem",
    "master",
    "call_centre_notes",
    "ats_number",
)
MASTER_FIELDS = ("master_notes",)
MONEY_FIELDS = ("result", "expenses")


def money_compute(
    *, result: Decimal | None, expenses: Decimal | None, company_share: Decimal
) -> tuple[Decimal | None, Decimal | None]:
    """(net_amount, master_handover): net = result − expenses; the master hands over the
    company's share of the net (never below zero). None while there is no result."""
    if result is None:
        return None, None
    net = (result - (expenses or Decimal("0"))).quantize(CENT, rounding=ROUND_HALF_UP)
    handover = (max(net, Decimal("0")) * company_share).quantize(CENT, rounding=ROUND_HALF_UP)
    return net, handover


def _check_city(actor: Any, organization_id: Any, city: City) -> None:
    if city.organization_id != organization_id:
        raise CityNotGranted()
    if roles_in(actor, organization_id) & MANAGER_ROLES:
        return
    if city.pk not in granted_city_ids(actor=actor).get(organization_id, set()):
        raise CityNotGranted()


def _check_master(organization_id: Any, master: Any, city: City) -> None:
    """A master must hold the MASTER role in the company, be active and work in the city."""
    if master is None:
        return
    ok = StaffProfile.objects.filter(
        organization_id=organization_id,
        user=master,
        status=StaffStatus.ACTIVE,
        cities=city,
        user__memberships__organization_id=organization_id,
        user__memberships__role=Role.MASTER,
        user__memberships__is_active=True,
    ).exists()
    if not ok:
        raise NotAMaster()


def _check_references(organization_id: Any, data: dict[str, Any]) -> None:
    for key in ("campaign", "request_type", "direction", "city"):
        row = data.get(key)
        if row is not None and row.organization_id != organization_id:
            raise CityNotGranted() if key == "city" else FieldServiceForbidden()


def _log(request: ServiceRequest, *, actor: Any, from_status: str, fields: dict[str, Any]) -> None:
    request.changes.create(
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status if from_status != request.status else "",
        to_status=request.status if from_status != request.status else "",
        fields={key: (str(value) if value is not None else None) for key, value in fields.items()},
    )


@transaction.atomic
def request_create(
    *, actor: Any, organization_id: Any, data: dict[str, Any], source: str = "manual"
) -> ServiceRequest:
    """Create a «Новая» request (or «Ожидает принятия» when created with a master).

    `actor` is None when the telephony creates it; else they must be staff in a granted
    city. Money fields are never taken from `data`.
    """
    data = {key: value for key, value in data.items() if key in CALL_CENTRE_FIELDS}
    if actor is not None:
        if not can_create_request(actor, organization_id):
            raise FieldServiceForbidden()
        _check_city(actor, organization_id, data["city"])
    _check_references(organization_id, data)
    _check_master(organization_id, data.get("master"), data["city"])
    company_defaults_ensure(organization_id=organization_id)
    status = RequestStatus.AWAITING_ACCEPTANCE if data.get("master") else RequestStatus.NEW
    # The person who took the order (the call-centre report counts it for them); the
    # telephony sets the operator who answered the call instead.
    request = ServiceRequest.objects.create(
        organization_id=organization_id, status=status, operator=actor, **data
    )
    _log(request, actor=actor, from_status="", fields={"source": source, **data})
    record(
        actor=actor,
        action="fieldservice.request_created",
        target=request,
        metadata={"source": source},
    )
    REQUEST_STATUS_CHANGES.labels(status=status).inc()
    publish_on_commit(
        events.request_changed(request, kind="created"), events.request_audience(request)
    )
    return request


def _locked(request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("city")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_update(*, actor: Any, request: ServiceRequest, data: dict[str, Any]) -> ServiceRequest:
    """Edit fields the actor may edit: call-centre fields (staff), the master's notes
    (the request's master), result and expenses (the master or managers). Money is
    recomputed; a «Готово» request's income follows its handover."""
    request = _locked(request)
    roles = roles_in(actor, request.organization_id)
    is_own = request.master_id == actor.pk and Role.MASTER in roles
    allowed: set[str] = set()
    if can_edit_request(actor, request):
        allowed.update(CALL_CENTRE_FIELDS)
    if is_own or roles & MANAGER_ROLES:
        allowed.update(MASTER_FIELDS)
    if can_edit_request_money(actor, request):
        allowed.update(MONEY_FIELDS)
    refused = set(data) - allowed
    if refused:
        raise FieldServiceForbidden(
            errors={key: ["not editable by you"] for key in sorted(refused)}
        )
    if "city" in data:
        _check_city(actor, request.organization_id, data["city"])
    _check_references(request.organization_id, data)
    if "master" in data or "city" in data:
        _check_master(
            request.organization_id,
            data.get("master", request.master),
            data.get("city", request.city),
        )
    changed = {key: value for key, value in data.items() if getattr(request, key) != value}
    if not changed:
        return request
    for key, value in changed.items():
        setattr(request, key, value)
    from_status = request.status
    if "master" in changed:
        if request.master is None and request.status in (
            RequestStatus.AWAITING_ACCEPTANCE,
            RequestStatus.ACCEPTED,
        ):
            request.status = RequestStatus.WAITING
        elif request.master is not None and request.status in (
            RequestStatus.NEW,
            RequestStatus.WAITING,
        ):
            request.status = RequestStatus.AWAITING_ACCEPTANCE
    _recompute_money(request)
    request.save()
    _sync_income(request, actor=actor)
    _log(request, actor=actor, from_status=from_status, fields=changed)
    record(
        actor=actor,
        action="fieldservice.request_updated",
        target=request,
        after={key: str(value) for key, value in changed.items()},
    )
    publish_on_commit(
        events.request_changed(request, kind="updated"), events.request_audience(request)
    )
    return request


def _recompute_money(request: ServiceRequest) -> None:
    share = company_defaults_ensure(organization_id=request.organization_id).company_share
    request.net_amount, request.master_handover = money_compute(
        result=request.result, expenses=request.expenses, company_share=share
    )


def _sync_income(request: ServiceRequest, *, actor: Any) -> None:
    """The income transaction of a «Готово» request: created once, kept equal to the
    handover and the city, removed when the request leaves «Готово». Caller holds the
    request row lock."""
    existing = Transaction.objects.filter(request=request).first()
    if request.status != RequestStatus.DONE:
        if existing is not None:
            existing.delete()
        return
    amount = request.master_handover or Decimal("0.00")
    if existing is not None:
        if existing.amount != amount or existing.city_id != request.city_id:
            existing.amount = amount
            existing.city_id = request.city_id
            existing.save(update_fields=["amount", "city", "updated_at"])
        return
    company_defaults_ensure(organization_id=request.organization_id)
    income_type = TransactionType.objects.get(
        organization_id=request.organization_id, is_request_income=True
    )
    Transaction.objects.create(
        organization_id=request.organization_id,
        city_id=request.city_id,
        transaction_type=income_type,
        amount=amount,
        specified_date=timezone.localdate(),
        payment_reason="request",
        notes=f"Request {request.pk}",
        request=request,
        master_id=request.master_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def request_set_status(*, actor: Any, request: ServiceRequest, status: str) -> ServiceRequest:
    """Move the request to `status` if the table lets the actor's roles do it (409 naming
    the allowed moves otherwise). Same status again is a no-op."""
    request = _locked(request)
    if request.status == status:
        return request
    roles = roles_in(actor, request.organization_id)
    is_own = request.master_id is not None and request.master_id == actor.pk
    allowed = allowed_targets(source=request.status, roles=roles, is_own=is_own)
    if status not in allowed:
        raise TransitionNotAllowed(extra={"allowed": allowed, "current_status": request.status})
    if status == RequestStatus.AWAITING_ACCEPTANCE and request.master_id is None:
        raise MasterRequired()
    from_status = request.status
    request.status = status
    if from_status in CLOSED_STATUSES or status == RequestStatus.DONE:
        _recompute_money(request)
    request.save(update_fields=["status", "net_amount", "master_handover", "updated_at"])
    _sync_income(request, actor=actor)
    _log(request, actor=actor, from_status=from_status, fields={})
    record(
        actor=actor,
        action="fieldservice.request_status_changed",
        target=request,
        before={"status": from_status},
        after={"status": status},
    )
    REQUEST_STATUS_CHANGES.labels(status=status).inc()
    publish_on_commit(
        events.request_changed(request, kind="updated"), events.request_audience(request)
    )
    return request
