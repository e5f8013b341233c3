"""The module's Prometheus counters move with what they count (issue 17, §6: webhooks
received and rejected, calls by outcome, callback SLA breaches, recording fetch failures,
request status changes); test_prometheus_rules.py checks the alert rules that watch them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings

from lifeline.fieldservice import metrics
from lifeline.fieldservice.enums import RequestStatus
from lifeline.fieldservice.integrations.fake import FakeTelephony
from lifeline.fieldservice.integrations.signing import mango_sign
from lifeline.fieldservice.models import CallbackTask, CallRecording
from lifeline.fieldservice.services.recordings import recordings_fetch_due
from lifeline.fieldservice.services.requests import request_set_status
from lifeline.fieldservice.services.telephony import callbacks_escalate_due
from lifeline.fieldservice.tests.factories import ServiceRequestFactory
from lifeline.fieldservice.tests.test_mango import KEY, SALT, _form, _post, _summary

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mango_keys() -> Any:
    with override_settings(FIELDSERVICE_MANGO_API_KEY=KEY, FIELDSERVICE_MANGO_API_SALT=SALT):
        yield


def _value(counter: Any, **labels: str) -> float:
    return float((counter.labels(**labels) if labels else counter)._value.get())


def test_counters_follow_webhooks_calls_callbacks_recordings_and_statuses(world: Any) -> None:
    watched = {
        "received": (metrics.WEBHOOKS_RECEIVED, {"kind": "summary"}),
        "forged": (metrics.WEBHOOKS_REJECTED, {"reason": "signature"}),
        "malformed": (metrics.WEBHOOKS_REJECTED, {"reason": "payload"}),
        "answered": (metrics.CALLS, {"outcome": "answered"}),
        "missed": (metrics.CALLS, {"outcome": "missed"}),
        "breaches": (metrics.CALLBACK_SLA_BREACHES, {}),
        "fetch_failures": (metrics.RECORDING_FETCH_FAILURES, {}),
        "accepted": (metrics.REQUEST_STATUS_CHANGES, {"status": "accepted"}),
    }
    before = {name: _value(counter, **labels) for name, (counter, labels) in watched.items()}

    # an answered and a missed call (each summary twice: the repeat counts once)
    for entry, answered in (("e-answered", True), ("e-missed", False)):
        for _ in range(2):
            response = _post("events/summary", _form(_summary(entry, answered=answered)))
            assert response.status_code == 200
    # a forged and a malformed webhook
    assert _post("events/call", _form({"entry_id": "x"}, salt="wrong")).status_code == 403
    bad = {**_form({}), "json": "["}
    assert _post("events/call", bad).status_code == 403  # the sign is of another body
    bad["sign"] = mango_sign(api_key=KEY, payload="[", api_salt=SALT)
    assert _post("events/call", bad).status_code == 400
    # the missed call's callback passes its deadline
    callback = CallbackTask.objects.get()
    assert callbacks_escalate_due(now=callback.due_at + timedelta(seconds=1)) == 1
    # a recording Mango never finishes
    _post("events/recording", _form({"entry_id": "e-answered", "recording_id": "rec-x"}))
    recording = CallRecording.objects.get()
    recordings_fetch_due(now=recording.created_at + timedelta(minutes=10), client=FakeTelephony())
    # a master accepts a request
    row = ServiceRequestFactory(
        city=world.moscow, master=world.master, status=RequestStatus.AWAITING_ACCEPTANCE
    )
    request_set_status(actor=world.master, request=row, status=RequestStatus.ACCEPTED)

    moved = {
        name: _value(counter, **labels) - before[name]
        for name, (counter, labels) in watched.items()
    }
    assert moved == {
        "received": 2.0,
        "forged": 2.0,
        "malformed": 1.0,
        "answered": 1.0,
        "missed": 1.0,
        "breaches": 1.0,
        "fetch_failures": 1.0,
        "accepted": 1.0,
    }
