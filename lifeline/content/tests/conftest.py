from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from lifeline.accounts.tests.factories import UserFactory
from lifeline.content.enums import ChannelRole, Visibility
from lifeline.content.services.channels import channel_create
from lifeline.content.tests.factories import member


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()  # throttle counters


@pytest.fixture
def owner() -> Any:
    return UserFactory()


@pytest.fixture
def channel(owner: Any) -> Any:
    return channel_create(actor=owner, name="Рыбалка", description="Fishing")


@pytest.fixture
def private_channel(owner: Any) -> Any:
    return channel_create(actor=owner, name="Secret", visibility=Visibility.PRIVATE)


@pytest.fixture
def admin(channel: Any) -> Any:
    return member(channel, ChannelRole.ADMIN)


@pytest.fixture
def moderator(channel: Any) -> Any:
    return member(channel, ChannelRole.MODERATOR)


@pytest.fixture
def reader(channel: Any) -> Any:
    return member(channel)


@pytest.fixture
def stranger() -> Any:
    return UserFactory()


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client
