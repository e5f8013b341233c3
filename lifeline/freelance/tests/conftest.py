from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.freelance.tests.factories import gig_factory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()  # throttle counters


@pytest.fixture
def market() -> Any:
    return OrganizationFactory(kind=OrganizationKind.MARKETPLACE)


@pytest.fixture
def seller(market: Any) -> Any:
    return user_with_role(Role.SELLER, market, full_name="Sam Seller")


@pytest.fixture
def buyer(market: Any) -> Any:
    return user_with_role(Role.BUYER, market, full_name="Bea Buyer")


@pytest.fixture
def other_buyer(market: Any) -> Any:
    return user_with_role(Role.BUYER, market, full_name="Otto Other")


@pytest.fixture
def moderator(market: Any) -> Any:
    return user_with_role(Role.MODERATOR, market, full_name="Mo Moderator")


@pytest.fixture
def gig(seller: Any, market: Any) -> Any:
    return gig_factory(seller=seller, organization=market)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client
