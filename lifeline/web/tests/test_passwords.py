"""Password reset (request + confirm), password change, and the forced change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from lifeline.accounts.models import PasswordHistory, UserSession
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, UserSessionFactory
from lifeline.web.tests.conftest import messages_of

pytestmark = pytest.mark.django_db

NEW = "Brand-New-Secret-77!"


def _code() -> str:
    match = re.search(r"^(\d{6})$", mail.outbox[-1].body, re.MULTILINE)
    assert match is not None
    return match.group(1)


def _sign_in(client: Client, user, password: str = DEFAULT_PASSWORD):
    return client.post("/login/", {"identifier": user.email, "password": password})


# --- reset -------------------------------------------------------------------------------
def test_reset_request_sends_a_code_and_goes_to_the_confirm_page(client: Client):
    user = UserFactory(email="ada@example.test")

    response = client.post("/password/reset/", {"identifier": user.email})

    assert response.status_code == 302
    assert response["Location"] == "/password/reset/confirm/?identifier=ada%40example.test"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.test"]


def test_reset_request_for_an_unknown_account_answers_the_same(client: Client):
    response = client.post("/password/reset/", {"identifier": "nobody@example.test"})

    assert response.status_code == 302
    assert response["Location"] == "/password/reset/confirm/?identifier=nobody%40example.test"
    assert mail.outbox == []
    follow = client.get(response["Location"])
    assert follow.context["form"].initial["identifier"] == "nobody@example.test"
    assert "If an account with an e-mail address matches" in messages_of(follow)[0]


def test_reset_confirm_sets_the_password_and_ends_every_session(client: Client):
    user = UserFactory()
    api_session = UserSessionFactory(user=user)
    client.post("/password/reset/", {"identifier": user.email})
    body = {
        "identifier": user.email,
        "code": _code(),
        "new_password": NEW,
        "new_password2": NEW,
    }

    response = client.post("/password/reset/confirm/", body)

    assert (response.status_code, response["Location"]) == (302, "/login/")
    user.refresh_from_db()
    assert user.check_password(NEW)
    api_session.refresh_from_db()
    assert api_session.revoked_at is not None
    assert _sign_in(client, user, NEW).status_code == 302


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "000000"}, "code", "The code is wrong or has expired."),
        ({"new_password2": "Other-Secret-77!"}, "new_password2", "The two passwords do not match."),
        ({"new_password": "short", "new_password2": "short"}, "new_password", "12 characters"),
    ],
)
def test_reset_confirm_refusals_change_nothing(
    client: Client, change: dict, field: str, message: str
):
    user = UserFactory()
    client.post("/password/reset/", {"identifier": user.email})
    code = _code()
    if change.get("code") == code:
        change = {**change, "code": "111111"}
    password_before = user.password
    body = {"identifier": user.email, "code": code, "new_password": NEW, "new_password2": NEW}

    response = client.post("/password/reset/confirm/", {**body, **change})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    user.refresh_from_db()
    assert user.password == password_before


# --- change ------------------------------------------------------------------------------
def test_change_password_keeps_this_session_and_ends_the_others(client: Client):
    user = UserFactory()
    _sign_in(client, user)
    other = UserSessionFactory(user=user)
    this = UserSession.objects.get(user=user, kind="web")

    response = client.post(
        "/account/password/",
        {"current_password": DEFAULT_PASSWORD, "new_password": NEW, "new_password2": NEW},
    )

    assert (response.status_code, response["Location"]) == (302, "/account/security/")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert PasswordHistory.objects.filter(user=user).count() == 1
    other.refresh_from_db()
    this.refresh_from_db()
    assert (other.revoked_at is not None, this.revoked_at) == (True, None)
    assert client.get("/").status_code == 200  # still signed in here


def test_change_password_with_a_wrong_current_password_changes_nothing(client: Client):
    user = UserFactory()
    client.force_login(user)
    before = user.password

    response = client.post(
        "/account/password/",
        {"current_password": "Wrong-Password-1!", "new_password": NEW, "new_password2": NEW},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["current_password"] == [
        "The current password is not correct."
    ]
    user.refresh_from_db()
    assert user.password == before


def test_change_password_refuses_the_current_one_again(client: Client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/account/password/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": DEFAULT_PASSWORD,
            "new_password2": DEFAULT_PASSWORD,
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["new_password"]
    assert PasswordHistory.objects.count() == 0


# --- forced change -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(must_change_password=True),
        lambda: UserFactory(password_changed_at=timezone.now() - timedelta(days=91)),
    ],
    ids=["must_change_password", "expired"],
)
def test_a_user_who_must_change_the_password_can_do_nothing_else(client: Client, make_user):
    user = make_user()
    signed_in = _sign_in(client, user)
    assert signed_in.status_code == 302

    for url in ["/", "/account/profile/", "/notifications/", "/account/security/", "/admin/"]:
        response = client.get(url)
        assert (url, response.status_code, response["Location"]) == (
            url,
            302,
            "/account/password/",
        )
    page = client.get("/account/password/")
    assert page.status_code == 200
    assert page.context["forced"] is True

    done = client.post(
        "/account/password/",
        {"current_password": DEFAULT_PASSWORD, "new_password": NEW, "new_password2": NEW},
    )

    assert done.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert client.get("/").status_code == 200


def test_the_forced_user_may_still_sign_out(client: Client):
    user = UserFactory(must_change_password=True)
    _sign_in(client, user)

    response = client.post("/logout/")

    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert "_auth_user_id" not in client.session


def test_only_sessions_from_the_sign_in_page_carry_restrictions(client: Client):
    # As the API's restriction lives in the token issued at login, the web's lives in the
    # session made by the sign-in page; a session made otherwise (force_login) has none.
    client.force_login(UserFactory(must_change_password=True))

    assert client.get("/").status_code == 200
