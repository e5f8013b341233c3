from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.clients import client_info
from lifeline.accounts.exceptions import (
    AccountLockedOut,
    CodeInvalid,
    EmailNotVerified,
    InvalidCredentials,
    NotAllowed,
    OtpInvalid,
    OtpRequired,
    PasswordIncorrect,
    TokenNotValid,
    TwoFactorRequired,
)
from lifeline.accounts.models import (
    KnownDevice,
    LoginEvent,
    LoginResult,
    PasswordHistory,
    User,
    UserSession,
    VerificationCode,
)
from lifeline.accounts.selectors import (
    RESTRICTION_2FA_ENROLLMENT,
    RESTRICTION_PASSWORD_CHANGE,
    user_login_restrictions,
)
from lifeline.accounts.services import codes, passwords, registration, sessions, two_factor
from lifeline.accounts.services.login import user_authenticate, user_login, user_unlock
from lifeline.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    PhoneUserFactory,
    TOTPDeviceFactory,
    UserFactory,
    totp_code,
)
from lifeline.accounts.tests.mailbox import last_code
from lifeline.audit.models import AuditEvent
from lifeline.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Strong-Pass-42"
NAMES = registration.Names(full_name="Ivanov Ivan")


# --- registration -----------------------------------------------------------------------


def test_register_by_phone_creates_active_account():
    user = registration.user_register_by_phone(
        phone_number="+79001112233", password=NEW_PASSWORD, names=NAMES
    )

    assert user.status == "ACTIVE"
    assert str(user.phone_number) == "+79001112233"
    assert user.check_password(NEW_PASSWORD)
    assert user.password_changed_at is not None
    assert AuditEvent.objects.filter(action="accounts.user_registered").count() == 1


@pytest.mark.parametrize(
    "password",
    [
        "short1!A",
        "alllowercase-but-long-1",
        "NoDigitsHere!!!!",
        "NoSpecial12345abc",
        "123456789012",
    ],
)
def test_register_refuses_weak_password_and_stores_nothing(password):
    with pytest.raises(InvalidInput) as excinfo:
        registration.user_register_by_phone(
            phone_number="+79001112233", password=password, names=NAMES
        )

    assert excinfo.value.code == "invalid"
    assert list(excinfo.value.errors) == ["password"]
    assert User.objects.count() == 0


def test_register_by_phone_refuses_taken_number():
    PhoneUserFactory(phone_number="+79001112233")

    with pytest.raises(InvalidInput) as excinfo:
        registration.user_register_by_phone(
            phone_number="+79001112233", password=NEW_PASSWORD, names=NAMES
        )

    assert list(excinfo.value.errors) == ["phone_number"]
    assert User.objects.count() == 1


def test_register_by_email_sends_code_and_leaves_account_unverified(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        registration.user_register_by_email(
            email="new@example.test", password=NEW_PASSWORD, names=NAMES
        )

    user = User.objects.get(email="new@example.test")
    assert user.email_verified_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.test"]
    assert len(last_code()) == 6


def test_register_by_email_with_taken_address_only_tells_the_owner(
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(email="taken@example.test")
    password_before = owner.password

    with django_capture_on_commit_callbacks(execute=True):
        registration.user_register_by_email(
            email="taken@example.test", password=NEW_PASSWORD, names=NAMES
        )

    owner.refresh_from_db()
    assert owner.password == password_before
    assert owner.full_name != "Ivanov Ivan"
    assert User.objects.count() == 1
    assert VerificationCode.objects.count() == 0
    assert mail.outbox[0].subject == "Someone tried to register with your e-mail address"


def test_register_by_email_takes_over_abandoned_unverified_account():
    abandoned = UserFactory(email="a@example.test", email_verified_at=None)

    registration.user_register_by_email(email="a@example.test", password=NEW_PASSWORD, names=NAMES)

    abandoned.refresh_from_db()
    assert abandoned.check_password(NEW_PASSWORD)
    assert abandoned.full_name == "Ivanov Ivan"


# --- e-mail verification codes ----------------------------------------------------------


def test_email_verify_with_right_code(django_capture_on_commit_callbacks):
    user = UserFactory(email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        codes.email_verification_send(user=user)

    codes.email_verify(code=last_code(), email=user.email)

    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert VerificationCode.objects.get().consumed_at is not None


def test_code_dies_after_five_wrong_attempts(django_capture_on_commit_callbacks):
    user = UserFactory(email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        codes.email_verification_send(user=user)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"

    for _ in range(5):
        with pytest.raises(CodeInvalid):
            codes.email_verify(code=wrong, user=user)
    with pytest.raises(CodeInvalid):
        codes.email_verify(code=right, user=user)

    user.refresh_from_db()
    assert user.email_verified_at is None
    assert VerificationCode.objects.get().attempts == 5


def test_code_expires_after_ten_minutes(django_capture_on_commit_callbacks):
    user = UserFactory(email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        codes.email_verification_send(user=user)

    later = timezone.now() + timedelta(minutes=10, seconds=1)
    with time_machine.travel(later), pytest.raises(CodeInvalid):
        codes.email_verify(code=last_code(), user=user)

    user.refresh_from_db()
    assert user.email_verified_at is None


def test_code_resend_is_limited_to_once_a_minute():
    user = UserFactory(email_verified_at=None)

    assert codes.email_verification_send(user=user) is True
    assert codes.email_verification_send(user=user) is False
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert codes.email_verification_send(user=user) is True

    assert VerificationCode.objects.count() == 2


def test_verify_for_unknown_address_is_the_same_refusal():
    with pytest.raises(CodeInvalid):
        codes.email_verify(code="123456", email="nobody@example.test")


# --- login ------------------------------------------------------------------------------


def test_login_records_history_audit_and_known_device(make_request):
    user = UserFactory()

    outcome = user_authenticate(
        request=make_request(), identifier=user.email.upper(), password=DEFAULT_PASSWORD
    )

    assert outcome.user == user
    event = LoginEvent.objects.get()
    assert (event.user, event.result, event.ip_address, event.device_type) == (
        user,
        LoginResult.SUCCESS,
        "10.0.0.1",
        "desktop",
    )
    assert KnownDevice.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(action="accounts.login_succeeded").count() == 1


def test_login_by_phone_typed_with_formatting(make_request):
    user = PhoneUserFactory(phone_number="+79001234567")

    outcome = user_authenticate(
        request=make_request(), identifier="+7 (900) 123-45-67", password=DEFAULT_PASSWORD
    )

    assert outcome.user == user


def test_wrong_password_is_recorded_for_known_account_only(make_request):
    user = UserFactory()

    with pytest.raises(InvalidCredentials):
        user_authenticate(request=make_request(), identifier=user.email, password="wrong")
    with pytest.raises(InvalidCredentials):
        user_authenticate(request=make_request(), identifier="x@example.test", password="wrong")

    assert list(LoginEvent.objects.values_list("user", "result")) == [(user.pk, LoginResult.FAILED)]
    assert AuditEvent.objects.filter(action="accounts.login_failed").count() == 2


def test_banned_user_cannot_log_in(make_request):
    user = UserFactory(status="BANNED")

    with pytest.raises(InvalidCredentials):
        user_authenticate(request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD)

    assert LoginEvent.objects.get().result == LoginResult.INACTIVE


def test_unverified_email_account_gets_a_code_instead_of_a_session(
    make_request, django_capture_on_commit_callbacks
):
    user = UserFactory(email_verified_at=None)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(EmailNotVerified):
        user_login(request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD)

    assert UserSession.objects.count() == 0
    assert len(last_code()) == 6


def test_lockout_after_five_failures_then_cooloff(make_request):
    user = UserFactory()
    for attempt in range(5):
        expected = AccountLockedOut if attempt == 4 else InvalidCredentials
        with pytest.raises(expected):
            user_authenticate(request=make_request(), identifier=user.email, password="wrong")

    with pytest.raises(AccountLockedOut):
        user_authenticate(request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD)
    # another address is locked too: failures count per account (issue 15, finding 1)
    with pytest.raises(AccountLockedOut):
        user_authenticate(
            request=make_request(ip="10.0.0.2"), identifier=user.email, password=DEFAULT_PASSWORD
        )
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1)):
        outcome = user_authenticate(
            request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD
        )
    assert outcome.user == user


def test_successful_login_clears_earlier_failures(make_request):
    user = UserFactory()
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            user_authenticate(request=make_request(), identifier=user.email, password="wrong")

    user_login(request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD)

    assert AccessAttempt.objects.count() == 0
    user.refresh_from_db()
    assert user.last_login is not None


def test_lockout_counts_the_account_whichever_identifier_is_typed(make_request):
    user = PhoneUserFactory(phone_number="+79001234567", email="both@example.test")
    identifiers = [
        "+79001234567",
        "+7 900 123-45-67",
        "BOTH@example.test",
        "+7(900)1234567",
        "both@example.test",
    ]

    for identifier in identifiers[:4]:
        with pytest.raises(InvalidCredentials):
            user_authenticate(request=make_request(), identifier=identifier, password="wrong")

    with pytest.raises(AccountLockedOut):
        user_authenticate(request=make_request(), identifier=identifiers[4], password="wrong")
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {f"user:{user.pk}"}


def test_platform_admin_unlocks_a_locked_account(make_request):
    user = UserFactory()
    admin = user_with_role(Role.PLATFORM_ADMIN)
    for _ in range(5):
        with pytest.raises((InvalidCredentials, AccountLockedOut)):
            user_authenticate(request=make_request(), identifier=user.email, password="wrong")

    assert user_unlock(actor=admin, user=user) == 1

    outcome = user_authenticate(
        request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD
    )
    assert outcome.user == user
    assert AuditEvent.objects.filter(action="accounts.user_unlocked").count() == 1


def test_other_organizations_admin_cannot_unlock(make_request):
    user = UserFactory()
    clinic_admin = user_with_role(Role.CLINIC_ADMIN)
    for _ in range(5):
        with pytest.raises((InvalidCredentials, AccountLockedOut)):
            user_authenticate(request=make_request(), identifier=user.email, password="wrong")

    with pytest.raises(NotAllowed):
        user_unlock(actor=clinic_admin, user=user)

    assert AccessAttempt.objects.get().failures_since_start == 5


def test_bcrypt_hash_is_upgraded_to_argon2_on_login(settings, make_request):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    ]
    user = UserFactory()
    legacy = make_password(DEFAULT_PASSWORD, hasher="bcrypt_sha256")
    User.objects.filter(pk=user.pk).update(password=legacy)  # as imported from the old system

    user_authenticate(request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD)

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(DEFAULT_PASSWORD)


def test_new_device_login_sends_an_email(make_request, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user_authenticate(request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD)
        # same browser family, same /24: not new
        user_authenticate(
            request=make_request(ip="10.0.0.77"), identifier=user.email, password=DEFAULT_PASSWORD
        )
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        user_authenticate(
            request=make_request(ip="192.0.2.5", user_agent="okhttp/4.12.0"),
            identifier=user.email,
            password=DEFAULT_PASSWORD,
        )

    assert [m.subject for m in mail.outbox] == ["New sign-in to your Lifeline account"]
    assert KnownDevice.objects.filter(user=user).count() == 2


# --- two-factor -------------------------------------------------------------------------


def test_login_with_2fa_needs_a_valid_code(make_request):
    device = TOTPDeviceFactory()
    user = device.user

    with pytest.raises(OtpRequired):
        user_authenticate(request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD)
    with pytest.raises(OtpInvalid):
        user_authenticate(
            request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD, otp="000000"
        )
    outcome = user_authenticate(
        request=make_request(),
        identifier=user.email,
        password=DEFAULT_PASSWORD,
        otp=totp_code(device),
    )

    assert outcome.otp_device == device
    assert list(LoginEvent.objects.order_by("pk").values_list("result", flat=True)) == [
        LoginResult.OTP_REQUIRED,
        LoginResult.OTP_FAILED,
        LoginResult.SUCCESS,
    ]


def test_wrong_otp_counts_towards_lockout(make_request):
    user = TOTPDeviceFactory().user
    for attempt in range(5):
        expected = AccountLockedOut if attempt == 4 else OtpInvalid
        with pytest.raises(expected):
            user_authenticate(
                request=make_request(),
                identifier=user.email,
                password=DEFAULT_PASSWORD,
                otp="000000",
            )


def test_totp_enrolment_and_backup_codes(make_request):
    user = UserFactory()

    enrollment = two_factor.totp_enroll_start(user=user)
    assert enrollment.otpauth_url.startswith("otpauth://totp/Lifeline%3A")
    assert enrollment.qr_svg_data_uri.startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False

    with pytest.raises(OtpInvalid):
        two_factor.totp_enroll_confirm(user=user, otp="000000")
    backup = two_factor.totp_enroll_confirm(user=user, otp=totp_code(device))

    assert len(backup) == 10
    assert TOTPDevice.objects.get(user=user).confirmed is True
    outcome = user_authenticate(
        request=make_request(), identifier=user.email, password=DEFAULT_PASSWORD, otp=backup[0]
    )
    assert outcome.user == user
    assert StaticToken.objects.filter(device__user=user).count() == 9  # single use


def test_2fa_cannot_be_disabled_where_the_role_requires_it():
    doctor = user_with_role(Role.DOCTOR)
    device = TOTPDeviceFactory(user=doctor)

    with pytest.raises(TwoFactorRequired):
        two_factor.totp_disable(user=doctor, password=DEFAULT_PASSWORD, otp=totp_code(device))

    assert TOTPDevice.objects.filter(user=doctor, confirmed=True).count() == 1


def test_2fa_disable_needs_password_and_code():
    device = TOTPDeviceFactory()

    with pytest.raises(PasswordIncorrect):
        two_factor.totp_disable(user=device.user, password="wrong", otp=totp_code(device))
    two_factor.totp_disable(user=device.user, password=DEFAULT_PASSWORD, otp=totp_code(device))

    assert TOTPDevice.objects.count() == 0


def test_restrictions_for_required_2fa_and_expired_password(settings):
    doctor = user_with_role(Role.DOCTOR)
    assert user_login_restrictions(user=doctor) == [RESTRICTION_2FA_ENROLLMENT]

    old = UserFactory(password_changed_at=timezone.now() - timedelta(days=91))
    assert user_login_restrictions(user=old) == [RESTRICTION_PASSWORD_CHANGE]
    settings.LIFELINE_PASSWORD_MAX_AGE_DAYS = 0
    assert user_login_restrictions(user=old) == []
    assert user_login_restrictions(user=UserFactory(must_change_password=True)) == [
        RESTRICTION_PASSWORD_CHANGE
    ]


# --- passwords --------------------------------------------------------------------------


def test_password_change_keeps_history_and_ends_other_sessions(make_request):
    user = UserFactory()
    client = client_info(make_request())
    current = sessions.session_start_api(user=user, client=client)
    other = sessions.session_start_api(user=user, client=client)

    passwords.password_change(
        user=user,
        current_password=DEFAULT_PASSWORD,
        new_password=NEW_PASSWORD,
        current_session_id=current.session_id,
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert PasswordHistory.objects.filter(user=user).count() == 1
    assert UserSession.objects.get(pk=other.session_id).revoked_at is not None
    assert UserSession.objects.get(pk=current.session_id).revoked_at is None


def test_password_history_refuses_the_last_five():
    user = UserFactory()
    history = [DEFAULT_PASSWORD, "Second-Pass-0002", "Third-Pass-00003", "Fourth-Pass-0004"]
    for old, new in zip(history, [*history[1:], "Fifth-Pass-00005"], strict=True):
        passwords.password_change(user=user, current_password=old, new_password=new)

    # current is Fifth; the last five are Fifth, Fourth, Third, Second, DEFAULT
    with pytest.raises(InvalidInput) as excinfo:
        passwords.password_change(
            user=user, current_password="Fifth-Pass-00005", new_password=DEFAULT_PASSWORD
        )
    assert excinfo.value.errors["new_password"] == [
        "You used this password recently. Choose one you have not used before."
    ]

    passwords.password_change(
        user=user, current_password="Fifth-Pass-00005", new_password="Sixth-Pass-00006"
    )
    passwords.password_change(
        user=user, current_password="Sixth-Pass-00006", new_password=DEFAULT_PASSWORD
    )
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_with_wrong_current_password_changes_nothing():
    user = UserFactory()
    before = user.password

    with pytest.raises(PasswordIncorrect):
        passwords.password_change(user=user, current_password="nope", new_password=NEW_PASSWORD)

    user.refresh_from_db()
    assert user.password == before
    assert PasswordHistory.objects.count() == 0


def test_password_reset_flow(make_request, django_capture_on_commit_callbacks):
    user = UserFactory()
    session = sessions.session_start_api(user=user, client=client_info(make_request()))

    with django_capture_on_commit_callbacks(execute=True):
        passwords.password_reset_request(identifier=user.email)
        passwords.password_reset_request(identifier="nobody@example.test")
    assert len(mail.outbox) == 1

    passwords.password_reset_confirm(
        identifier=user.email, code=last_code(), new_password=NEW_PASSWORD
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert UserSession.objects.get(pk=session.session_id).revoked_at is not None


def test_password_reset_with_wrong_code_changes_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()
    before = user.password
    with django_capture_on_commit_callbacks(execute=True):
        passwords.password_reset_request(identifier=user.email)
    wrong = "000000" if last_code() != "000000" else "111111"

    with pytest.raises(CodeInvalid):
        passwords.password_reset_confirm(
            identifier=user.email, code=wrong, new_password=NEW_PASSWORD
        )

    user.refresh_from_db()
    assert user.password == before


# --- tokens -----------------------------------------------------------------------------


def test_refresh_rotates_and_replay_revokes_the_family(make_request):
    user = UserFactory()
    first = sessions.session_start_api(user=user, client=client_info(make_request()))

    second = sessions.token_refresh(refresh=first.refresh)
    assert second.session_id == first.session_id
    assert second.refresh != first.refresh

    with pytest.raises(TokenNotValid):
        sessions.token_refresh(refresh=first.refresh)

    session = UserSession.objects.get(pk=first.session_id)
    assert session.revoked_at is not None
    with pytest.raises(TokenNotValid):
        sessions.token_refresh(refresh=second.refresh)
    assert BlacklistedToken.objects.count() == 2


def test_revoked_session_refresh_is_refused(make_request):
    user = UserFactory()
    pair = sessions.session_start_api(user=user, client=client_info(make_request()))

    sessions.session_revoke(actor=user, session=UserSession.objects.get(pk=pair.session_id))

    with pytest.raises(TokenNotValid):
        sessions.token_refresh(refresh=pair.refresh)


def test_login_refreshes_restrictions_on_rotation(make_request):
    doctor = user_with_role(Role.DOCTOR)
    _outcome, pair = user_login(
        request=make_request(), identifier=doctor.email, password=DEFAULT_PASSWORD
    )
    assert _outcome.restrictions == [RESTRICTION_2FA_ENROLLMENT]
    TOTPDeviceFactory(user=doctor)

    rotated = sessions.token_refresh(refresh=pair.refresh)

    from rest_framework_simplejwt.tokens import AccessToken

    assert AccessToken(rotated.access).get("restrict") is None
