from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.market.models import Attribute
from lifeline.market.tests.factories import ProductFactory, category


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()  # throttle counters


@pytest.fixture(autouse=True)
def _attributes(request: Any) -> None:
    """The seeded attributes of the categories the tests use (a transactional test's flush
    removes the migration's rows)."""
    if "django_db" not in {m.name for m in request.node.iter_markers()}:
        return
    for slug, codes in {"phones": ("storage", "colour"), "clothing": ("size", "colour")}.items():
        owner = category(slug)
        for position, code in enumerate(codes):
            Attribute.objects.get_or_create(
                category=owner,
                code=code,
                defaults={"name_en": code.title(), "name_ru": code, "position": position},
            )


@pytest.fixture
def market() -> Any:
    return OrganizationFactory(kind=OrganizationKind.MARKETPLACE)


@pytest.fixture
def seller(market: Any) -> Any:
    return user_with_role(Role.SELLER, market)


@pytest.fixture
def other_seller(market: Any) -> Any:
    return user_with_role(Role.SELLER, market)


@pytest.fixture
def buyer(market: Any) -> Any:
    return user_with_role(Role.BUYER, market)


@pytest.fixture
def other_buyer(market: Any) -> Any:
    return user_with_role(Role.BUYER, market)


@pytest.fixture
def moderator(market: Any) -> Any:
    return user_with_role(Role.MODERATOR, market)


@pytest.fixture
def product(seller: Any, market: Any) -> Any:
    return ProductFactory(seller=seller, organization=market)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client
