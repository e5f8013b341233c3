from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.core.cache import caches

from lifeline.core.api import throttling
from lifeline.core.api.throttling import AnonRateThrottle

pytestmark = [pytest.mark.urls("lifeline.ops.tests.urls"), pytest.mark.django_db]

# Nothing listens here: every cache operation fails as it does while Redis is down.
DOWN_URL = "redis://127.0.0.1:6390/0"


@pytest.fixture
def redis_down(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    original = settings.CACHES
    settings.CACHES = {
        "default": {"BACKEND": "lifeline.core.cache.RedisCache", "LOCATION": DOWN_URL}
    }
    throttling._LOCAL_FALLBACK.clear()
    yield
    throttling._LOCAL_FALLBACK.clear()
    settings.CACHES = original


@pytest.fixture
def three_per_minute(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})


def test_the_cache_in_these_tests_is_really_down(redis_down):
    import redis

    with pytest.raises(redis.exceptions.ConnectionError):
        caches["default"].get("anything")


def test_throttled_endpoint_answers_while_redis_is_down_and_logs_a_warning(
    redis_down, three_per_minute, client, caplog, monkeypatch
):
    monkeypatch.setattr(throttling, "_last_fallback_warning", 0.0)

    with caplog.at_level(logging.WARNING, logger="lifeline.core.api.throttling"):
        response = client.get("/api/test-ping/")

    assert response.status_code == 200
    assert response.json() == {"pong": True}
    assert response["RateLimit-Remaining"] == "2"
    assert [r.getMessage() for r in caplog.records] == ["throttle.cache_unavailable"]


def test_limits_still_hold_on_the_process_local_fallback(redis_down, three_per_minute, client):
    statuses = [client.get("/api/test-ping/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
