"""What every provider adapter returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RESPONSE_BODY_LIMIT = 1000


@dataclass(frozen=True)
class ProviderResult:
    message_id: str = ""
    response: dict[str, Any] = field(default_factory=dict)


def http_response_summary(status_code: int | None, text: str | None) -> dict[str, Any]:
    """What is kept of a provider's HTTP answer: the status and the first 1000 characters."""
    return {"status_code": status_code, "body": (text or "")[:RESPONSE_BODY_LIMIT]}
