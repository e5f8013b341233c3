from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, TestCase

MIDDLEWARE = "lifeline.web.middleware.RestrictionMiddleware"
TZ_MIDDLEWARE = "lifeline.web.middleware.UserTimezoneMiddleware"
BACKEND = "lifeline.web.backends.PlatformAdminPermissionBackend"


@pytest.fixture(autouse=True)
def _restriction_middleware(settings: Any) -> None:
    """Run the web shell's middleware and permission backend where the lead will put them."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        at = middleware.index("django.contrib.messages.middleware.MessageMiddleware") + 1
        middleware[at:at] = [MIDDLEWARE, TZ_MIDDLEWARE]
        settings.MIDDLEWARE = middleware
    if BACKEND not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]


class CommitClient(Client):
    """Runs the on-commit callbacks (the accounts e-mails, real-time events) of each request,
    as a real request's commit would; callbacks of rolled-back savepoints never run."""

    def request(self, **request: Any) -> Any:
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client() -> Client:
    return CommitClient()


class SessionClient(CommitClient):
    """A Django test client usable as `assert_permission_matrix(client_factory=...)`."""

    def force_authenticate(self, user: Any) -> None:
        self.force_login(user)

    def get(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        extra.pop("format", None)
        return super().get(path, data or None, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        extra.pop("format", None)
        return super().post(path, data or {}, **extra)


@pytest.fixture
def en(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
