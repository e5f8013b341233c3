"""ASGI entry point: WebSockets in production; HTTP too under `lifeline serve` (embedded).

Production role `lifeline run ws` serves this with uvicorn; nginx sends only `/ws/` here and
HTTP stays on WSGI (ARCHITECTURE.md, decision 3). `lifeline/core/embedded.py` reuses
`application.application_mapping`, so `application` stays a ProtocolTypeRouter.
WebSocket routes come from each app's `routing.py` (see `lifeline/realtime/routing.py`).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Sets Django up (apps, settings) before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from lifeline.realtime.auth import RealtimeAuthMiddlewareStack  # noqa: E402
from lifeline.realtime.routing import collect_websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": RealtimeAuthMiddlewareStack(URLRouter(collect_websocket_urlpatterns())),
    }
)
