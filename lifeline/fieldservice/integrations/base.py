"""The telephony provider interface the services talk to (Mango Office, or a fake)."""

from __future__ import annotations

from typing import Protocol


class TelephonyClient(Protocol):
    def callback(self, *, from_extension: str, to_number: str, command_id: str) -> None:
        """Ring the operator's extension, then connect them to `to_number` (click-to-call)."""

    def recording_download(self, *, recording_id: str) -> bytes:
        """Return the recording's audio (raises TelephonyUnavailable while not ready)."""
