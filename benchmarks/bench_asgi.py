"""The project's ASGI application (`config.asgi`) plus the bare chat consumer of
`benchmarks/bench_chat.py` on `/ws/bench/chat/<conversation id>/`; every other socket goes
through the project's own middleware and routes unchanged. Benchmarks only."""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")

from channels.routing import ProtocolTypeRouter  # noqa: E402

from benchmarks.bench_chat import BARE_WS_PREFIX, BareChatConsumer  # noqa: E402
from config.asgi import application as project_application  # noqa: E402

_project_websocket = project_application.application_mapping["websocket"]
_bare = BareChatConsumer.as_asgi()


async def _websocket(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["path"].startswith(BARE_WS_PREFIX):
        await _bare(scope, receive, send)
    else:
        await _project_websocket(scope, receive, send)


application = ProtocolTypeRouter(
    {"http": project_application.application_mapping["http"], "websocket": _websocket}
)
