"""The inbox text is rendered in the reader's language when shown, not the creation language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lifeline.accounts.tests.factories import UserFactory
from lifeline.notifications.models import Notification
from lifeline.notifications.rendering import RenderedMessage, inbox_text
from lifeline.notifications.services import notify

pytestmark = pytest.mark.django_db

TITLE_EN = "Your password was changed"
BODY_EN = (
    "The password of your Lifeline account was changed. If you did not do this, reset your "
    "password now."
)
TITLE_RU = "Ваш пароль изменён"
BODY_RU = (
    "Пароль вашей учётной записи Lifeline был изменён. Если это сделали не вы, "
    "немедленно сбросьте пароль."
)


@pytest.fixture
def created_in_english() -> Notification:
    notification = notify(UserFactory(language="en"), "accounts.password_changed")
    assert (notification.title, notification.body) == (TITLE_EN, BODY_EN)
    return notification


def test_inbox_text_follows_the_active_language(created_in_english):
    with translation.override("ru"):
        assert inbox_text(created_in_english) == RenderedMessage(title=TITLE_RU, body=BODY_RU)
    with translation.override("en"):
        assert inbox_text(created_in_english) == RenderedMessage(title=TITLE_EN, body=BODY_EN)
    created_in_english.refresh_from_db()
    assert (created_in_english.title, created_in_english.body) == (TITLE_EN, BODY_EN)


def test_inbox_text_of_a_removed_topic_is_the_stored_text(created_in_english):
    Notification.objects.filter(pk=created_in_english.pk).update(topic="removed.topic")
    created_in_english.refresh_from_db()

    with translation.override("ru"):
        assert inbox_text(created_in_english) == RenderedMessage(title=TITLE_EN, body=BODY_EN)


@pytest.mark.parametrize(
    ("language", "title", "body"), [("ru", TITLE_RU, BODY_RU), ("en", TITLE_EN, BODY_EN)]
)
def test_api_inbox_is_in_the_request_language(
    api_client, created_in_english, language, title, body
):
    api_client.force_authenticate(created_in_english.recipient)

    response = api_client.get(
        reverse("notifications:notification-list"), HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 200
    assert [(n["id"], n["title"], n["body"]) for n in response.json()["results"]] == [
        (str(created_in_english.pk), title, body)
    ]


def test_api_read_answers_in_the_request_language(api_client, created_in_english):
    api_client.force_authenticate(created_in_english.recipient)

    response = api_client.post(
        reverse("notifications:notification-read", args=[created_in_english.pk]),
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["body"]) == (TITLE_RU, BODY_RU)
    created_in_english.refresh_from_db()
    assert (created_in_english.title, created_in_english.body) == (TITLE_EN, BODY_EN)
    assert created_in_english.read_at is not None


def test_inbox_page_is_in_the_page_language(client: Client, created_in_english):
    client.force_login(created_in_english.recipient)

    html = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert f"{TITLE_RU}</h2>" in html
    assert BODY_RU in html
    assert TITLE_EN not in html
