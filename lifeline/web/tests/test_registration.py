"""Register by e-mail, confirm the address with the 6-digit code, resend a code."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from lifeline.accounts.models import User, VerificationCode
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from lifeline.core.api.throttling import AuthRateThrottle
from lifeline.web.tests.conftest import messages_of

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.test",
    "password": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
}


def _code_from_outbox() -> str:
    match = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert match is not None
    return match.group(1)


def test_register_creates_an_unverified_account_and_sends_a_code(client: Client):
    response = client.post("/register/", GOOD)

    assert (response.status_code, response["Location"]) == (302, "/verify/")
    user = User.objects.get(email="ada@example.test")
    assert (user.full_name, user.email_verified_at, user.language) == ("Ada Lovelace", None, "en")
    assert user.check_password(DEFAULT_PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.test"]
    page = client.get("/verify/")
    assert 'value="ada@example.test"' in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password": "short", "password2": "short"}, "password", "at least 12 characters"),
        ({"password2": "Other-Password-2024!"}, "password2", "The two passwords do not match."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"full_name": ""}, "full_name", "This field is required."),
    ],
)
def test_register_refuses_invalid_input_and_stores_nothing(
    client: Client, change: dict, field: str, message: str
):
    response = client.post("/register/", {**GOOD, **change})

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_register_with_a_taken_address_answers_the_same_and_changes_nothing(client: Client):
    owner = UserFactory(email="ada@example.test", full_name="The Owner")
    password_before = owner.password

    response = client.post("/register/", GOOD)

    assert (response.status_code, response["Location"]) == (302, "/verify/")
    owner.refresh_from_db()
    assert (owner.full_name, owner.password) == ("The Owner", password_before)
    assert User.objects.count() == 1
    assert VerificationCode.objects.count() == 0
    assert len(mail.outbox) == 1  # the owner is told someone tried; no code in it


def test_verify_with_the_right_code_confirms_the_address(client: Client):
    client.post("/register/", GOOD)
    code = _code_from_outbox()

    response = client.post("/verify/", {"email": "ada@example.test", "code": code})

    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert User.objects.get(email="ada@example.test").email_verified_at is not None
    follow = client.get("/login/")
    assert "Your e-mail address is confirmed. You can sign in." in messages_of(follow)


def test_verify_with_a_wrong_code_is_refused_and_counted(client: Client):
    client.post("/register/", GOOD)
    code = _code_from_outbox()
    wrong = "000000" if code != "000000" else "111111"

    response = client.post("/verify/", {"email": "ada@example.test", "code": wrong})

    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["The code is wrong or has expired."]
    assert User.objects.get(email="ada@example.test").email_verified_at is None
    assert VerificationCode.objects.get().attempts == 1


def test_verify_for_an_unknown_address_looks_the_same(client: Client):
    response = client.post("/verify/", {"email": "nobody@example.test", "code": "123456"})

    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["The code is wrong or has expired."]


def test_resend_is_silent_and_rate_limited_by_the_service(client: Client):
    client.post("/register/", GOOD)

    response = client.post("/verify/resend/", {"email": "ada@example.test"})
    unknown = client.post("/verify/resend/", {"email": "nobody@example.test"})

    assert response.status_code == unknown.status_code == 302
    assert len(mail.outbox) == 1  # the first code is less than a minute old


def test_signed_in_users_are_sent_home_from_register(client: Client):
    client.force_login(UserFactory())

    response = client.get("/register/")

    assert (response.status_code, response["Location"]) == (302, "/")


def test_register_is_throttled_per_ip(client: Client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {"auth": "2/min"})

    statuses = [client.post("/register/", GOOD).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert User.objects.count() == 1
