"""A fake Mango server for tests and the demo: records the commands it was sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeTelephony:
    commands: list[dict[str, Any]] = field(default_factory=list)
    recordings: dict[str, bytes] = field(default_factory=dict)

    def callback(self, *, from_extension: str, to_number: str, command_id: str) -> None:
        self.commands.append(
            {"command": "callback", "from": from_extension, "to": to_number, "id": command_id}
        )

    def recording_download(self, *, recording_id: str) -> bytes:
        from lifeline.fieldservice.exceptions import TelephonyUnavailable

        if recording_id not in self.recordings:
            raise TelephonyUnavailable()
        return self.recordings[recording_id]
