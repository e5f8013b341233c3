"""The ASGI app behind `lifeline serve`: HTTP (with static files) and WebSockets, one origin."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.http import HttpRequest, HttpResponseBase

from config.asgi import application as _asgi_application
from config.asgi import django_asgi_app


class StaticFilesHandler(ASGIStaticFilesHandler):
    """Django's static files handler, with the headers the rest of the site gets.

    Static files bypass the middleware (SecurityMiddleware adds `nosniff` to everything
    else), so a browser could sniff a served file into another type; say it here. In
    production nginx serves /static/ and adds the same header (docs/deployment.md).
    """

    async def get_response_async(self, request: HttpRequest) -> Any:
        response: HttpResponseBase = await super().get_response_async(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


_routes = dict(getattr(_asgi_application, "application_mapping", {}))
_routes["http"] = StaticFilesHandler(django_asgi_app)

from channels.routing import ProtocolTypeRouter  # noqa: E402

application = ProtocolTypeRouter(_routes)
