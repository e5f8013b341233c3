from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from lifeline.realtime import groups
from lifeline.realtime.events import Event, publish_now, publish_on_commit
from lifeline.realtime.groups import InvalidGroupName
from lifeline.realtime.testing import assert_envelope

GROUP = groups.user(uuid.UUID("00000000-0000-4000-8000-000000000001"))


def _subscribe(group: str) -> str:
    layer = get_channel_layer()

    async def run() -> str:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        return channel

    return async_to_sync(run)()


def _received(channel: str) -> list[dict[str, Any]]:
    layer = get_channel_layer()

    async def run() -> list[dict[str, Any]]:
        messages = []
        while True:
            try:
                messages.append(await asyncio.wait_for(layer.receive(channel), timeout=0.05))
            except TimeoutError:
                return messages

    return async_to_sync(run)()


def test_envelope_has_exactly_type_id_occurred_at_version_data() -> None:
    event = Event(
        type="sos.alert_created",
        data={"alert_id": "9b2e", "severity": "high"},
        id=uuid.UUID("7f0c0000-0000-4000-8000-000000000000"),
        occurred_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    )

    assert event.as_dict() == {
        "type": "sos.alert_created",
        "id": "7f0c0000-0000-4000-8000-000000000000",
        "occurred_at": "2026-01-02T03:04:05.678Z",
        "version": 1,
        "data": {"alert_id": "9b2e", "severity": "high"},
    }


def test_new_event_gets_random_id_and_utc_time() -> None:
    event = Event(type="chat.message_sent", data={"message_id": "1"}, version=2)

    assert_envelope(event, type="chat.message_sent", data={"message_id": "1"})
    assert event.as_dict()["version"] == 2
    assert event.id.version == 4
    assert Event(type="chat.message_sent", data={}).id != event.id


@pytest.mark.parametrize(
    "event_type", ["alert_created", "sos.alertcreated", "SOS.alert_created", "sos.alert-created"]
)
def test_event_type_must_be_app_noun_past_participle(event_type: str) -> None:
    with pytest.raises(ValueError, match="is not <app>"):
        Event(type=event_type, data={})


def test_event_data_must_be_plain_json() -> None:
    with pytest.raises(TypeError, match="not plain JSON"):
        Event(type="sos.alert_created", data={"alert_id": uuid.uuid4()})


def test_event_version_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive integer"):
        Event(type="sos.alert_created", data={}, version=0)


def test_naive_occurred_at_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Event(type="sos.alert_created", data={}, occurred_at=datetime(2026, 1, 1))


def test_publish_now_sends_realtime_event_message_to_each_group() -> None:
    other = groups.organization(uuid.UUID("00000000-0000-4000-8000-000000000002"), "dispatcher")
    first, second = _subscribe(GROUP), _subscribe(other)
    event = Event(type="sos.alert_created", data={"alert_id": "1"})

    publish_now(event, [GROUP, other, GROUP])

    assert _received(first) == [{"type": "realtime.event", "event": event.as_dict()}]
    assert _received(second) == [{"type": "realtime.event", "event": event.as_dict()}]


@pytest.mark.django_db
def test_publish_on_commit_sends_only_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    channel = _subscribe(GROUP)
    event = Event(type="sos.alert_created", data={"alert_id": "1"})

    with django_capture_on_commit_callbacks() as callbacks:
        publish_on_commit(event, groups=[GROUP])
        assert _received(channel) == []
    for callback in callbacks:
        callback()

    assert len(callbacks) == 1
    assert _received(channel) == [{"type": "realtime.event", "event": event.as_dict()}]


@pytest.mark.django_db
def test_publish_on_commit_sends_nothing_on_rollback(
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = _subscribe(GROUP)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        publish_on_commit(Event(type="sos.alert_created", data={}), groups=[GROUP])
        raise RuntimeError

    assert callbacks == []
    assert _received(channel) == []


def test_publish_on_commit_rejects_bad_group_before_commit() -> None:
    with pytest.raises(InvalidGroupName):
        publish_on_commit(Event(type="sos.alert_created", data={}), groups=["user:1"])


def test_publish_on_commit_rejects_a_single_string_as_groups() -> None:
    with pytest.raises(TypeError, match="list of group names"):
        publish_on_commit(Event(type="sos.alert_created", data={}), groups=GROUP)
