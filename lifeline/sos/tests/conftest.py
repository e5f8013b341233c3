from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.sos.tests.factories import DeviceFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()  # throttle counters


@pytest.fixture
def org() -> Any:
    return OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)


@pytest.fixture
def wearer(org: Any) -> Any:
    return user_with_role(Role.DEVICE_OWNER, org, phone_number="+998901234567")


@pytest.fixture
def device(wearer: Any, org: Any) -> Any:
    return DeviceFactory(owner=wearer, organization=org, device_uid="watch_unique_serial_001")


@pytest.fixture
def sos_admin(org: Any) -> Any:
    return user_with_role(Role.SOS_ADMIN, org)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client
