"""WebSocket routes: one endpoint per audience, under `/ws/`.

Each app that serves WebSockets adds a module `lifeline/<app>/routing.py` with a list
`websocket_urlpatterns` (Django `path()`/`re_path()` to `<Consumer>.as_asgi()`, paths starting
with `ws/<app>/`). `collect_websocket_urlpatterns()` finds them in every installed `lifeline.*`
app once Django is set up (as Celery finds tasks), so adding a route touches no shared file.
`config/asgi.py` wraps the result in `RealtimeAuthMiddlewareStack`.
"""

from __future__ import annotations

import importlib
from typing import Any

from channels.security.websocket import WebsocketDenier
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import path, re_path

from lifeline.realtime.consumers import NotificationsConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/notifications/", NotificationsConsumer.as_asgi(), name="realtime-notifications"),
]


def collect_websocket_urlpatterns() -> list[Any]:
    """Return every app's routes, then a catch-all that refuses unknown paths (HTTP 403)."""
    patterns: list[Any] = []
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("lifeline."):
            continue
        module_name = f"{app_config.name}.routing"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        for pattern in getattr(module, "websocket_urlpatterns", []):
            route = str(pattern.pattern)
            if not route.lstrip("^").startswith("ws/"):
                raise ImproperlyConfigured(
                    f"{module_name}: WebSocket route {route!r} not under ws/"
                )
            patterns.append(pattern)
    patterns.append(re_path(r"^", WebsocketDenier.as_asgi()))
    return patterns
