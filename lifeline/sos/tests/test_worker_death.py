"""Through a real Celery worker: a worker SIGKILLed in the middle of an SOS alert round loses
nothing (issue 15, finding 9: the round's message sat unacknowledged in Redis, no helper was
ever alerted, no timeline entry, no widening). The round is a deadline on the event that the
`sos.run_due` sweep re-runs until it is recorded, once per helper."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.notifications.models import Notification
from lifeline.sos.models import HelperAlert, SosEvent, TimelineEntry
from lifeline.sos.services.events import event_trigger
from lifeline.sos.tests.factories import TASHKENT, DeviceFactory, helper_at, offset
from tests.celery_worker import Worker

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    w = Worker(f"sos-test-{uuid.uuid4().hex[:12]}", tmp_path)
    try:
        yield w
    finally:
        w.close()


def _alerted(event: SosEvent) -> list[Any]:
    return sorted(HelperAlert.objects.filter(event=event).values_list("helper_id", flat=True))


def test_a_worker_killed_mid_round_loses_no_alert(worker: Worker) -> None:
    org = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    wearer = user_with_role(Role.DEVICE_OWNER, org)
    device = DeviceFactory(owner=wearer, organization=org)
    # No push device or phone: the round's notifications stay in the inbox, so nothing is
    # left on the broker's shared queues by this test.
    helpers = [
        helper_at(org, *offset(*TASHKENT, north_m=200 * (i + 1)), phone_number=None)
        for i in range(3)
    ]
    worker.start(include=["lifeline.sos.tests.slow_round"])

    # The trigger's fast path goes to the worker, which hangs inside the round.
    def to_worker(
        task_name: str, kwargs: dict[str, Any], queue: str | None, expires: float | None = None
    ) -> None:
        if task_name == "sos.alert_helpers":
            worker.send(task_name, **kwargs)

    with mock.patch("lifeline.core.tasks._send", side_effect=to_worker):
        event = event_trigger(
            device=device,
            lat=TASHKENT[0],
            lon=TASHKENT[1],
            detected_type="FALL_DETECTED",
            severity=4,
            timestamp=timezone.now(),
        ).event
    worker.wait_for_log("slow_round.entered")
    worker.kill()

    # The round's transaction died with the worker: nothing recorded, still due.
    event.refresh_from_db()
    assert (event.round_no, _alerted(event)) == (0, [])
    assert event.next_round_at is not None
    assert list(TimelineEntry.objects.filter(event=event).values_list("kind", flat=True)) == [
        "created"
    ]

    # A new worker and beat's sweep (every 2 s) run the round, once, whatever repeats.
    worker.start(include=[])
    deadline = time.monotonic() + 60
    while not _alerted(event) and time.monotonic() < deadline:
        worker.send("sos.run_due")
        time.sleep(1)
    for _ in range(3):
        worker.send("sos.run_due")
    worker.send("sos.alert_helpers", event_id=str(event.pk), round_no=0)  # a redelivery
    time.sleep(3)

    assert _alerted(event) == sorted(h.pk for h in helpers)
    kinds = list(TimelineEntry.objects.filter(event=event).values_list("kind", flat=True))
    assert kinds == ["created", "helpers_alerted"]
    assert Notification.objects.filter(topic="sos.helper_alert").count() == 3
    event.refresh_from_db()
    assert event.round_no == 1
