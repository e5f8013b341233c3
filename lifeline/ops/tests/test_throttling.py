from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.cache import cache
from django.test import override_settings
from prometheus_client import REGISTRY

from lifeline.core.api.throttling import AnonRateThrottle, UserRateThrottle
from lifeline.ops.tests.factories import UserFactory

pytestmark = pytest.mark.urls("lifeline.ops.tests.urls")

START = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _local_memory_cache(settings):
    # Local memory expires entries on the (frozen) clock; Redis expires them on its own.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ops-throttling-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def three_per_minute(monkeypatch):
    # DRF reads the rates into the class when it is defined; set them where they are read.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "100/min"})


def ratelimit(response) -> tuple[str, str, str]:
    return (
        response["RateLimit-Limit"],
        response["RateLimit-Remaining"],
        response["RateLimit-Reset"],
    )


def assert_throttles_after_three(client, frozen) -> None:
    responses = []
    for _ in range(3):
        responses.append(client.get("/api/test-ping/"))
        frozen.shift(10)

    throttled = client.get("/api/test-ping/")

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [ratelimit(r) for r in responses] == [
        ("3", "2", "60"),
        ("3", "1", "50"),
        ("3", "0", "40"),
    ]
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["code"] == "throttled"
    assert throttled["Retry-After"] == "30"
    assert ratelimit(throttled) == ("3", "0", "30")


def test_anonymous_requests_over_the_limit_get_429_and_headers(client, frozen, three_per_minute):
    assert_throttles_after_three(client, frozen)


def test_the_window_reopens_when_it_expires(client, frozen, three_per_minute):
    for _ in range(4):
        client.get("/api/test-ping/")

    frozen.shift(61)
    response = client.get("/api/test-ping/")

    assert response.status_code == 200
    assert ratelimit(response) == ("3", "2", "59")


def test_windows_are_aligned_to_the_clock(client, frozen, three_per_minute):
    frozen.shift(45)  # 09:00:45: the window 09:00:00-09:00:59 ends in 15 s
    for _ in range(3):
        client.get("/api/test-ping/")
    throttled = client.get("/api/test-ping/")

    frozen.shift(15)  # 09:01:00: a new window
    reopened = client.get("/api/test-ping/")

    assert throttled.status_code == 429
    assert throttled["Retry-After"] == "15"
    assert reopened.status_code == 200
    assert ratelimit(reopened) == ("3", "2", "60")


def test_the_most_restrictive_throttle_is_reported(client, frozen, three_per_minute):
    response = client.get("/api/test-ping-both/")

    assert response.status_code == 200
    assert ratelimit(response) == ("3", "2", "60")


@pytest.mark.django_db
def test_an_authenticated_user_is_counted_by_the_user_throttle(client, frozen, three_per_minute):
    client.force_login(UserFactory())

    responses = [client.get("/api/test-ping-both/") for _ in range(5)]

    assert [r.status_code for r in responses] == [200] * 5
    assert ratelimit(responses[-1]) == ("100", "95", "60")


def test_separate_clients_are_counted_separately(client, frozen, three_per_minute):
    for _ in range(4):
        client.get("/api/test-ping/", REMOTE_ADDR="198.51.100.1")

    response = client.get("/api/test-ping/", REMOTE_ADDR="198.51.100.2")

    assert response.status_code == 200
    assert ratelimit(response) == ("3", "2", "60")


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_throttling_is_stored_in_redis(client, frozen, three_per_minute):
    redis_cache = {
        "default": {
            "BACKEND": "lifeline.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "lifeline-test-throttle",
        }
    }
    # One counter per client and clock-aligned window; its key names the window.
    key = f"throttle_anon_127.0.0.1:{int(START.timestamp()) // 60}"
    with override_settings(CACHES=redis_cache):
        cache.delete(key)  # only our key: other suites may share this Redis database
        try:
            assert_throttles_after_three(client, frozen)
            assert cache.get(key) == 4
            ttl = cache._cache.get_client(key).ttl(cache.make_and_validate_key(key))
            assert 0 < ttl <= 61
        finally:
            cache.delete(key)


def test_throttled_responses_are_counted_as_problems(client, frozen, three_per_minute):
    before = REGISTRY.get_sample_value("lifeline_problems_total", {"code": "throttled"}) or 0.0

    for _ in range(5):
        client.get("/api/test-ping/")

    after = REGISTRY.get_sample_value("lifeline_problems_total", {"code": "throttled"})
    assert after == before + 2
