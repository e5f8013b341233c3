from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs

import responses
from django.core.management import call_command

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
