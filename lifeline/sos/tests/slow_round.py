"""Imported only by a test worker (`--include lifeline.sos.tests.slow_round`): the helper
search of an SOS round hangs after it found the helpers, inside the round's transaction, so
a test can SIGKILL the worker in the middle of the round."""

from __future__ import annotations

import time
from typing import Any

from lifeline.sos import selectors

_nearest_helpers = selectors.nearest_helpers


def _hanging_nearest_helpers(**kwargs: Any) -> Any:
    found = _nearest_helpers(**kwargs)
    print("slow_round.entered", flush=True)  # noqa: T201 - the test waits for this line
    time.sleep(120)
    return found


selectors.nearest_helpers = _hanging_nearest_helpers
