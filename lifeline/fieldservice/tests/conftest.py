from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from lifeline.access.enums import Role
from lifeline.fieldservice.services.reference import company_defaults_ensure
from lifeline.fieldservice.tests.factories import (
    CampaignFactory,
    CityFactory,
    CompanyFactory,
    staff,
)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def world(db: Any) -> SimpleNamespace:
    """A company with Moscow and Kazan; an operator and a master of Moscow, a second master,
    a manager, a director; and another company with its own director."""
    company = CompanyFactory()
    company_defaults_ensure(organization_id=company.pk)
    moscow = CityFactory(organization=company, name="Москва")
    kazan = CityFactory(organization=company, name="Казань")
    campaign = CampaignFactory(
        organization=company, city=moscow, name="Авито", phone_number="+74950000001"
    )
    other = CompanyFactory()
    other_city = CityFactory(organization=other, name="Тверь")
    return SimpleNamespace(
        company=company,
        moscow=moscow,
        kazan=kazan,
        campaign=campaign,
        operator=staff(Role.OPERATOR, company, [moscow], extension="101"),
        master=staff(Role.MASTER, company, [moscow]),
        master2=staff(Role.MASTER, company, [moscow]),
        manager=staff(Role.MANAGER, company),
        director=staff(Role.DIRECTOR, company),
        other=other,
        other_city=other_city,
        other_director=staff(Role.DIRECTOR, other, [other_city]),
        other_operator=staff(Role.OPERATOR, other, [other_city]),
    )


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client
