from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from django.core.management import call_command
from django.test import override_settings

from lifeline.fieldservice.integrations.signing import mango_sign


@responses.activate
def test_replay_posts_each_event_signed_like_mango(tmp_path: Path) -> None:
    responses.post("http://pbx.test/api/v1/fieldservice/mango/events/call", json={"result": 200})
    responses.post("http://pbx.test/api/v1/fieldservice/mango/events/summary", json={"result": 200})
    file = tmp_path / "calls.jsonl"
    file.write_text(
        json.dumps({"path": "events/call", "json": {"entry_id": "e1", "seq": 1}})
        + "\n"
        + json.dumps({"path": "events/summary", "json": {"entry_id": "e1"}})
        + "\n"
    )
    out = StringIO()
    call_command(
        "fieldservice_replay_mango", str(file), url="http://pbx.test", key="k", salt="s", stdout=out
    )
    assert out.getvalue() == "events/call: 200\nevents/summary: 200\n"
    first = parse_qs(responses.calls[0].request.body)
    raw = '{"entry_id":"e1","seq":1}'
    assert first == {
        "vpbx_api_key": ["k"],
        "sign": [mango_sign(api_key="k", payload=raw, api_salt="s")],
        "json": [raw],
    }


@pytest.mark.django_db(transaction=True)
def test_replay_against_a_running_server_makes_the_calls_happen_once(
    world: Any, live_server: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The command against a real server (the issue's «replays a recorded webhook sequence
    against a running server»): an answered call becomes a request, a missed call a callback;
    replaying the same file again changes nothing; a wrong salt is refused, nothing stored."""
    from celery import current_app

    from lifeline.fieldservice.models import CallbackTask, MangoEvent, ServiceRequest
    from lifeline.fieldservice.tests.test_mango import _call, _summary

    monkeypatch.setitem(current_app.conf, "task_always_eager", True)  # the worker's part, here
    lines = [
        {"path": "events/call", "json": _call("rp-1", "Appeared", 1, caller="79161112233")},
        {"path": "events/summary", "json": _summary("rp-1", answered=True, caller="79161112233")},
        {"path": "events/summary", "json": _summary("rp-2", answered=False, caller="79165554433")},
    ]
    file = tmp_path / "calls.jsonl"
    file.write_text("".join(json.dumps(line) + "\n" for line in lines))
    options = {"url": live_server.url, "key": "k", "salt": "s"}

    def replay(**extra: str) -> str:
        out = StringIO()
        call_command("fieldservice_replay_mango", str(file), stdout=out, **{**options, **extra})
        return out.getvalue()

    with override_settings(FIELDSERVICE_MANGO_API_KEY="k", FIELDSERVICE_MANGO_API_SALT="s"):
        assert replay(salt="wrong") == (
            "events/call: 403\nevents/summary: 403\nevents/summary: 403\n"
        )
        assert MangoEvent.objects.count() == 0
        expected = "events/call: 200\nevents/summary: 200\nevents/summary: 200\n"
        assert replay() == expected
        assert replay() == expected
    assert MangoEvent.objects.count() == 3
    request = ServiceRequest.objects.get()
    assert (request.client_phone, request.city_id) == ("+79161112233", world.moscow.pk)
    assert list(CallbackTask.objects.values_list("phone", flat=True)) == ["+79165554433"]
