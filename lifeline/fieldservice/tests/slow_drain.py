"""Imported only by a test worker (`--include lifeline.fieldservice.tests.slow_drain`): the
Mango drain hangs after it processed the first event of its batch, inside the batch's
transaction, so a test can SIGKILL the worker in the middle of a drain."""

from __future__ import annotations

import time
from typing import Any

from lifeline.fieldservice.services import telephony

_handle = telephony._handle
_seen = 0


def _hanging_handle(*args: Any, **kwargs: Any) -> None:
    global _seen
    _handle(*args, **kwargs)
    _seen += 1
    if _seen == 1:
        print("slow_drain.entered", flush=True)  # noqa: T201 - the test waits for this line
        time.sleep(120)


telephony._handle = _hanging_handle
