"""The ASGI app behind `lifeline serve`: HTTP (with static files) and WebSockets, one origin."""

from __future__ import annotations

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from config.asgi import application as _asgi_application
from config.asgi import django_asgi_app

_routes = dict(getattr(_asgi_application, "application_mapping", {}))
_routes["http"] = ASGIStaticFilesHandler(django_asgi_app)

from channels.routing import ProtocolTypeRouter  # noqa: E402

application = ProtocolTypeRouter(_routes)
