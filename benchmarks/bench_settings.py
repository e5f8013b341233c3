"""Production settings plus the benchmark-only routes (benchmarks/bench_urls.py)."""

import os
from typing import Any

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"

# chat_roles.py --channel-capacity N (diagnostic): channels-redis drops, silently (logged at
# INFO), every group message to a process whose pending messages reach `capacity`
# (default 100); all sockets of one uvicorn process share that one queue.
_layer: dict[str, Any] = CHANNEL_LAYERS["default"]  # noqa: F405
if os.environ.get("BENCH_CHANNEL_CAPACITY") and "CONFIG" in _layer:
    _layer["CONFIG"]["capacity"] = int(os.environ["BENCH_CHANNEL_CAPACITY"])
