from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[3]


def cookie_settings(https: str) -> dict[str, object]:
    """The language cookie settings as config.settings computes them in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIFELINE_"))}
    env |= {"DJANGO_SECRET_KEY": "x" * 50, "LIFELINE_HTTPS": https}
    script = (
        "import json, config.settings as s; print(json.dumps([s.LANGUAGE_COOKIE_SECURE, "
        "s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY, s.SESSION_COOKIE_SECURE]))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True
    )
    secure, samesite, httponly, session_secure = json.loads(out.stdout.splitlines()[-1])
    return {
        "secure": secure,
        "samesite": samesite,
        "httponly": httponly,
        "session_secure": session_secure,
    }


def test_language_cookie_is_secure_and_same_site_under_https():
    assert cookie_settings("true") == {
        "secure": True,
        "samesite": "Lax",
        "httponly": True,
        "session_secure": True,
    }


def test_language_cookie_is_not_secure_over_plain_http():
    assert cookie_settings("false")["secure"] is False


def assert_hardened(morsel) -> None:  # type: ignore[no-untyped-def]
    assert morsel["secure"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["httponly"] is True


@pytest.fixture
def https_cookies(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SAMESITE = "Lax"
    settings.LANGUAGE_COOKIE_HTTPONLY = True
    return settings


@pytest.mark.django_db
def test_language_switch_sets_the_hardened_cookie(https_cookies):
    client = Client()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[https_cookies.LANGUAGE_COOKIE_NAME].value == "en"
    assert_hardened(response.cookies[https_cookies.LANGUAGE_COOKIE_NAME])


@pytest.mark.django_db
def test_sign_in_sets_the_accounts_language_in_the_hardened_cookie(https_cookies):
    user = UserFactory(language="ru")
    client = Client()

    response = client.post("/login/", {"identifier": user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response.cookies[https_cookies.LANGUAGE_COOKIE_NAME].value == "ru"
    assert_hardened(response.cookies[https_cookies.LANGUAGE_COOKIE_NAME])
