"""Problem details speak the request's language: every refusal's title has a Russian
translation, and the detail follows the language of the request, not of the raise
(issue 14, item 16: with Russian selected a 403 said "You may not perform this operation")."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop
from rest_framework.test import APIRequestFactory

import lifeline
from lifeline.core.api.errors import _DRF_CODES, exception_handler
from lifeline.core.exceptions import DomainError


def _subclasses(cls: type[DomainError]) -> Iterator[type[DomainError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _all_refusals() -> list[type[DomainError]]:
    for module in pkgutil.walk_packages(lifeline.__path__, "lifeline."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        if module.name.endswith(("_generate", "__main__")):
            continue
        importlib.import_module(module.name)
    return sorted({DomainError, *_subclasses(DomainError)}, key=lambda c: c.__qualname__)


def test_every_refusal_title_is_translated_to_russian() -> None:
    refusals = _all_refusals()
    assert len(refusals) > 60  # every app's refusals were found
    with translation.override("ru"):
        untranslated = sorted(
            {str(c.title) for c in refusals if translation.gettext(str(c.title)) == c.title}
        )
        drf_untranslated = sorted(
            title for _code, title in _DRF_CODES.values() if translation.gettext(title) == title
        )
    assert untranslated == []
    assert drf_untranslated == []


def _render(exc: Exception, language: str) -> dict[str, object]:
    request = APIRequestFactory().get("/api/v1/x/")
    with translation.override(language):
        response = exception_handler(exc, {"request": request})
        assert response is not None
        # What the renderer writes, evaluated in the request's language.
        return {
            key: value if isinstance(value, int) else str(value)
            for key, value in response.data.items()
        }


class AccessForbidden(DomainError):  # as lifeline.access.exceptions has it
    code = "access.forbidden"
    title = gettext_noop("You may not perform this operation")
    http_status = 403


def test_a_refusal_raised_in_english_is_rendered_in_the_request_language() -> None:
    with translation.override("en"):
        exc = AccessForbidden()  # raised while English was active (a task, a default)
    body = _render(exc, "ru")

    assert body == {
        "type": "about:blank",
        "title": "Вы не можете выполнить эту операцию",
        "status": 403,
        "detail": "Вы не можете выполнить эту операцию",
        "code": "access.forbidden",
    }
    assert _render(AccessForbidden(), "en")["detail"] == "You may not perform this operation"


@pytest.mark.django_db
def test_an_api_403_follows_accept_language(api_client) -> None:  # type: ignore[no-untyped-def]
    response = api_client.get("/api/v1/auth/me/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 401
    assert response.json()["title"] == "Требуется вход"
