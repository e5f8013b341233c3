from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.tests.factories import StationFactory, TeamFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()  # throttle counters


@pytest.fixture
def station() -> Any:
    return StationFactory()


@pytest.fixture
def dispatcher(station: Any) -> Any:
    return user_with_role(Role.DISPATCHER, station)


@pytest.fixture
def admin(station: Any) -> Any:
    return user_with_role(Role.AMBULANCE_ADMIN, station)


@pytest.fixture
def team(station: Any) -> Any:
    return TeamFactory(organization=station)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client
