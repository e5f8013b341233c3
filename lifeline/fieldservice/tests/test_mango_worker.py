"""Through a real Celery worker: a worker SIGKILLed in the middle of a Mango drain loses no
event and processes none twice. The batch's transaction dies with the worker; the events
are still the unprocessed rows, and the sweep (`fieldservice.run_due`) drains them."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from lifeline.fieldservice.models import Call, CallbackTask, MangoEvent, ServiceRequest
from lifeline.fieldservice.services import telephony
from lifeline.fieldservice.tests.test_mango_drain import call_events
from tests.celery_worker import Worker

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    w = Worker(f"fieldservice-test-{uuid.uuid4().hex[:12]}", tmp_path)
    try:
        yield w
    finally:
        w.close()


def _pending() -> int:
    return MangoEvent.objects.filter(processed_at__isnull=True).count()


def test_a_worker_killed_mid_drain_loses_no_event(world: Any, worker: Worker) -> None:
    # given two calls stored by the webhooks (their drain message is sent by hand below)
    legs = call_events("w-answered", answered=True) + call_events(
        "w-missed", answered=False, caller="79160000002"
    )
    with mock.patch.object(telephony, "mango_drain_kick"):
        for path, payload in legs:
            telephony.mango_event_store(path=path, payload=payload)
    assert _pending() == 7

    # when a drain hangs after its first event and its worker is SIGKILLed
    worker.start(include=["lifeline.fieldservice.tests.slow_drain"])
    worker.send("fieldservice.drain_mango_events")
    worker.wait_for_log("slow_drain.entered")
    worker.kill()

    # then the batch's transaction died with it: nothing processed, nothing half-done
    assert _pending() == 7
    assert Call.objects.count() == 0

    # and a new worker's sweep processes every event once, whatever repeats
    worker.start(include=[])
    deadline = time.monotonic() + 60
    while _pending() and time.monotonic() < deadline:
        worker.send("fieldservice.run_due")
        time.sleep(1)
    worker.send("fieldservice.drain_mango_events")  # a redelivered drain message
    worker.send("fieldservice.run_due")
    time.sleep(3)

    assert _pending() == 0, worker.log.read_text()[-3000:]
    assert set(MangoEvent.objects.values_list("attempts", flat=True)) == {1}
    assert list(ServiceRequest.objects.values_list("client_phone", flat=True)) == ["+79161234567"]
    assert list(CallbackTask.objects.values_list("phone", flat=True)) == ["+79160000002"]
    assert Call.objects.count() == 2
