"""/api/v1/auth/: registration, sign-in, tokens, passwords, verification, 2FA, sessions.

Stable error codes (RFC 9457 `code`):
  auth.invalid_credentials 401        auth.locked_out 429 (+Retry-After)  auth.otp_required 401
  auth.otp_invalid 401                auth.email_unverified 403           auth.code_invalid 400
  auth.password_incorrect 400         auth.password_change_required 403
  auth.2fa_enrollment_required 403    auth.2fa_required_for_role 403      permission_denied 403
  auth.2fa_not_enabled 409            auth.2fa_already_enabled 409
  auth.2fa_enrollment_not_started 409
  authentication_failed.token_not_valid 401 (bad, expired, revoked or replayed access/refresh)
  invalid 400 with `errors` (field validation, including the password policy)
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout, update_session_auth_hash
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import Token

from lifeline.accounts.api import serializers as s
from lifeline.accounts.clients import client_info
from lifeline.accounts.exceptions import AccountLockedOut
from lifeline.accounts.models import User, UserSession
from lifeline.accounts.selectors import (
    login_event_list_for,
    user_backup_codes_remaining,
    user_login_restrictions,
    user_session_list_for,
    user_two_factor_enabled,
    user_two_factor_required,
)
from lifeline.accounts.services import codes, passwords, profile, registration, sessions, two_factor
from lifeline.accounts.services import login as login_services
from lifeline.core.api.throttling import AuthRateThrottle, VerificationRateThrottle
from lifeline.core.selectors import get_or_not_found

TAGS = ["auth"]
PROBLEM = OpenApiResponse(description="Problem details (application/problem+json).")


def _current_session_id(request: Request) -> str | None:
    if isinstance(request.auth, Token):
        sid = request.auth.get(sessions.SESSION_CLAIM)
        return str(sid) if sid else None
    session_key = getattr(request._request, "session", None) and request.session.session_key
    if not session_key:
        return None
    found = (
        UserSession.objects.filter(
            user=request.user,  # type: ignore[misc]
            kind="web",
            session_key=session_key,
            revoked_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .first()
    )
    return str(found) if found else None


def _auth_body(*, user: User, pair: sessions.TokenPair, restrictions: list[str]) -> dict[str, Any]:
    return {
        "user": s.UserOutput(user).data,
        "access": pair.access,
        "refresh": pair.refresh,
        "restrictions": restrictions,
    }


class AuthApi(APIView):
    """Adds Retry-After to lockouts; the problem body comes from the shared handler."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(exc, AccountLockedOut):
            response["Retry-After"] = str(exc.retry_after_seconds)
        return response


class PublicAuthApi(AuthApi):
    """Unauthenticated credential endpoints: a stale Authorization header is ignored."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]


class RegisterApi(PublicAuthApi):
    @extend_schema(
        tags=TAGS,
        request=s.RegisterInput,
        responses={201: s.AuthOutput, 202: s.RegisterAcceptedOutput, 400: PROBLEM, 429: PROBLEM},
        description=(
            "By `phone_number`: creates the account and answers 201 with tokens (a taken number "
            "is a 400 field error). By `email` only: always 202, whether or not the address is "
            "taken; the account signs in after verifying the e-mailed code at `verify/`."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        names = registration.Names(
            full_name=v.get("full_name", ""),
            first_name=v.get("first_name", ""),
            middle_name=v.get("middle_name", ""),
            last_name=v.get("last_name", ""),
        )
        if v.get("phone_number"):
            user = registration.user_register_by_phone(
                phone_number=v["phone_number"].as_e164,
                email=v.get("email") or None,
                password=v["password"],
                names=names,
                language=v.get("language", ""),
            )
            restrictions = user_login_restrictions(user=user)
            pair = sessions.session_start_api(
                user=user, client=client_info(request._request), restrictions=restrictions
            )
            body = _auth_body(user=user, pair=pair, restrictions=restrictions)
            return Response(body, status=status.HTTP_201_CREATED)
        registration.user_register_by_email(
            email=v["email"], password=v["password"], names=names, language=v.get("language", "")
        )
        return Response(
            {
                "detail": _registration_accepted_message(),
                "verification_required": True,
            },
            status=status.HTTP_202_ACCEPTED,
        )


def _registration_accepted_message() -> str:
    return _(
        "If this address can be registered, we have sent a 6-digit code to it. "
        "Enter the code to finish."
    )


class LoginApi(PublicAuthApi):
    @extend_schema(
        tags=TAGS,
        request=s.LoginInput,
        responses={200: s.AuthOutput, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 429: PROBLEM},
        description=(
            "`email` or `phone_number` + `password` (+ `otp`: a TOTP code or a backup code, when "
            "2FA is on). 401 `auth.otp_required` means the password was right and nothing was "
            "issued. Tokens with non-empty `restrictions` only open me/, 2fa/ enrolment, "
            "password/change/ and logout/."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        outcome, pair = login_services.user_login(
            request=request._request,
            identifier=v["identifier"],
            password=v["password"],
            otp=v.get("otp") or None,
        )
        return Response(_auth_body(user=outcome.user, pair=pair, restrictions=outcome.restrictions))


class RefreshApi(AuthApi):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        request=s.RefreshInput,
        responses={200: s.TokenPairOutput, 401: PROBLEM},
        description=(
            "Rotates the refresh token. A refresh token may be used once: presenting an old one "
            "again ends the whole session (401 `authentication_failed.token_not_valid`)."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        pair = sessions.token_refresh(refresh=data.validated_data["refresh"])
        return Response({"access": pair.access, "refresh": pair.refresh})


class LogoutApi(AuthApi):
    allow_restricted_token = True

    @extend_schema(tags=TAGS, request=s.LogoutInput, responses={204: None, 401: PROBLEM})
    def post(self, request: Request) -> Response:
        data = s.LogoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        session_id = _current_session_id(request)
        sessions.user_logout(
            user=request.user,  # type: ignore[arg-type]
            session_id=session_id,
            refresh=data.validated_data.get("refresh") or None,
        )
        if not isinstance(request.auth, Token):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(AuthApi):
    allow_restricted_token = True

    @extend_schema(tags=TAGS, responses={200: s.UserOutput, 401: PROBLEM})
    def get(self, request: Request) -> Response:
        return Response(s.UserOutput(request.user).data)  # type: ignore[arg-type]

    @extend_schema(tags=TAGS, request=s.MeUpdateInput, responses={200: s.UserOutput, 400: PROBLEM})
    def patch(self, request: Request) -> Response:
        data = s.MeUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = profile.user_profile_update(
            user=request.user,  # type: ignore[arg-type]
            data=data.validated_data,
        )
        return Response(s.UserOutput(user).data)


class PasswordChangeApi(AuthApi):
    allow_restricted_token = True

    @extend_schema(
        tags=TAGS,
        request=s.PasswordChangeInput,
        responses={200: s.PasswordChangeOutput, 400: PROBLEM, 401: PROBLEM},
        description=(
            "Ends every other session. A JWT caller gets a fresh, unrestricted token pair; the "
            "one it used is no longer valid."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        session_id = _current_session_id(request)
        passwords.password_change(
            user=user,
            current_password=data.validated_data["current_password"],
            new_password=data.validated_data["new_password"],
            current_session_id=session_id,
        )
        body: dict[str, Any] = {"detail": _password_changed_message()}
        pair = sessions.session_tokens_reissue(user=user, session_id=session_id)
        if pair is not None:
            body.update(access=pair.access, refresh=pair.refresh)
        elif not isinstance(request.auth, Token):
            update_session_auth_hash(request._request, user)
        return Response(body)


def _password_changed_message() -> str:
    return _("Your password has been changed.")


def _reset_requested_message() -> str:
    return _("If an account matches, we have sent a 6-digit code to its e-mail address.")


class PasswordResetApi(PublicAuthApi):
    @extend_schema(
        tags=TAGS,
        request=s.PasswordResetInput,
        responses={202: s.DetailOutput, 400: PROBLEM, 429: PROBLEM},
        description="Always 202 with the same body, whether or not an account matches.",
    )
    def post(self, request: Request) -> Response:
        data = s.PasswordResetInput(data=request.data)
        data.is_valid(raise_exception=True)
        passwords.password_reset_request(identifier=data.validated_data["identifier"])
        return Response({"detail": _reset_requested_message()}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(PublicAuthApi):
    throttle_classes = [VerificationRateThrottle]

    @extend_schema(
        tags=TAGS,
        request=s.PasswordResetConfirmInput,
        responses={200: s.DetailOutput, 400: PROBLEM, 429: PROBLEM},
        description="Sets the password and ends every session. Wrong code: `auth.code_invalid`.",
    )
    def post(self, request: Request) -> Response:
        data = s.PasswordResetConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        passwords.password_reset_confirm(
            identifier=v["identifier"], code=v["code"], new_password=v["new_password"]
        )
        return Response({"detail": _password_changed_message()})


class VerifyApi(AuthApi):
    permission_classes = [AllowAny]
    throttle_classes = [VerificationRateThrottle]

    @extend_schema(
        tags=TAGS,
        request=s.VerifyInput,
        responses={200: s.DetailOutput, 400: PROBLEM, 429: PROBLEM},
        description="Verifies the e-mail address with the 6-digit code (`email` when signed out).",
    )
    def post(self, request: Request) -> Response:
        data = s.VerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        codes.email_verify(
            code=data.validated_data["code"],
            user=user,  # type: ignore[arg-type]
            email=data.validated_data.get("email", ""),
        )
        return Response({"detail": _verified_message()})


def _verified_message() -> str:
    return _("Your e-mail address is verified.")


def _resent_message() -> str:
    return _("If a code can be sent, it is on its way.")


class VerifyResendApi(AuthApi):
    permission_classes = [AllowAny]
    throttle_classes = [VerificationRateThrottle]

    @extend_schema(
        tags=TAGS,
        request=s.VerifyResendInput,
        responses={202: s.DetailOutput, 429: PROBLEM},
        description="Always 202; at most one code per minute is actually sent.",
    )
    def post(self, request: Request) -> Response:
        data = s.VerifyResendInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        codes.email_verification_resend(
            user=user,  # type: ignore[arg-type]
            email=data.validated_data.get("email", ""),
        )
        return Response({"detail": _resent_message()}, status=status.HTTP_202_ACCEPTED)


class TwoFactorStatusApi(AuthApi):
    allow_restricted_token = True

    @extend_schema(tags=TAGS, responses={200: s.TwoFactorStatusOutput, 401: PROBLEM})
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        return Response(
            {
                "enabled": user_two_factor_enabled(user=user),
                "required": user_two_factor_required(user=user),
                "backup_codes_remaining": user_backup_codes_remaining(user=user),
            }
        )


class TotpEnrollStartApi(AuthApi):
    allow_restricted_token = True

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={201: s.TotpEnrollmentOutput, 409: PROBLEM},
        description="Starts TOTP enrolment: scan the QR code, then confirm with a code.",
    )
    def post(self, request: Request) -> Response:
        enrollment = two_factor.totp_enroll_start(user=request.user)  # type: ignore[arg-type]
        return Response(
            {
                "otpauth_url": enrollment.otpauth_url,
                "secret": enrollment.secret,
                "qr_svg_data_uri": enrollment.qr_svg_data_uri,
            },
            status=status.HTTP_201_CREATED,
        )


class TotpEnrollConfirmApi(AuthApi):
    allow_restricted_token = True

    @extend_schema(
        tags=TAGS,
        request=s.OtpInput,
        responses={200: s.BackupCodesOutput, 401: PROBLEM, 409: PROBLEM},
        description=(
            "Confirms enrolment with the first code. Answers the 10 backup codes (shown only "
            "now) and, for a JWT caller, a fresh token pair without the 2FA restriction."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.OtpInput(data=request.data)
        data.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        backup_codes = two_factor.totp_enroll_confirm(user=user, otp=data.validated_data["otp"])
        body: dict[str, Any] = {"backup_codes": backup_codes}
        pair = sessions.session_tokens_reissue(user=user, session_id=_current_session_id(request))
        if pair is not None:
            body.update(access=pair.access, refresh=pair.refresh)
        return Response(body)


class TwoFactorDisableApi(AuthApi):
    @extend_schema(
        tags=TAGS,
        request=s.TwoFactorDisableInput,
        responses={204: None, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 409: PROBLEM},
    )
    def post(self, request: Request) -> Response:
        data = s.TwoFactorDisableInput(data=request.data)
        data.is_valid(raise_exception=True)
        two_factor.totp_disable(
            user=request.user,  # type: ignore[arg-type]
            password=data.validated_data["password"],
            otp=data.validated_data["otp"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class BackupCodesRegenerateApi(AuthApi):
    @extend_schema(
        tags=TAGS,
        request=s.OtpInput,
        responses={200: s.BackupCodesOutput, 401: PROBLEM, 409: PROBLEM},
    )
    def post(self, request: Request) -> Response:
        data = s.OtpInput(data=request.data)
        data.is_valid(raise_exception=True)
        backup_codes = two_factor.backup_codes_regenerate(
            user=request.user,  # type: ignore[arg-type]
            otp=data.validated_data["otp"],
        )
        return Response({"backup_codes": backup_codes})


class LoginHistoryApi(AuthApi):
    @extend_schema(tags=TAGS, responses={200: s.LoginEventListOutput, 401: PROBLEM})
    def get(self, request: Request) -> Response:
        events = login_event_list_for(user=request.user)  # type: ignore[arg-type]
        return Response({"results": s.LoginEventOutput(events, many=True).data})


class SessionListApi(AuthApi):
    @extend_schema(tags=TAGS, responses={200: s.UserSessionListOutput, 401: PROBLEM})
    def get(self, request: Request) -> Response:
        active = user_session_list_for(user=request.user)  # type: ignore[arg-type]
        context = {"current_session_id": _current_session_id(request)}
        return Response({"results": s.UserSessionOutput(active, many=True, context=context).data})


class SessionRevokeApi(AuthApi):
    @extend_schema(tags=TAGS, request=None, responses={204: None, 404: PROBLEM})
    def post(self, request: Request, session_id: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        session = get_or_not_found(UserSession.objects.filter(user=user), pk=session_id)
        sessions.session_revoke(actor=user, session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserUnlockApi(AuthApi):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: s.UnlockOutput, 403: PROBLEM, 404: PROBLEM},
        description="Platform administrators: clear the sign-in lockouts of a user.",
    )
    def post(self, request: Request, user_id: str) -> Response:
        actor: User = request.user  # type: ignore[assignment]
        login_services.user_unlock_check(actor=actor)
        target = get_or_not_found(User.objects.all(), pk=user_id)
        count = login_services.user_unlock(actor=actor, user=target, request=request._request)
        return Response({"attempts_cleared": count})
