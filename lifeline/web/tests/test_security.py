"""The security page: 2FA enrolment with QR and backup codes, disable/regenerate, sessions."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.models import LoginEvent, UserSession
from lifeline.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    LoginEventFactory,
    TOTPDeviceFactory,
    UserFactory,
    UserSessionFactory,
    totp_code,
)

pytestmark = pytest.mark.django_db


def _pending_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_enrolment_shows_a_qr_code_and_the_secret_then_backup_codes_once(client: Client):
    user = UserFactory()
    client.force_login(user)

    start = client.post("/account/security/2fa/enrol/")

    assert start.status_code == 200
    html = start.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert start.context["enrollment"].secret in html

    done = client.post("/account/security/2fa/confirm/", {"otp": _pending_code(user)})

    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed is True
    assert sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == sorted(codes)
    assert client.session["otp_device_id"] == device.persistent_id
    page = client.get("/account/security/").content.decode()
    assert "10 backup codes left." in page
    assert codes[0] not in page  # shown only once


def test_enrolment_with_a_wrong_code_shows_the_same_qr_again(client: Client):
    user = UserFactory()
    client.force_login(user)
    start = client.post("/account/security/2fa/enrol/")
    secret = start.context["enrollment"].secret

    wrong = client.post("/account/security/2fa/confirm/", {"otp": "000000"})

    assert wrong.status_code == 400
    assert wrong.context["form"].errors["otp"] == ["The code is not valid. Try again."]
    assert wrong.context["enrollment"].secret == secret
    assert TOTPDevice.objects.get(user=user).confirmed is False
    assert StaticToken.objects.count() == 0


def test_confirm_without_starting_goes_back_to_security(client: Client):
    client.force_login(UserFactory())

    response = client.post("/account/security/2fa/confirm/", {"otp": "123456"})

    assert (response.status_code, response["Location"]) == (302, "/account/security/")
    assert TOTPDevice.objects.count() == 0


def test_enrolment_pages_accept_only_post(client: Client):
    client.force_login(UserFactory())

    assert client.get("/account/security/2fa/enrol/").status_code == 405
    assert TOTPDevice.objects.count() == 0


def test_regenerate_backup_codes_with_a_wrong_code_changes_nothing(client: Client):
    device = TOTPDeviceFactory()
    client.force_login(device.user)

    response = client.post("/account/security/2fa/backup-codes/", {"otp": "000000"})

    assert response.status_code == 400
    assert response.context["backup_form"].errors["otp"] == ["The code is not valid. Try again."]
    assert StaticToken.objects.count() == 0


def test_regenerate_backup_codes(client: Client):
    device = TOTPDeviceFactory()
    client.force_login(device.user)

    response = client.post("/account/security/2fa/backup-codes/", {"otp": totp_code(device)})

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert StaticToken.objects.filter(device__user=device.user).count() == 10


def test_disable_needs_password_and_code(client: Client):
    device = TOTPDeviceFactory()
    user = device.user
    client.force_login(user)

    wrong = client.post(
        "/account/security/2fa/disable/", {"password": "Wrong-Pass-123!", "otp": totp_code(device)}
    )
    assert wrong.status_code == 400
    assert wrong.context["disable_form"].errors["password"] == ["The password is not correct."]
    assert TOTPDevice.objects.filter(user=user).count() == 1

    right = client.post(
        "/account/security/2fa/disable/", {"password": DEFAULT_PASSWORD, "otp": totp_code(device)}
    )
    assert (right.status_code, right["Location"]) == (302, "/account/security/")
    assert TOTPDevice.objects.filter(user=user).count() == 0


def test_disable_is_refused_where_the_role_requires_2fa(client: Client):
    doctor = user_with_role(Role.DOCTOR)
    device = TOTPDeviceFactory(user=doctor)
    client.force_login(doctor)

    page = client.get("/account/security/").content.decode()
    assert "cannot be turned off" in page
    response = client.post(
        "/account/security/2fa/disable/", {"password": DEFAULT_PASSWORD, "otp": totp_code(device)}
    )

    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=doctor).count() == 1


def test_a_role_that_requires_2fa_is_held_on_the_security_page_until_enrolled(client: Client):
    doctor = user_with_role(Role.DOCTOR)
    client.post("/login/", {"identifier": doctor.email, "password": DEFAULT_PASSWORD})

    assert client.get("/")["Location"] == "/account/security/"
    assert client.get("/notifications/")["Location"] == "/account/security/"
    assert client.get("/account/security/").status_code == 200
    client.post("/account/security/2fa/enrol/")
    client.post("/account/security/2fa/confirm/", {"otp": _pending_code(doctor)})

    assert client.get("/").status_code == 200


def test_sessions_and_login_history_are_listed(client: Client):
    user = UserFactory()
    client.post("/login/", {"identifier": user.email, "password": DEFAULT_PASSWORD})
    UserSessionFactory(user=user, device_type="mobile", ip_address="10.0.0.7")
    LoginEventFactory(user=user, ip_address="10.0.0.8")
    UserSessionFactory(ip_address="10.9.9.9")  # someone else's

    response = client.get("/account/security/")

    html = response.content.decode()
    assert len(response.context["sessions"]) == 2
    assert response.context["current_session_id"] == UserSession.objects.get(kind="web").pk
    assert "this session" in html
    assert "10.0.0.7" in html
    assert "10.9.9.9" not in html
    assert len(response.context["login_events"]) == LoginEvent.objects.filter(user=user).count()


def test_revoke_another_session(client: Client):
    user = UserFactory()
    client.force_login(user)
    session = UserSessionFactory(user=user)

    response = client.post(f"/account/sessions/{session.pk}/revoke/")

    assert (response.status_code, response["Location"]) == (302, "/account/security/")
    session.refresh_from_db()
    assert session.revoked_at is not None


def test_revoke_someone_elses_session_is_404_and_changes_nothing(client: Client):
    client.force_login(UserFactory())
    stranger = UserSessionFactory()

    response = client.post(f"/account/sessions/{stranger.pk}/revoke/")

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.revoked_at is None


def test_revoking_this_session_signs_out(client: Client):
    user = UserFactory()
    client.post("/login/", {"identifier": user.email, "password": DEFAULT_PASSWORD})
    this = UserSession.objects.get(user=user)

    response = client.post(f"/account/sessions/{this.pk}/revoke/")

    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.get("/").status_code == 302


def test_security_page_queries_do_not_grow_with_sessions_and_history(
    client: Client, django_assert_max_num_queries
):
    user = UserFactory()
    client.force_login(user)
    for _ in range(10):
        UserSessionFactory(user=user)
        LoginEventFactory(user=user)
    client.get("/account/security/")

    with django_assert_max_num_queries(14):
        response = client.get("/account/security/")

    assert len(response.context["sessions"]) == 10
    assert len(response.context["login_events"]) == 10
