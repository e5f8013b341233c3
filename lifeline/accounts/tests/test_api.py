from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.models import LoginEvent, User, UserSession
from lifeline.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    AccessAttemptFactory,
    LoginEventFactory,
    PhoneUserFactory,
    TOTPDeviceFactory,
    UserFactory,
    totp_code,
)
from lifeline.accounts.tests.mailbox import last_code

pytestmark = pytest.mark.django_db

BASE = "/api/v1/auth/"
NEW_PASSWORD = "Another-Strong-Pass-42"


def login(client: APIClient, user: User, **extra: Any) -> Any:
    identifier = {"email": user.email} if user.email else {"phone_number": str(user.phone_number)}
    return client.post(f"{BASE}login/", {**identifier, "password": DEFAULT_PASSWORD, **extra})


def signed_in(user: User, **extra: Any) -> APIClient:
    client = APIClient()
    response = login(client, user, **extra)
    assert response.status_code == 200, response.json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client


def with_2fa(user: User) -> dict[str, str]:
    return {"otp": totp_code(TOTPDeviceFactory(user=user))}


# --- role x endpoint matrix -------------------------------------------------------------

ACTORS = ["anonymous", "user", "org_admin", "platform_admin"]

# (method, path, body, {actor: status}); {target} is a locked-out ordinary user's id.
MATRIX: list[tuple[str, str, dict[str, Any], tuple[int, int, int, int]]] = [
    ("get", "me/", {}, (401, 200, 200, 200)),
    ("patch", "me/", {"first_name": "Anna"}, (401, 200, 200, 200)),
    ("get", "2fa/", {}, (401, 200, 200, 200)),
    ("post", "2fa/totp/", {}, (401, 201, 409, 409)),
    ("post", "2fa/totp/confirm/", {"otp": "000000"}, (401, 409, 409, 409)),
    ("post", "2fa/disable/", {"password": DEFAULT_PASSWORD, "otp": "1"}, (401, 409, 403, 403)),
    ("post", "2fa/backup-codes/", {"otp": "000000"}, (401, 409, 401, 401)),
    ("get", "logins/", {}, (401, 200, 200, 200)),
    ("get", "sessions/", {}, (401, 200, 200, 200)),
    ("post", "sessions/00000000-0000-4000-8000-000000000001/revoke/", {}, (401, 404, 404, 404)),
    ("post", "users/{target}/unlock/", {}, (401, 403, 403, 200)),
    ("post", "users/00000000-0000-4000-8000-000000000002/unlock/", {}, (401, 403, 403, 404)),
    (
        "post",
        "password/change/",
        {"current_password": "x", "new_password": "y", "new_password2": "y"},
        (401, 400, 400, 400),
    ),
    ("post", "logout/", {}, (401, 204, 204, 204)),
    ("post", "password/reset/", {"email": "nobody@example.test"}, (202, 202, 202, 202)),
    ("post", "verify/", {"email": "nobody@example.test", "code": "123456"}, (400, 400, 400, 400)),
    ("post", "verify/resend/", {"email": "nobody@example.test"}, (202, 202, 202, 202)),
    ("post", "refresh/", {"refresh": "not-a-token"}, (401, 401, 401, 401)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
def test_role_endpoint_matrix(actor, method, path, body, expected):
    target = UserFactory()
    AccessAttemptFactory(for_user=target)
    if actor == "anonymous":
        client = APIClient()
    elif actor == "user":
        client = signed_in(UserFactory())
    elif actor == "org_admin":  # an administrator of another organization
        admin = user_with_role(Role.CLINIC_ADMIN)
        client = signed_in(admin, **with_2fa(admin))
    else:
        admin = user_with_role(Role.PLATFORM_ADMIN)
        client = signed_in(admin, **with_2fa(admin))
    attempts_before = AccessAttempt.objects.filter(username=f"user:{target.pk}").count()

    response = getattr(client, method)(BASE + path.format(target=target.pk), body)

    assert response.status_code == expected[ACTORS.index(actor)], response.content
    unlocked = response.status_code == 200 and "unlock" in path
    attempts_after = AccessAttempt.objects.filter(username=f"user:{target.pk}").count()
    assert attempts_after == (0 if unlocked else attempts_before)


# --- mobile (wearable SOS) contract -----------------------------------------------------


def test_register_by_phone_returns_user_and_tokens():
    client = APIClient()

    response = client.post(
        f"{BASE}register/",
        {
            "phone_number": "+79005550011",
            "full_name": "Petrova Anna",
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"user", "access", "refresh"}
    user = User.objects.get()
    assert {
        k: body["user"][k] for k in ("uuid", "full_name", "phone_number", "email", "role", "status")
    } == {
        "uuid": str(user.pk),
        "full_name": "Petrova Anna",
        "phone_number": "+79005550011",
        "email": None,
        "role": "USER",  # the seed's value for an ordinary user
        "status": "ACTIVE",
    }
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert client.get(f"{BASE}me/").json()["uuid"] == str(user.pk)


def test_login_by_phone_and_refresh():
    user = PhoneUserFactory()
    client = APIClient()

    response = client.post(
        f"{BASE}login/", {"phone_number": str(user.phone_number), "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    refreshed = client.post(f"{BASE}refresh/", {"refresh": response.json()["refresh"]})

    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"access", "refresh"}
    assert "sessionid" not in response.cookies  # token clients get no cookie


def test_user_output_role_is_the_seed_role_and_roles_the_memberships():
    doctor = user_with_role(Role.DOCTOR)
    client = signed_in(doctor, **with_2fa(doctor))

    body = client.get(f"{BASE}me/").json()

    # `role` speaks the wearable contract (USER/HELPER/ADMIN); `roles` lists the memberships.
    assert (body["role"], body["roles"], body["two_factor_enabled"]) == ("USER", ["doctor"], True)


# --- refusals that leave nothing changed ------------------------------------------------


def test_weak_password_is_refused_with_field_errors_and_nothing_stored():
    response = APIClient().post(
        f"{BASE}register/",
        {
            "phone_number": "+79005550011",
            "full_name": "Petrova Anna",
            "password": "password1234",
            "password2": "password1234",
        },
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["password"]
    assert User.objects.count() == 0


def test_lockout_then_admin_unlock():
    user = UserFactory()
    client = APIClient()
    statuses = [
        client.post(f"{BASE}login/", {"email": user.email, "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 429]

    locked = login(client, user)
    assert locked.status_code == 429
    assert locked.json()["code"] == "auth.locked_out"
    assert locked["Retry-After"] == "900"
    assert UserSession.objects.count() == 0

    admin = user_with_role(Role.PLATFORM_ADMIN)
    admin_client = signed_in(admin, **with_2fa(admin))
    assert admin_client.post(f"{BASE}users/{user.pk}/unlock/").json() == {"attempts_cleared": 1}
    assert login(client, user).status_code == 200


def test_wrong_or_missing_otp_issues_nothing():
    device = TOTPDeviceFactory()
    client = APIClient()

    missing = login(client, device.user)
    wrong = login(client, device.user, otp="000000")

    assert (missing.status_code, missing.json()["code"]) == (401, "auth.otp_required")
    assert (wrong.status_code, wrong.json()["code"]) == (401, "auth.otp_invalid")
    assert "access" not in missing.json()
    assert "access" not in wrong.json()
    assert UserSession.objects.count() == 0
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_replayed_refresh_is_refused_and_ends_the_session():
    user = UserFactory()
    client = APIClient()
    first = login(client, user).json()
    second = client.post(f"{BASE}refresh/", {"refresh": first["refresh"]}).json()

    replay = client.post(f"{BASE}refresh/", {"refresh": first["refresh"]})

    assert replay.status_code == 401
    assert replay.json()["code"] == "authentication_failed.token_not_valid"
    assert client.post(f"{BASE}refresh/", {"refresh": second["refresh"]}).status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {second['access']}")
    me = client.get(f"{BASE}me/")
    assert (me.status_code, me.json()["code"]) == (401, "authentication_failed.token_not_valid")


def test_logout_revokes_access_and_refresh():
    user = UserFactory()
    client = APIClient()
    tokens = login(client, user).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    assert client.post(f"{BASE}logout/", {"refresh": tokens["refresh"]}).status_code == 204

    assert client.get(f"{BASE}me/").status_code == 401
    client.credentials()
    assert client.post(f"{BASE}refresh/", {"refresh": tokens["refresh"]}).status_code == 401


def test_banned_user_token_is_refused():
    user = UserFactory()
    client = signed_in(user)
    User.objects.filter(pk=user.pk).update(status="BANNED")

    response = client.get(f"{BASE}me/")

    assert (response.status_code, response.json()["code"]) == (
        401,
        "authentication_failed.user_inactive",
    )


# --- restricted tokens ------------------------------------------------------------------


def test_required_2fa_restricts_tokens_until_enrolment():
    doctor = user_with_role(Role.DOCTOR)
    client = APIClient()
    body = login(client, doctor).json()
    assert body["restrictions"] == ["2fa_enrollment"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")

    refused = client.get(f"{BASE}sessions/")
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.2fa_enrollment_required")
    assert client.get(f"{BASE}me/").status_code == 200

    assert client.post(f"{BASE}2fa/totp/").status_code == 201
    device = TOTPDevice.objects.get(user=doctor)
    confirmed = client.post(f"{BASE}2fa/totp/confirm/", {"otp": totp_code(device)}).json()
    assert len(confirmed["backup_codes"]) == 10

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {confirmed['access']}")
    assert client.get(f"{BASE}sessions/").status_code == 200


def test_expired_password_forces_a_change():
    user = UserFactory(password_changed_at=timezone.now() - timedelta(days=91))
    client = APIClient()
    body = login(client, user).json()
    assert body["restrictions"] == ["password_change"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")

    refused = client.get(f"{BASE}logins/")
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.password_change_required")
    reuse = client.post(
        f"{BASE}password/change/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": DEFAULT_PASSWORD,
            "new_password2": DEFAULT_PASSWORD,
        },
    )
    assert (reuse.status_code, list(reuse.json()["errors"])) == (400, ["new_password"])
    changed = client.post(
        f"{BASE}password/change/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ).json()

    assert client.get(f"{BASE}logins/").status_code == 403  # the old access stays restricted
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {changed['access']}")
    assert client.get(f"{BASE}logins/").status_code == 200


# --- no user enumeration ----------------------------------------------------------------


def test_login_failure_is_identical_for_unknown_and_known_accounts():
    user = UserFactory()
    client = APIClient()

    known = client.post(f"{BASE}login/", {"email": user.email, "password": "wrong"})
    unknown = client.post(f"{BASE}login/", {"email": "nobody@example.test", "password": "wrong"})

    assert known.status_code == unknown.status_code == 401
    assert known.json() == unknown.json()
    assert known.json()["code"] == "auth.invalid_credentials"


def test_password_reset_answer_is_identical(django_capture_on_commit_callbacks):
    user = UserFactory()
    client = APIClient()

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(f"{BASE}password/reset/", {"email": user.email})
    unknown = client.post(f"{BASE}password/reset/", {"email": "nobody@example.test"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    confirm = client.post(
        f"{BASE}password/reset/confirm/",
        {
            "email": user.email,
            "code": last_code(),
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert confirm.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_email_registration_answer_is_identical(django_capture_on_commit_callbacks):
    UserFactory(email="taken@example.test")
    client = APIClient()

    def register(email: str) -> Any:
        return client.post(
            f"{BASE}register/",
            {
                "email": email,
                "full_name": "A B",
                "password": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )

    with django_capture_on_commit_callbacks(execute=True):
        taken = register("taken@example.test")
        new = register("new@example.test")

    assert taken.status_code == new.status_code == 202
    assert taken.json() == new.json()
    unverified = client.post(
        f"{BASE}login/", {"email": "new@example.test", "password": NEW_PASSWORD}
    )
    assert (unverified.status_code, unverified.json()["code"]) == (403, "auth.email_unverified")

    verified = client.post(f"{BASE}verify/", {"email": "new@example.test", "code": last_code()})

    assert verified.status_code == 200
    signed = client.post(f"{BASE}login/", {"email": "new@example.test", "password": NEW_PASSWORD})
    assert signed.status_code == 200


# --- history and sessions ---------------------------------------------------------------


def test_login_history_lists_the_last_twenty(django_assert_num_queries):
    user = UserFactory()
    client = signed_in(user)
    LoginEventFactory.create_batch(25, user=user)
    LoginEventFactory(user=UserFactory())

    with django_assert_num_queries(2):  # authenticate (user + session), events
        response = client.get(f"{BASE}logins/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 20
    assert LoginEvent.objects.filter(user=user).count() == 26


def test_sessions_list_and_revoke(django_assert_num_queries):
    user = UserFactory()
    client = signed_in(user)
    other = APIClient()
    other_tokens = login(other, user).json()
    signed_in(UserFactory())

    with django_assert_num_queries(2):  # authenticate (user + session), sessions
        listed = client.get(f"{BASE}sessions/").json()["results"]

    assert len(listed) == 2
    assert sorted(s["current"] for s in listed) == [False, True]
    other_id = next(s["id"] for s in listed if not s["current"])
    assert client.post(f"{BASE}sessions/{other_id}/revoke/").status_code == 204
    assert other.post(f"{BASE}refresh/", {"refresh": other_tokens["refresh"]}).status_code == 401
    assert len(client.get(f"{BASE}sessions/").json()["results"]) == 1


def test_someone_elses_session_is_not_found():
    owner = UserFactory()
    signed_in(owner)
    session = UserSession.objects.get(user=owner)

    response = signed_in(UserFactory()).post(f"{BASE}sessions/{session.pk}/revoke/")

    assert response.status_code == 404
    session.refresh_from_db()
    assert session.revoked_at is None


def test_me_update():
    client = signed_in(UserFactory())

    response = client.patch(f"{BASE}me/", {"last_name": "Sidorov", "time_zone": "Asia/Tashkent"})
    bad = client.patch(f"{BASE}me/", {"time_zone": "Mars/Olympus"})

    assert (response.json()["last_name"], response.json()["time_zone"]) == (
        "Sidorov",
        "Asia/Tashkent",
    )
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["time_zone"])


def test_schema_builds(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/auth/2fa/totp/confirm/" in response.content


def test_login_results_are_counted_in_metrics():
    from prometheus_client import REGISTRY

    def count(result: str) -> float:
        value = REGISTRY.get_sample_value("lifeline_auth_logins_total", {"result": result})
        return value or 0.0

    user = UserFactory()
    failed, success = count("failed"), count("success")

    APIClient().post(f"{BASE}login/", {"email": user.email, "password": "wrong"})
    login(APIClient(), user)

    assert count("failed") == failed + 1
    assert count("success") == success + 1
