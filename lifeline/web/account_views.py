"""Account pages: register, verify e-mail, reset and change the password, profile, security.

Every write goes through `lifeline.accounts.services` exactly as the API does (same password
policy, codes, lockout, audit); these views only translate forms and refusals to pages.
Answers that could reveal whether an account exists (registration, reset, resend) are the
same whatever happened.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from lifeline.accounts.exceptions import (
    CodeInvalid,
    OtpInvalid,
    PasswordIncorrect,
    TwoFactorAlreadyEnabled,
    TwoFactorEnrollmentNotStarted,
    TwoFactorNotEnabled,
    TwoFactorRequired,
)
from lifeline.accounts.models import User, UserSession
from lifeline.accounts.selectors import (
    RESTRICTION_PASSWORD_CHANGE,
    login_event_list_for,
    totp_enrollment_pending_for,
    user_backup_codes_remaining,
    user_password_expired,
    user_session_list_for,
    user_two_factor_enabled,
    user_two_factor_required,
)
from lifeline.accounts.services import codes, passwords, profile, registration, two_factor
from lifeline.accounts.services.sessions import session_revoke
from lifeline.core.api.throttling import AuthRateThrottle
from lifeline.core.exceptions import DomainError, InvalidInput
from lifeline.core.selectors import get_or_not_found
from lifeline.web import forms
from lifeline.web.middleware import restrictions_of, restrictions_refresh

VERIFY_EMAIL_KEY = "lifeline_verify_email"


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are login_required)."""
    return cast(User, request.user)


def _throttled(request: HttpRequest) -> bool:
    """Per-IP budget shared with the API's credential endpoints (scope `auth`)."""
    throttle = AuthRateThrottle()
    return not throttle.allow_request(request, None)  # type: ignore[arg-type]


def _too_many(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context["error"] = _("Too many attempts. Wait a minute and try again.")
    return render(request, template, context, status=429)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


# --- registration and e-mail verification ------------------------------------------------
@sensitive_post_parameters("password", "password2")
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = forms.RegisterForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST":
        if _throttled(request):
            return _too_many(request, "web/register.html", context)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration.user_register_by_email(
                    email=data["email"],
                    password=data["password"],
                    names=registration.Names(full_name=data["full_name"]),
                    language=(get_language() or settings.LANGUAGE_CODE)[:2],
                )
            except InvalidInput as exc:
                forms.add_service_errors(form, exc)
            else:
                request.session[VERIFY_EMAIL_KEY] = data["email"]
                messages.success(
                    request,
                    _(
                        "If this address can be registered, we have sent a 6-digit code to it. "
                        "Enter it below to confirm the address."
                    ),
                )
                return redirect("web:verify-email")
        return render(request, "web/register.html", context, status=400)
    return render(request, "web/register.html", context)


@never_cache
def verify_email(request: HttpRequest) -> HttpResponse:
    initial = {"email": request.GET.get("email") or request.session.get(VERIFY_EMAIL_KEY, "")}
    if request.user.is_authenticated and _user(request).email:
        initial["email"] = _user(request).email
    form = forms.VerifyEmailForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"form": form, "resend_form": forms.ResendCodeForm(initial=initial)}
    if request.method == "POST":
        if _throttled(request):
            return _too_many(request, "web/verify_email.html", context)
        if form.is_valid():
            try:
                codes.email_verify(code=form.cleaned_data["code"], email=form.cleaned_data["email"])
            except CodeInvalid:
                form.add_error("code", _("The code is wrong or has expired."))
            else:
                request.session.pop(VERIFY_EMAIL_KEY, None)
                messages.success(request, _("Your e-mail address is confirmed. You can sign in."))
                if request.user.is_authenticated:
                    return redirect("web:home")
                return redirect("web:login")
        return render(request, "web/verify_email.html", context, status=400)
    return render(request, "web/verify_email.html", context)


@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    form = forms.ResendCodeForm(request.POST)
    if not _throttled(request) and form.is_valid():
        codes.email_verification_resend(email=form.cleaned_data["email"])
        request.session[VERIFY_EMAIL_KEY] = form.cleaned_data["email"]
    messages.info(
        request,
        _(
            "If the address waits for confirmation, a new code is on its way "
            "(at most one a minute)."
        ),
    )
    return redirect("web:verify-email")


# --- password reset ------------------------------------------------------------------------
@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordResetRequestForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST":
        if _throttled(request):
            return _too_many(request, "web/password_reset.html", context)
        if form.is_valid():
            identifier = form.cleaned_data["identifier"]
            passwords.password_reset_request(identifier=identifier)
            messages.info(
                request,
                _(
                    "If an account with an e-mail address matches, we have sent a 6-digit code "
                    "to that address."
                ),
            )
            query = urlencode({"identifier": identifier})
            return redirect(f"{reverse('web:password-reset-confirm')}?{query}")
        return render(request, "web/password_reset.html", context, status=400)
    return render(request, "web/password_reset.html", context)


@sensitive_post_parameters("new_password", "new_password2", "code")
@never_cache
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordResetConfirmForm(
        request.POST or None, initial={"identifier": request.GET.get("identifier", "")}
    )
    context: dict[str, Any] = {"form": form}
    if request.method == "POST":
        if _throttled(request):
            return _too_many(request, "web/password_reset_confirm.html", context)
        if form.is_valid():
            data = form.cleaned_data
            try:
                passwords.password_reset_confirm(
                    identifier=data["identifier"],
                    code=data["code"],
                    new_password=data["new_password"],
                )
            except CodeInvalid:
                form.add_error("code", _("The code is wrong or has expired."))
            except (InvalidInput, PasswordIncorrect) as exc:
                forms.add_service_errors(form, exc)
            else:
                if request.user.is_authenticated:
                    logout(request)
                messages.success(request, _("Your password is changed. Sign in with it."))
                return redirect("web:login")
        return render(request, "web/password_reset_confirm.html", context, status=400)
    return render(request, "web/password_reset_confirm.html", context)


# --- signed-in pages --------------------------------------------------------------------
def _current_session(request: HttpRequest) -> UserSession | None:
    key = request.session.session_key
    if not key:
        return None
    return UserSession.objects.filter(
        user=_user(request), kind="web", session_key=key, revoked_at__isnull=True
    ).first()


@sensitive_post_parameters("current_password", "new_password", "new_password2")
@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the password; also the forced page for expired / must-change passwords."""
    user = _user(request)
    forced = RESTRICTION_PASSWORD_CHANGE in restrictions_of(request)
    form = forms.PasswordChangeForm(request.POST or None)
    context: dict[str, Any] = {
        "form": form,
        "forced": forced,
        "expired": forced and user_password_expired(user=user),
    }
    if request.method == "POST":
        if form.is_valid():
            current = _current_session(request)
            try:
                passwords.password_change(
                    user=user,
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["new_password"],
                    current_session_id=str(current.pk) if current else None,
                )
            except PasswordIncorrect:
                form.add_error("current_password", _("The current password is not correct."))
            except InvalidInput as exc:
                forms.add_service_errors(form, exc)
            else:
                # Keep this session signed in (the hash changed); other sessions were revoked.
                request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
                restrictions_refresh(request)
                messages.success(
                    request, _("Your password is changed. Your other sessions were signed out.")
                )
                return redirect("web:security")
        return render(request, "web/password_change.html", context, status=400)
    return render(request, "web/password_change.html", context)


@login_required
@never_cache
def profile_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {f: getattr(user, f) for f in profile.EDITABLE_FIELDS}
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            profile.user_profile_update(user=user, data=form.cleaned_data)
            messages.success(request, _("Your profile is saved."))
            response = redirect("web:profile")
            _set_language_cookie(response, user.language)
            return response
        return render(request, "web/profile.html", {"form": form}, status=400)
    return render(request, "web/profile.html", {"form": form})


def _security_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    current = _current_session(request)
    enabled = user_two_factor_enabled(user=user)
    return {
        "two_factor_enabled": enabled,
        "two_factor_required": user_two_factor_required(user=user),
        "backup_codes_remaining": user_backup_codes_remaining(user=user) if enabled else 0,
        "sessions": list(user_session_list_for(user=user)),
        "current_session_id": current.pk if current else None,
        "login_events": login_event_list_for(user=user),
        "backup_form": forms.BackupCodesForm(),
        "disable_form": forms.TwoFactorDisableForm(),
        **extra,
    }


@login_required
@never_cache
def security(request: HttpRequest) -> HttpResponse:
    return render(request, "web/security.html", _security_context(request))


@require_POST
@login_required
@never_cache
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Start (or restart) TOTP enrolment and show the QR code and the secret."""
    try:
        enrollment = two_factor.totp_enroll_start(user=_user(request))
    except TwoFactorAlreadyEnabled:
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("web:security")
    context = {"enrollment": enrollment, "form": forms.OtpCodeForm()}
    return render(request, "web/two_factor_enrol.html", context)


@require_POST
@login_required
@never_cache
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.OtpCodeForm(request.POST)
    if form.is_valid():
        try:
            backup_codes = two_factor.totp_enroll_confirm(user=user, otp=form.cleaned_data["otp"])
        except TwoFactorAlreadyEnabled:
            messages.info(request, _("Two-factor authentication is already on."))
            return redirect("web:security")
        except TwoFactorEnrollmentNotStarted:
            messages.error(request, _("Start the set-up again."))
            return redirect("web:security")
        except OtpInvalid:
            form.add_error("otp", _("The code is not valid. Try again."))
        else:
            device = next(iter(devices_for_user(user, confirmed=True)), None)
            if device is not None:
                otp_login(request, device)  # this session now counts as verified
            restrictions_refresh(request)
            return render(request, "web/backup_codes.html", {"codes": backup_codes, "new": True})
    enrollment = totp_enrollment_pending_for(user=user)
    if enrollment is None:
        return redirect("web:security")
    context = {"enrollment": enrollment, "form": form}
    return render(request, "web/two_factor_enrol.html", context, status=400)


@require_POST
@login_required
@never_cache
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    form = forms.BackupCodesForm(request.POST)
    if form.is_valid():
        try:
            backup_codes = two_factor.backup_codes_regenerate(
                user=_user(request), otp=form.cleaned_data["otp"]
            )
        except TwoFactorNotEnabled:
            return redirect("web:security")
        except OtpInvalid:
            form.add_error("otp", _("The code is not valid. Try again."))
        else:
            return render(request, "web/backup_codes.html", {"codes": backup_codes, "new": False})
    context = _security_context(request, backup_form=form)
    return render(request, "web/security.html", context, status=400)


@sensitive_post_parameters("password")
@require_POST
@login_required
@never_cache
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = forms.TwoFactorDisableForm(request.POST)
    if form.is_valid():
        try:
            two_factor.totp_disable(
                user=_user(request),
                password=form.cleaned_data["password"],
                otp=form.cleaned_data["otp"],
            )
        except TwoFactorNotEnabled:
            return redirect("web:security")
        except PasswordIncorrect:
            form.add_error("password", _("The password is not correct."))
        except OtpInvalid:
            form.add_error("otp", _("The code is not valid. Try again."))
        except (TwoFactorRequired, DomainError) as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("web:security")
    context = _security_context(request, disable_form=form)
    return render(request, "web/security.html", context, status=400)


@require_POST
@login_required
def session_revoke_view(request: HttpRequest, session_id: str) -> HttpResponse:
    user = _user(request)
    try:
        session = get_or_not_found(user_session_list_for(user=user), pk=session_id)
    except DomainError as exc:
        raise Http404 from exc
    current = session.kind == "web" and session.session_key == request.session.session_key
    session_revoke(actor=user, session=session)
    if current:
        logout(request)
        return redirect("web:login")
    messages.success(request, _("The session is signed out."))
    return redirect("web:security")
