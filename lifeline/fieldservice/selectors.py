"""Scoped reads of the fieldservice module: nothing outside the actor's scope is returned
(a request outside it is the same 404 as one that does not exist)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import F, Model, Prefetch, Q, QuerySet

from lifeline.access.enums import Role
from lifeline.core.exceptions import NotFound
from lifeline.core.selectors import get_or_not_found
from lifeline.fieldservice.enums import OPEN_STATUSES
from lifeline.fieldservice.models import (
    AlertRule,
    Call,
    CallbackTask,
    Campaign,
    City,
    Direction,
    RequestChange,
    RequestType,
    ServiceRequest,
    StaffProfile,
    Transaction,
    TransactionFile,
    TransactionType,
)
from lifeline.fieldservice.permissions import MANAGER_ROLES, STAFF_ROLES, company_roles, roles_in

M = TypeVar("M", bound=Model)


def granted_city_ids(*, actor: Any) -> dict[Any, set[int]]:
    """{organization_id: city ids} granted to `actor` (operators, masters)."""
    if not getattr(actor, "is_authenticated", False):
        return {}
    cached = getattr(actor, "_fieldservice_cities", None)
    if cached is not None:
        return dict(cached)
    granted: dict[Any, set[int]] = {}
    for org_id, city_id in StaffProfile.objects.filter(
        user=actor, cities__isnull=False
    ).values_list("organization_id", "cities"):
        granted.setdefault(org_id, set()).add(city_id)
    actor._fieldservice_cities = granted
    return dict(granted)


def city_scope(*, actor: Any, field: str = "city_id") -> Q:
    """Rows of a city the actor sees: the whole company for managers, granted cities for
    operators and masters. An impossible Q when the actor has no field-service role."""
    roles = company_roles(actor)
    cities: dict[Any, set[int]] | None = None
    scope = Q(pk__in=[])
    for org_id, held in roles.items():
        if held & MANAGER_ROLES:
            scope |= Q(organization_id=org_id)
            continue
        if cities is None:
            cities = granted_city_ids(actor=actor)
        scope |= Q(organization_id=org_id, **{f"{field}__in": sorted(cities.get(org_id, set()))})
    return scope


def request_scope(*, actor: Any) -> Q:
    """Requests the actor sees: managers all of the company, operators their cities,
    masters the requests assigned to them."""
    roles = company_roles(actor)
    cities: dict[Any, set[int]] | None = None
    scope = Q(pk__in=[])
    for org_id, held in roles.items():
        if held & MANAGER_ROLES:
            scope |= Q(organization_id=org_id)
            continue
        if Role.OPERATOR in held:
            if cities is None:
                cities = granted_city_ids(actor=actor)
            scope |= Q(organization_id=org_id, city_id__in=sorted(cities.get(org_id, set())))
        if Role.MASTER in held:
            scope |= Q(organization_id=org_id, master_id=actor.pk)
    return scope


def request_list_for(
    *,
    actor: Any,
    city_id: int | None = None,
    status: str | None = None,
    master_id: Any = None,
    campaign_id: int | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    phone: str | None = None,
    search: str | None = None,
) -> QuerySet[ServiceRequest]:
    """The actor's requests, newest first (stable: created_at, then id), filtered."""
    qs = ServiceRequest.objects.filter(request_scope(actor=actor))
    if city_id is not None:
        qs = qs.filter(city_id=city_id)
    if status:
        qs = qs.filter(status=status)
    if master_id:
        qs = qs.filter(master_id=master_id)
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    if created_from is not None:
        qs = qs.filter(created_at__date__gte=created_from)
    if created_to is not None:
        qs = qs.filter(created_at__date__lte=created_to)
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        qs = qs.filter(client_phone__endswith=digits) if digits else qs.none()
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        term = Q(client_name__icontains=search) | Q(address__icontains=search)
        if len(digits) >= 3:
            term |= Q(client_phone__contains=digits)
        qs = qs.filter(term)
    return qs.select_related(
        "city", "campaign", "request_type", "direction", "master", "operator"
    ).order_by("-created_at", "-id")


def request_get_for(*, actor: Any, request_id: UUID | str) -> ServiceRequest:
    """The request if the actor may see it; otherwise NotFound."""
    qs = ServiceRequest.objects.filter(request_scope(actor=actor)).select_related(
        "city", "campaign", "request_type", "direction", "master", "operator", "organization"
    )
    return get_or_not_found(qs, pk=request_id)


def request_history_for(*, actor: Any, request: ServiceRequest) -> QuerySet[RequestChange]:
    """Changes of a request the actor already loaded through `request_get_for`."""
    return request.changes.select_related("actor").order_by("created_at", "id")


def client_history_for(*, actor: Any, request: ServiceRequest) -> QuerySet[ServiceRequest]:
    """Other requests from the same phone that the actor may see."""
    return (
        ServiceRequest.objects.filter(request_scope(actor=actor))
        .filter(organization_id=request.organization_id, client_phone=request.client_phone)
        .exclude(pk=request.pk)
        .select_related("city")
        .order_by("-created_at", "-id")
    )


def open_request_for_phone(*, organization_id: Any, phone: str) -> ServiceRequest | None:
    """The newest open request from `phone` (telephony, no actor: the PBX is the caller)."""
    return (
        ServiceRequest.objects.filter(
            organization_id=organization_id, client_phone=phone, status__in=OPEN_STATUSES
        )
        .order_by("-created_at", "-id")
        .first()
    )


# --- reference data -------------------------------------------------------------------------
REFERENCE_MODELS: dict[str, type[Model]] = {
    "cities": City,
    "request-types": RequestType,
    "directions": Direction,
    "campaigns": Campaign,
    "transaction-types": TransactionType,
}


def reference_list_for(*, actor: Any, model: type[M]) -> QuerySet[M]:
    """Reference rows of the actor's companies (every role reads them). Operators and
    masters see only their cities (and the campaigns of those cities)."""
    org_ids = list(company_roles(actor))
    qs = model._default_manager.filter(organization_id__in=org_ids)
    if model is City:
        qs = qs.filter(city_scope(actor=actor, field="id"))
    elif model is Campaign:
        qs = qs.filter(city_scope(actor=actor)).select_related("city")
    return qs.order_by("name", "id")


def reference_get_for(*, actor: Any, model: type[M], pk: Any) -> M:
    return get_or_not_found(reference_list_for(actor=actor, model=model), pk=pk)


def masters_of(*, organization_id: Any) -> QuerySet[StaffProfile]:
    return staff_with_role(organization_id=organization_id, role=Role.MASTER)


def operators_of(*, organization_id: Any) -> QuerySet[StaffProfile]:
    """Operators of the company, former ones too (the report covers past periods)."""
    return staff_with_role(organization_id=organization_id, role=Role.OPERATOR, active_only=False)


def staff_with_role(
    *, organization_id: Any, role: str, active_only: bool = True
) -> QuerySet[StaffProfile]:
    """Staff of the company holding `role` (active memberships only, unless told), by name."""
    active = Q(user__memberships__is_active=True) if active_only else Q()
    return (
        StaffProfile.objects.filter(
            active,
            organization_id=organization_id,
            user__memberships__organization_id=organization_id,
            user__memberships__role=role,
        )
        .select_related("user")
        .prefetch_related("cities")
        .distinct()
        .order_by("user__full_name", "id")
    )


def transaction_scope(*, actor: Any) -> Q:
    """Managers and directors: the company's transactions; a master: their own handovers."""
    scope = Q(pk__in=[])
    for org_id, held in company_roles(actor).items():
        if held & MANAGER_ROLES:
            scope |= Q(organization_id=org_id)
        elif Role.MASTER in held:
            scope |= Q(organization_id=org_id, master_id=actor.pk)
    return scope


def transaction_list_for(*, actor: Any) -> QuerySet[Transaction]:
    """The transactions the actor sees (`transaction_scope`), newest first, with receipts."""
    return (
        Transaction.objects.filter(transaction_scope(actor=actor))
        .select_related("city", "transaction_type", "request", "master")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=TransactionFile.objects.filter(file__deleted_at__isnull=True)
                .select_related("file")
                .order_by("created_at", "id"),
                to_attr="receipts",
            )
        )
        .order_by("-created_at", "-id")
    )


def transaction_get_for(*, actor: Any, transaction_id: UUID | str) -> Transaction:
    """A transaction the actor may see (managers: their company; a master: their own
    handovers); otherwise NotFound."""
    return get_or_not_found(transaction_list_for(actor=actor), pk=transaction_id)


def can_view_transaction_file(user: Any, transaction: Transaction) -> bool:
    """The files rule for transactions (registered in apps.py): whoever sees the transaction."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Transaction.objects.filter(transaction_scope(actor=user), pk=transaction.pk).exists()


def callback_list_for(*, actor: Any, open_only: bool = True) -> QuerySet[CallbackTask]:
    roles = company_roles(actor)
    staff_orgs = [org for org, held in roles.items() if held - {Role.MASTER}]
    if not staff_orgs:
        return CallbackTask.objects.none()
    qs = CallbackTask.objects.filter(organization_id__in=staff_orgs).filter(
        Q(city__isnull=True) | city_scope(actor=actor)
    )
    if open_only:
        qs = qs.exclude(status="done")
    return qs.select_related("city", "taken_by", "call").order_by("due_at", "id")


def callback_get_for(*, actor: Any, callback_id: UUID | str) -> CallbackTask:
    return get_or_not_found(callback_list_for(actor=actor, open_only=False), pk=callback_id)


def company_id_for(
    *, actor: Any, organization_id: Any = None, roles: frozenset[str] | None = None
) -> Any:
    """The field-service company the actor acts in: the given one if they belong to it, or
    their only one. NotFound if they belong to none (or not to the one given)."""
    held = company_roles(actor)
    if roles is not None:
        member_of = bool(held)
        held = {org: r for org, r in held.items() if r & roles}
        if member_of and not held:
            from lifeline.fieldservice.exceptions import FieldServiceForbidden

            raise FieldServiceForbidden()
    if organization_id is not None:
        for org in held:
            if str(org) == str(organization_id):
                return org
        raise NotFound()
    if len(held) == 1:
        return next(iter(held))
    if not held:
        raise NotFound()
    from lifeline.fieldservice.exceptions import CompanyRequired

    raise CompanyRequired()


def request_files_for(*, actor: Any, request: ServiceRequest) -> QuerySet[Any]:
    """Files of a request the actor loaded through `request_get_for`."""
    return request.files.select_related("file").filter(file__deleted_at__isnull=True)


def can_view_request_file(user: Any, request: ServiceRequest) -> bool:
    """The files rule for requests (registered in apps.py): whoever sees the request."""
    if not getattr(user, "is_authenticated", False):
        return False
    return ServiceRequest.objects.filter(request_scope(actor=user), pk=request.pk).exists()


def call_get_for(*, actor: Any, call_id: UUID | str) -> Call:
    """A call of the actor's company (operators: of their cities or of no known city)."""
    roles = company_roles(actor)
    staff_orgs = [org for org, held in roles.items() if held - {Role.MASTER}]
    calls = Call.objects.filter(organization_id__in=staff_orgs).filter(
        Q(city__isnull=True) | city_scope(actor=actor)
    )
    return get_or_not_found(calls.select_related("campaign", "city"), pk=call_id)


def caller_requests_for(*, actor: Any, call: Call) -> QuerySet[ServiceRequest]:
    """The caller's requests the actor may see, newest first (the caller's card)."""
    if not call.from_number or call.organization_id is None:
        return ServiceRequest.objects.none()
    return (
        ServiceRequest.objects.filter(request_scope(actor=actor))
        .filter(organization_id=call.organization_id, client_phone=call.from_number)
        .select_related("city")
        .order_by("-created_at", "-id")
    )


# --- staff ----------------------------------------------------------------------------------
def staff_list_for(*, actor: Any, organization_id: Any = None) -> QuerySet[StaffProfile]:
    """Staff profiles (fired ones too) of the companies the actor manages, by name."""
    roles = company_roles(actor)
    org_ids = [org for org, held in roles.items() if held & MANAGER_ROLES]
    if organization_id is not None:
        org_ids = [org for org in org_ids if str(org) == str(organization_id)]
    return (
        StaffProfile.objects.filter(organization_id__in=org_ids)
        .select_related("user")
        .prefetch_related("cities")
        .order_by("user__full_name", "id")
    )


def staff_get_for(*, actor: Any, staff_id: Any) -> StaffProfile:
    """A staff profile of a company the actor manages; otherwise NotFound."""
    return get_or_not_found(staff_list_for(actor=actor), pk=staff_id)


def staff_roles(*, profiles: list[StaffProfile]) -> dict[Any, str]:
    """{profile id: its field-service role} in one query; a fired person keeps the role
    of their (revoked) membership. Of several roles the highest is named."""
    if not profiles:
        return {}
    rank: dict[str, int] = {Role.DIRECTOR: 4, Role.MANAGER: 3, Role.OPERATOR: 2, Role.MASTER: 1}
    by_key = {(p.organization_id, p.user_id): p.pk for p in profiles}
    rows = (
        StaffProfile.objects.filter(pk__in=[p.pk for p in profiles])
        .filter(user__memberships__organization_id=F("organization_id"))
        .filter(user__memberships__role__in=list(rank))
        .values_list("organization_id", "user_id", "user__memberships__role")
    )
    out: dict[Any, str] = {}
    for org_id, user_id, role in rows:
        pk = by_key[(org_id, user_id)]
        if rank[role] > rank.get(out.get(pk, ""), 0):
            out[pk] = role
    return out


CARD_RECENT_REQUESTS = 5
CARD_OPEN_REQUESTS = 10


@dataclass(frozen=True)
class CallerCard:
    call: Call
    recent: list[ServiceRequest]  # the caller's last requests, newest first
    open: list[ServiceRequest]  # the caller's open requests, newest first
    total: int


def caller_card_for(*, actor: Any, call_id: UUID | str) -> CallerCard:
    """What an operator sees when a call rings: the number, the caller's last 5 requests
    and open ones (those the actor may see). A constant number of queries."""
    call = call_get_for(actor=actor, call_id=call_id)
    history = caller_requests_for(actor=actor, call=call)
    recent = list(history[:CARD_RECENT_REQUESTS])
    open_requests = list(history.filter(status__in=sorted(OPEN_STATUSES))[:CARD_OPEN_REQUESTS])
    total = len(recent) if len(recent) < CARD_RECENT_REQUESTS else history.count()
    return CallerCard(call=call, recent=recent, open=open_requests, total=total)


def alert_rule_list_for(*, actor: Any, organization_id: Any = None) -> QuerySet[AlertRule]:
    """Alert rules of the companies the actor manages."""
    org_ids = [org for org, held in company_roles(actor).items() if held & MANAGER_ROLES]
    if organization_id is not None:
        org_ids = [org for org in org_ids if str(org) == str(organization_id)]
    return AlertRule.objects.filter(organization_id__in=org_ids).order_by("id")


def alert_rule_get_for(*, actor: Any, pk: Any) -> AlertRule:
    return get_or_not_found(alert_rule_list_for(actor=actor), pk=pk)


def alert_rules_with_state_for(*, actor: Any, organization_id: Any) -> list[AlertRule]:
    """The rules of a company the actor manages, each with `open_alerts` (the firing one,
    if any): two queries whatever the number of rules."""
    from django.db.models import Prefetch

    from lifeline.fieldservice.models import Alert

    return list(
        alert_rule_list_for(actor=actor, organization_id=organization_id).prefetch_related(
            Prefetch(
                "alerts",
                queryset=Alert.objects.filter(resolved_at__isnull=True),
                to_attr="open_alerts",
            )
        )
    )


def can_click_to_call(*, actor: Any, organization_id: Any) -> bool:
    """Whether the card offers «Call the client»: Mango is configured and the actor, staff of
    the company, has a PBX extension to ring first."""
    from lifeline.fieldservice import conf

    if not conf.mango_enabled() or not (roles_in(actor, organization_id) & STAFF_ROLES):
        return False
    return (
        StaffProfile.objects.filter(organization_id=organization_id, user=actor)
        .exclude(extension="")
        .exists()
    )
