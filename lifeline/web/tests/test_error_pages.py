"""The error pages a person meets are in their language, inside the site's layout."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [
        ("ru", "Страница не найдена", "На главную страницу"),
        ("en", "Page not found", "Go to the home page"),
    ],
)
def test_unknown_page_is_a_translated_404_in_the_layout(language: str, heading: str, home: str):
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'<a href="/">{home}</a>' in page
    assert "The requested resource was not found" not in page


@pytest.mark.django_db
def test_api_404_stays_problem_details():
    response = Client().get("/api/v1/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


@override_settings(ROOT_URLCONF="lifeline.web.tests.test_error_pages")
def test_server_error_page_is_translated_without_a_request_context():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="ru")

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ru">' in page
    assert "<h1>Ошибка сервера</h1>" in page


def _boom(request: object) -> None:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]
handler500 = "lifeline.ops.views.server_error"
