"""Every page renders in English and Russian; signed-in pages send anonymous visitors away."""

from __future__ import annotations

import pytest
from django.test import Client

from lifeline.accounts.tests.factories import UserFactory
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PUBLIC = ["/login/", "/register/", "/verify/", "/password/reset/", "/password/reset/confirm/"]
PRIVATE = [
    "/",
    "/account/password/",
    "/account/profile/",
    "/account/security/",
    "/notifications/",
    "/notifications/preferences/",
]
TITLES = {
    ("en", "/register/"): "Create an account",
    ("ru", "/register/"): "Создать учётную запись",
    ("en", "/notifications/"): "Notifications",
    ("ru", "/notifications/"): "Уведомления",
    ("en", "/account/security/"): "Security",
    ("ru", "/account/security/"): "Безопасность",
}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_render(client: Client, url: str, language: str):
    client.cookies["django_language"] = language

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'href="#main"' in html  # skip link
    assert '<main id="main"' in html
    if (language, url) in TITLES:
        assert f"<h1>{TITLES[(language, url)]}</h1>" in html


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("url", PRIVATE)
def test_private_pages_render_for_a_signed_in_user(client: Client, url: str, language: str):
    client.force_login(UserFactory())
    client.cookies["django_language"] = language

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "web/live.js" in html  # the live badge runs on every signed-in page
    assert "data-unread-badge" in html
    if (language, url) in TITLES:
        assert f"<h1>{TITLES[(language, url)]}</h1>" in html


@pytest.mark.parametrize("url", PRIVATE)
def test_private_pages_send_anonymous_visitors_to_sign_in(client: Client, url: str):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_the_header_has_the_language_switch_and_no_inline_script(client: Client):
    client.force_login(UserFactory())

    html = client.get("/").content.decode()

    assert 'action="/i18n/setlang/"' in html
    assert '<select id="language-select" name="language">' in html
    assert "onclick=" not in html
    assert "<script>" not in html  # every script is an external file


def test_the_language_switch_changes_the_page_language(client: Client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/login/"})

    assert response.status_code == 302
    assert '<html lang="ru">' in client.get("/login/").content.decode()


def test_the_language_switch_is_saved_on_a_signed_in_users_account(client: Client):
    user = UserFactory(language="ru")
    client.force_login(user)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert (
        AuditEvent.objects.filter(action="accounts.profile_updated", actor_id=user.pk).count() == 1
    )


def test_an_unknown_language_changes_nothing_on_the_account(client: Client):
    user = UserFactory(language="ru")
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == "ru"
    assert not AuditEvent.objects.filter(action="accounts.profile_updated").exists()
