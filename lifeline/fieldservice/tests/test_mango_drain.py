"""The Mango drain: webhooks store rows, the worker processes the stored rows in id order in
batches; a drain message per window per web process; the sweep when a message is lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lifeline.fieldservice import tasks
from lifeline.fieldservice.api import webhooks
from lifeline.fieldservice.enums import CallOutcome, RequestStatus
from lifeline.fieldservice.integrations.signing import mango_sign
from lifeline.fieldservice.models import Call, CallbackTask, MangoEvent, ServiceRequest
from lifeline.fieldservice.services import telephony
from lifeline.fieldservice.services.telephony import mango_event_store, mango_events_drain
from lifeline.fieldservice.tests.conftest import client_for

pytestmark = pytest.mark.django_db

KEY = "demo-key"
SALT = "demo-salt"
NOW = int(timezone.now().timestamp())


@pytest.fixture(autouse=True)
def _mango_keys() -> Iterator[None]:
    with override_settings(FIELDSERVICE_MANGO_API_KEY=KEY, FIELDSERVICE_MANGO_API_SALT=SALT):
        yield


@pytest.fixture(autouse=True)
def _window_closed() -> Iterator[None]:
    telephony._next_kick_at = 0.0
    webhooks._LOCAL_COUNTERS.clear()  # the throttle's counters of this process
    yield
    telephony._next_kick_at = 0.0


@pytest.fixture
def no_kick() -> Iterator[mock.MagicMock]:
    """The drain message is lost: events are stored and nothing processes them."""
    with mock.patch.object(telephony, "mango_drain_kick") as kick:
        yield kick


def call_events(entry: str, *, answered: bool, caller: str = "79161234567") -> list[Any]:
    """The webhooks of one incoming call, in the order Mango posts them."""
    to = {"number": "74950000001", "line_number": "74950000001"}
    legs: list[tuple[str, dict[str, Any]]] = [
        ("events/call", {"entry_id": entry, "seq": 1, "call_state": "Appeared",
                         "timestamp": NOW, "from": {"number": caller},
                         "to": {**to, "extension": "101"}}),
    ]  # fmt: skip
    if answered:
        legs.append(
            ("events/call", {"entry_id": entry, "seq": 2, "call_state": "Connected",
                             "timestamp": NOW + 5, "from": {"number": caller},
                             "to": {**to, "extension": "101"}})
        )  # fmt: skip
    legs += [
        ("events/call", {"entry_id": entry, "seq": 3, "call_state": "Disconnected",
                         "timestamp": NOW + 65, "from": {"number": caller}, "to": to}),
        ("events/summary", {"entry_id": entry, "call_direction": 1, "from": {"number": caller},
                            "to": {"number": "74950000001"}, "line_number": "74950000001",
                            "create_time": NOW, "talk_time": NOW + 5 if answered else 0,
                            "end_time": NOW + 65, "entry_result": 1 if answered else 0}),
    ]  # fmt: skip
    return legs


def _store_all(legs: list[Any]) -> list[int | None]:
    return [mango_event_store(path=path, payload=payload) for path, payload in legs]


def _form(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"))
    return urlencode(
        {"vpbx_api_key": KEY, "sign": mango_sign(api_key=KEY, payload=raw, api_salt=SALT),
         "json": raw}
    )  # fmt: skip


def _post(path: str, body: str, **extra: Any) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client_for(None).post(
            f"/api/v1/fieldservice/mango/{path}",
            body,
            content_type="application/x-www-form-urlencoded",
            **extra,
        )


def _pending() -> list[int]:
    return list(
        MangoEvent.objects.filter(processed_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )


def test_a_replay_is_not_stored_again_and_asks_for_no_drain(world: Any, no_kick: Any) -> None:
    path, payload = call_events("e-1", answered=False)[0]
    first = mango_event_store(path=path, payload=payload)
    again = mango_event_store(path=path, payload=payload)
    assert first == MangoEvent.objects.get().pk
    assert again is None
    assert no_kick.call_count == 1


def test_a_batch_is_processed_once_in_id_order(world: Any, no_kick: Any) -> None:
    # given two calls interleaved as a PBX posts them, stored and not processed yet
    answered, missed = (
        call_events("e-a", answered=True),
        call_events("e-m", answered=False, caller="79160000002"),
    )
    legs = [leg for pair in zip(answered, [*missed, None], strict=True) for leg in pair if leg]
    ids = _store_all(legs)
    assert _pending() == ids
    assert Call.objects.count() == 0
    # when the worker drains in batches of 3
    with mock.patch.object(telephony, "_handle", wraps=telephony._handle) as handle:
        processed = mango_events_drain(batch_size=3)
    # then every event was handled once, in the order it arrived
    assert processed == 7
    assert [c.args[1]["entry_id"] for c in handle.call_args_list] == [
        payload["entry_id"] for _, payload in legs
    ]
    assert [c.args[1].get("seq", 0) for c in handle.call_args_list] == [
        payload.get("seq", 0) for _, payload in legs
    ]
    assert _pending() == []
    assert set(MangoEvent.objects.values_list("attempts", flat=True)) == {1}
    request = ServiceRequest.objects.get()
    assert (request.client_phone, request.status, request.operator_id) == (
        "+79161234567",
        RequestStatus.NEW,
        world.operator.pk,
    )
    assert CallbackTask.objects.get().phone == "+79160000002"
    assert dict(Call.objects.values_list("entry_id", "outcome")) == {
        "e-a": CallOutcome.ANSWERED,
        "e-m": CallOutcome.MISSED,
    }
    # and a second drain (a redelivered message) changes nothing
    assert mango_events_drain() == 0
    assert set(MangoEvent.objects.values_list("attempts", flat=True)) == {1}
    assert (ServiceRequest.objects.count(), CallbackTask.objects.count()) == (1, 1)


def test_one_call_in_one_batch_costs_a_fixed_number_of_queries(world: Any, no_kick: Any) -> None:
    """The 5 events of an answered call and its recording, drained in one batch: the call is
    read and locked once, the campaign and the operator's profile read once, and the events
    are marked processed by one UPDATE."""
    legs = call_events("e-q", answered=True)
    legs.append(("events/recording", {"entry_id": "e-q", "recording_id": "rec-q"}))
    _store_all(legs)
    with CaptureQueriesContext(connection) as queries:
        assert mango_events_drain() == 5
    advisory = 1 if connection.vendor == "postgresql" else 0
    assert len(queries) == EXPECTED_DRAIN_QUERIES + advisory, "\n".join(
        q["sql"][:150] for q in queries
    )


# The batch's SAVEPOINT/RELEASE (in the test's transaction; BEGIN/COMMIT in production) 2,
# the events 1, the call read, inserted, read locked 3, campaign 1, staff 1, an UPDATE per
# call event 3, the summary: the open request 1, the company's defaults once here 5, the
# phone's history and the request type 2, `request_create` (its own defaults check 5, a
# savepoint 2, the request, its history and audit rows 3), the operator 1, the call 1; the
# recording: the call, the recording (get_or_create) 4; the events marked processed 1.
EXPECTED_DRAIN_QUERIES = 37


def test_webhooks_of_one_window_send_one_delayed_drain(world: Any) -> None:
    legs = call_events("e-w", answered=False)
    with (
        override_settings(CELERY_TASK_ALWAYS_EAGER=False),
        mock.patch("lifeline.core.tasks._send") as send,
    ):
        for path, payload in legs:
            assert _post(path, _form(payload)).status_code == 200
        assert _post(legs[0][0], _form(legs[0][1])).status_code == 200  # a replay
        assert send.call_args_list == [
            mock.call(
                "fieldservice.drain_mango_events",
                {},
                "realtime",
                60,
                telephony.DRAIN_DELAY_SECONDS,
            )
        ]
        # when the window has passed, the next webhook sends the next drain
        telephony._next_kick_at = 0.0
        path, payload = call_events("e-w2", answered=False)[0]
        assert _post(path, _form(payload)).status_code == 200
        assert send.call_count == 2
    assert MangoEvent.objects.count() == 4
    assert len(_pending()) == 4  # the worker has not run: the rows wait for it


def test_without_a_worker_each_webhook_is_processed_at_once(world: Any) -> None:
    for path, payload in call_events("e-now", answered=False):
        assert _post(path, _form(payload)).status_code == 200
        assert _pending() == []
    assert CallbackTask.objects.count() == 1


def test_the_sweep_processes_events_whose_drain_message_was_lost(world: Any, no_kick: Any) -> None:
    for path, payload in call_events("e-lost", answered=True):
        assert _post(path, _form(payload)).status_code == 200
    assert len(_pending()) == 4
    assert ServiceRequest.objects.count() == 0
    tasks.run_due()
    assert _pending() == []
    assert ServiceRequest.objects.get().client_phone == "+79161234567"
    assert set(MangoEvent.objects.values_list("attempts", flat=True)) == {1}


def test_a_failing_event_does_not_hold_up_the_others_and_is_retried(
    world: Any, no_kick: Any
) -> None:
    # given a call whose summary cannot be processed (a bug, a dependency down)
    ids = _store_all(call_events("e-bad", answered=False))
    summary_id = ids[-1]
    original = telephony._on_summary

    def broken(payload: dict[str, Any], lookups: Any) -> None:
        raise RuntimeError("boom")

    # when the drain runs
    with mock.patch.object(telephony, "_on_summary", broken):
        assert mango_events_drain() == 2
    # then the other events are processed, the summary waits with its failed attempt
    assert _pending() == [summary_id]
    assert MangoEvent.objects.get(pk=summary_id).attempts == 1
    assert CallbackTask.objects.count() == 0
    # and the next drain processes it once it can
    with mock.patch.object(telephony, "_on_summary", original):
        assert mango_events_drain() == 1
    assert _pending() == []
    assert MangoEvent.objects.get(pk=summary_id).attempts == 2
    assert CallbackTask.objects.count() == 1


def test_an_event_failing_every_time_is_left_after_max_attempts(world: Any, no_kick: Any) -> None:
    (event_id,) = _store_all(call_events("e-poison", answered=False)[-1:])
    with mock.patch.object(telephony, "_on_summary", side_effect=RuntimeError("boom")):
        for _ in range(telephony.MAX_ATTEMPTS + 2):
            mango_events_drain()
    event = MangoEvent.objects.get(pk=event_id)
    assert (event.attempts, event.processed_at) == (telephony.MAX_ATTEMPTS, None)


def test_a_body_that_is_not_a_form_is_refused_and_stores_nothing(world: Any) -> None:
    response = client_for(None).post(
        "/api/v1/fieldservice/mango/events/call", {"json": "{}"}, format="json"
    )
    assert response.status_code == 415
    assert (response["Content-Type"], response.json()["code"]) == (
        "application/problem+json",
        "unsupported_media_type",
    )
    assert MangoEvent.objects.count() == 0


def test_too_many_webhooks_from_one_address_are_throttled(world: Any, no_kick: Any) -> None:
    legs = call_events("e-t", answered=False)
    with override_settings(FIELDSERVICE_MANGO_RATE="2/min"):
        answers = [_post(path, _form(payload)) for path, payload in legs[:3]]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) >= 0
    assert (refused["RateLimit-Limit"], refused["RateLimit-Remaining"]) == ("2", "0")
    assert MangoEvent.objects.count() == 2


def test_other_methods_are_not_allowed(world: Any) -> None:
    response = client_for(None).get("/api/v1/fieldservice/mango/events/call")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "POST"
