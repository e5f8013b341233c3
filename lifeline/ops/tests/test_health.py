from __future__ import annotations

import os

import pytest
from django.test import override_settings
from django.urls import reverse

from lifeline.ops import health

requires_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def test_liveness_is_ok_and_not_cached(client):
    response = client.get(reverse("ops:health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_reports_every_dependency_ok(client):
    response = client.get(reverse("ops:ready"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "channel_layer": True,
        "broker": True,
    }
    assert "failing" not in body


@pytest.mark.django_db
def test_readiness_is_503_and_names_the_failing_part_without_its_message(client, monkeypatch):
    def broken_cache() -> None:
        raise ConnectionError("redis://:hunter2@10.0.0.7:6379 refused")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)

    response = client.get(reverse("ops:ready"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] is True
    assert b"hunter2" not in response.content
    assert b"10.0.0.7" not in response.content


@pytest.mark.django_db
def test_readiness_names_an_unreachable_cache_and_broker(client):
    dead = "redis://:s3cret@127.0.0.1:1/0"
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead}
        },
        # The channel layer is not under test here (it has its own tests): keep it in-memory
        # so the answer does not depend on the Redis layer's state in the PostgreSQL run.
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_BROKER_URL=dead,
    ):
        response = client.get(reverse("ops:ready"))

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache", "broker"]
    assert b"s3cret" not in response.content


@pytest.mark.redis
@requires_redis
@pytest.mark.django_db
def test_readiness_against_real_redis_cache_channel_layer_and_broker(client):
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_TEST_URL,
            }
        },
        CHANNEL_LAYERS={
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [REDIS_TEST_URL], "prefix": "lifeline-test"},
            }
        },
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_BROKER_URL=REDIS_TEST_URL,
    ):
        first = client.get(reverse("ops:ready"))
        # A second probe in the same process must not trip over the first one's event loop.
        response = client.get(reverse("ops:ready"))

    assert first.status_code == 200
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
