from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lifeline.fieldservice.enums import RequestStatus
from lifeline.fieldservice.exceptions import (
    CityNotGranted,
    FieldServiceForbidden,
    NotAMaster,
    TransitionNotAllowed,
)
from lifeline.fieldservice.models import RequestChange, Transaction
from lifeline.fieldservice.services.requests import (
    money_compute,
    request_create,
    request_set_status,
    request_update,
)
from lifeline.fieldservice.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("result", "expenses", "share", "net", "handover"),
    [
        ("5000.00", "1000.00", "0.500", "4000.00", "2000.00"),
        ("5000.00", None, "0.400", "5000.00", "2000.00"),
        ("100.00", "300.00", "0.500", "-200.00", "0.00"),
        ("333.33", "0.00", "0.333", "333.33", "111.00"),
    ],
)
def test_money_is_computed_from_result_expenses_and_share(
    result: str, expenses: str | None, share: str, net: str, handover: str
) -> None:
    assert money_compute(
        result=Decimal(result),
        expenses=Decimal(expenses) if expenses else None,
        company_share=Decimal(share),
    ) == (Decimal(net), Decimal(handover))


def test_no_result_means_no_money() -> None:
    assert money_compute(result=None, expenses=Decimal("5"), company_share=Decimal("0.5")) == (
        None,
        None,
    )


def _walk_to_done(world: Any) -> Any:
    request = ServiceRequestFactory(city=world.moscow, master=world.master)
    request_set_status(
        actor=world.operator, request=request, status=RequestStatus.AWAITING_ACCEPTANCE
    )
    for status in (RequestStatus.ACCEPTED, RequestStatus.EN_ROUTE, RequestStatus.IN_PROGRESS):
        request = request_set_status(actor=world.master, request=request, status=status)
    request = request_update(
        actor=world.master,
        request=request,
        data={"result": Decimal("5000.00"), "expenses": Decimal("1000.00")},
    )
    return request_set_status(actor=world.master, request=request, status=RequestStatus.DONE)


def test_done_creates_one_income_linked_to_the_request(world: Any) -> None:
    # when
    request = _walk_to_done(world)
    request_set_status(actor=world.master, request=request, status=RequestStatus.DONE)
    # then
    income = Transaction.objects.get(request=request)
    assert income.amount == Decimal("2000.00")
    assert income.city_id == world.moscow.pk
    assert income.transaction_type.name == "Приход"
    assert income.master_id == world.master.pk
    assert Transaction.objects.filter(request=request).count() == 1
    request.refresh_from_db()
    assert (request.net_amount, request.master_handover) == (Decimal("4000.00"), Decimal("2000.00"))


def test_leaving_done_removes_the_income_and_only_a_manager_reopens(world: Any) -> None:
    request = _walk_to_done(world)
    with pytest.raises(TransitionNotAllowed) as refused:
        request_set_status(actor=world.master, request=request, status=RequestStatus.IN_PROGRESS)
    assert refused.value.extra == {"allowed": [], "current_status": "done"}
    with pytest.raises(TransitionNotAllowed):
        request_set_status(actor=world.operator, request=request, status=RequestStatus.WAITING)
    assert Transaction.objects.filter(request=request).count() == 1
    # when
    request_set_status(actor=world.manager, request=request, status=RequestStatus.IN_PROGRESS)
    # then
    assert Transaction.objects.filter(request=request).count() == 0


def test_editing_money_of_a_done_request_updates_its_income(world: Any) -> None:
    request = _walk_to_done(world)
    request_update(actor=world.manager, request=request, data={"result": Decimal("7000.00")})
    assert Transaction.objects.get(request=request).amount == Decimal("3000.00")


def test_operator_cannot_accept_for_the_master(world: Any) -> None:
    request = ServiceRequestFactory(
        city=world.moscow, master=world.master, status=RequestStatus.AWAITING_ACCEPTANCE
    )
    with pytest.raises(TransitionNotAllowed) as refused:
        request_set_status(actor=world.operator, request=request, status=RequestStatus.ACCEPTED)
    assert refused.value.extra["allowed"] == ["waiting"]
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_ACCEPTANCE


def test_a_master_moves_only_their_own_request(world: Any) -> None:
    request = ServiceRequestFactory(
        city=world.moscow, master=world.master, status=RequestStatus.AWAITING_ACCEPTANCE
    )
    with pytest.raises(TransitionNotAllowed):
        request_set_status(actor=world.master2, request=request, status=RequestStatus.ACCEPTED)
    request_set_status(actor=world.master, request=request, status=RequestStatus.ACCEPTED)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_history_records_every_status_change(world: Any) -> None:
    request = _walk_to_done(world)
    moves = list(
        RequestChange.objects.filter(request=request)
        .exclude(to_status="")
        .values_list("from_status", "to_status")
    )
    assert moves == [
        ("new", "awaiting_acceptance"),
        ("awaiting_acceptance", "accepted"),
        ("accepted", "en_route"),
        ("en_route", "in_progress"),
        ("in_progress", "done"),
    ]


def test_create_with_a_master_awaits_acceptance(world: Any) -> None:
    request = request_create(
        actor=world.operator,
        organization_id=world.company.pk,
        data={"city": world.moscow, "client_phone": "+79161234567", "master": world.master},
    )
    assert request.status == RequestStatus.AWAITING_ACCEPTANCE


def test_operator_cannot_create_in_a_city_not_granted(world: Any) -> None:
    with pytest.raises(CityNotGranted):
        request_create(
            actor=world.operator,
            organization_id=world.company.pk,
            data={"city": world.kazan, "client_phone": "+79161234567"},
        )


def test_a_master_of_another_city_cannot_be_assigned(world: Any) -> None:
    with pytest.raises(NotAMaster):
        request_create(
            actor=world.manager,
            organization_id=world.company.pk,
            data={"city": world.kazan, "client_phone": "+79161234567", "master": world.master},
        )


def test_a_master_cannot_edit_call_centre_fields(world: Any) -> None:
    request = ServiceRequestFactory(city=world.moscow, master=world.master)
    with pytest.raises(FieldServiceForbidden):
        request_update(actor=world.master, request=request, data={"client_name": "X"})
    request.refresh_from_db()
    assert request.client_name == "Иван"
