from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from lifeline.access.enums import Role
from lifeline.accounts.tests.factories import UserFactory
from lifeline.fieldservice.services.requests import request_create
from lifeline.fieldservice.tests.factories import CityFactory, CompanyFactory, staff
from lifeline.realtime.tests.conftest import (  # noqa: F401 - fixture
    _in_memory_channel_layer,
    access_token,
    close_code,
    communicator,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PATH = "/ws/callcentre/"


def _setup() -> dict[str, Any]:
    company = CompanyFactory()
    city = CityFactory(organization=company)
    other = CompanyFactory()
    return {
        "company": company,
        "city": city,
        "operator": staff(Role.OPERATOR, company, [city]),
        "other_operator": staff(Role.OPERATOR, other, [CityFactory(organization=other)]),
        "stranger": UserFactory(),
    }


async def _socket(user: Any) -> Any:
    token = await sync_to_async(access_token)(user)
    return communicator(path=PATH, headers=[(b"authorization", f"Bearer {token}".encode())])


async def test_operators_see_a_new_request_live_and_other_companies_do_not() -> None:
    data = await sync_to_async(_setup)()
    mine, theirs = await _socket(data["operator"]), await _socket(data["other_operator"])
    assert (await mine.connect())[0] is True
    assert (await theirs.connect())[0] is True
    created = await sync_to_async(request_create)(
        actor=data["operator"],
        organization_id=data["company"].pk,
        data={"city": data["city"], "client_phone": "+79161234567"},
    )
    frame = await mine.receive_json_from(timeout=2)
    assert frame["type"] == "fieldservice.request_created"
    assert frame["data"] == {
        "request_id": str(created.pk),
        "status": "new",
        "city_id": data["city"].pk,
        "master_id": None,
    }
    assert await theirs.receive_nothing(timeout=0.3) is True
    await mine.disconnect()
    await theirs.disconnect()


async def test_people_without_a_field_role_are_refused() -> None:
    data = await sync_to_async(_setup)()
    comm = await _socket(data["stranger"])
    connected, _ = await comm.connect()
    assert connected is True  # accepted, then closed with the code (realtime consumers)
    assert await close_code(comm) == 4403
