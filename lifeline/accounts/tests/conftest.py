from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings: Any) -> None:
    # django-otp's growing delay after a wrong code is tested by django-otp; here it would only
    # make "wrong code, then right code" depend on the clock.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def make_request() -> Callable[..., HttpRequest]:
    def build(ip: str = "10.0.0.1", user_agent: str = "Mozilla/5.0 (X11; Linux) Firefox/130.0"):
        request = RequestFactory().post(
            "/api/v1/auth/login/", REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent
        )
        SessionMiddleware(lambda r: HttpResponse()).process_request(request)
        return request

    return build
