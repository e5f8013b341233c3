"""Replay a recorded Mango webhook sequence against a running server, signed like Mango.

FILE holds JSON lines (or one JSON array) of `{"path": "events/call", "json": {...}}`;
`"delay_seconds"` on a line waits before it is sent.

    lifeline manage fieldservice_replay_mango calls.jsonl --url http://127.0.0.1:8000
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifeline.fieldservice import conf
from lifeline.fieldservice.integrations.signing import mango_sign


def load_events(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8").strip()
    if text.startswith("["):
        events = json.loads(text)
    else:
        events = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not all(isinstance(e, dict) and "path" in e and "json" in e for e in events):
        raise CommandError("Every event needs 'path' and 'json'.")
    return events


class Command(BaseCommand):
    help = "Replay recorded Mango webhooks (signed with the configured or given key and salt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--key", default=None)
        parser.add_argument("--salt", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["key"] or conf.mango_api_key()
        salt = options["salt"] or conf.mango_api_salt()
        if not key or not salt:
            raise CommandError("Set FIELDSERVICE_MANGO_API_KEY/_SALT or pass --key and --salt.")
        base = options["url"].rstrip("/") + "/api/v1/fieldservice/mango/"
        for event in load_events(options["file"]):
            time.sleep(float(event.get("delay_seconds") or 0))
            raw = json.dumps(event["json"], separators=(",", ":"), ensure_ascii=False)
            form = {
                "vpbx_api_key": key,
                "sign": mango_sign(api_key=key, payload=raw, api_salt=salt),
                "json": raw,
            }
            response = requests.post(base + str(event["path"]).lstrip("/"), data=form, timeout=10)
            self.stdout.write(f"{event['path']}: {response.status_code}")
