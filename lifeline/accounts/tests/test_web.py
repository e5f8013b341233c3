from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.models import LoginEvent, LoginResult, UserSession
from lifeline.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    TOTPDeviceFactory,
    UserFactory,
    totp_code,
)

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def test_sign_in_with_password_starts_a_web_session(client: Client):
    user = UserFactory()

    response = client.post(LOGIN, {"identifier": user.email, "password": DEFAULT_PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(user.pk)
    session = UserSession.objects.get(user=user)
    assert (session.kind, session.session_key) == ("web", client.session.session_key)
    assert LoginEvent.objects.get().channel == "web"


def test_sign_in_with_2fa_asks_for_the_code(client: Client):
    device = TOTPDeviceFactory()
    user = device.user

    first = client.post(LOGIN, {"identifier": user.email, "password": DEFAULT_PASSWORD})
    assert first.status_code == 200
    assert first.context["step"] == "otp"
    assert "_auth_user_id" not in client.session

    wrong = client.post(LOGIN, {"otp": "000000"})
    assert (wrong.status_code, wrong.context["step"]) == (401, "otp")
    assert "_auth_user_id" not in client.session

    right = client.post(LOGIN, {"otp": totp_code(device)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert list(LoginEvent.objects.order_by("pk").values_list("result", flat=True)) == [
        LoginResult.OTP_REQUIRED,
        LoginResult.OTP_FAILED,
        LoginResult.SUCCESS,
    ]


def test_web_sign_in_is_locked_out_after_five_failures(client: Client):
    user = UserFactory()
    statuses = [
        client.post(LOGIN, {"identifier": user.email, "password": "wrong"}).status_code
        for _ in range(5)
    ]

    locked = client.post(LOGIN, {"identifier": user.email, "password": DEFAULT_PASSWORD})

    assert statuses == [401, 401, 401, 401, 429]
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert UserSession.objects.count() == 0


def test_open_redirect_is_ignored(client: Client):
    user = UserFactory()

    response = client.post(
        LOGIN,
        {"identifier": user.email, "password": DEFAULT_PASSWORD, "next": "https://evil.test/"},
    )

    assert response["Location"] == "/"


def test_clinical_role_is_logged_out_after_30_idle_minutes(client: Client):
    doctor = user_with_role(Role.DOCTOR)
    client.force_login(doctor)
    assert client.get("/").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_clinical_role_stays_signed_in_while_active(client: Client):
    doctor = user_with_role(Role.DOCTOR)
    client.force_login(doctor)
    start = timezone.now()
    for minutes in (0, 20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200


def test_other_roles_keep_the_long_session(client: Client):
    client.force_login(user_with_role(Role.BUYER))
    assert client.get("/").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.get("/").status_code == 200


def test_sign_out_ends_the_recorded_session(client: Client):
    user = UserFactory()
    client.post(LOGIN, {"identifier": user.email, "password": DEFAULT_PASSWORD})

    response = client.post("/logout/")

    assert response.status_code == 302
    assert UserSession.objects.get(user=user).revoked_at is not None
