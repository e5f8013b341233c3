"""Test-only URLconf: the project's routes plus a few views that exist only for ops tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from lifeline.core.api.throttling import AnonRateThrottle, UserRateThrottle

_NONCE_PAGE = engines["django"].from_string(
    '<script nonce="{{ request.csp_nonce }}">window.ok = true;</script>'
)


def nonce_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_NONCE_PAGE.render({}, request))


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def secret_link(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("ok")


class PingApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    def get(self, request: Request) -> Response:
        return Response({"pong": True})


class PingBothApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [UserRateThrottle, AnonRateThrottle]

    def get(self, request: Request) -> Response:
        return Response({"pong": True})


urlpatterns = [
    path("api/test-ping/", PingApi.as_view()),
    path("api/test-ping-both/", PingBothApi.as_view()),
    path("api/test-boom/", boom),
    path("test-boom/", boom),
    path("test-nonce/", nonce_page),
    path("test-secret-link/<str:token>/", secret_link),
    *project_urlpatterns,
]

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
