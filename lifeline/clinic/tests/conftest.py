from __future__ import annotations

from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from lifeline.clinic.tests.fake_engine import fake_engine


@pytest.fixture
def fake_clinic_engine() -> Iterator[None]:
    with fake_engine():
        yield


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
