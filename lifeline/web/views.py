from __future__ import annotations

import time
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from lifeline.access.enums import Role
from lifeline.access.permissions import is_platform_admin
from lifeline.accounts.exceptions import (
    AccountLockedOut,
    EmailNotVerified,
    InvalidCredentials,
    OtpInvalid,
    OtpRequired,
)
from lifeline.accounts.models import User
from lifeline.accounts.roles import user_roles
from lifeline.accounts.selectors import RESTRICTION_2FA_ENROLLMENT, RESTRICTION_PASSWORD_CHANGE
from lifeline.accounts.services import profile
from lifeline.accounts.services.login import (
    LoginOutcome,
    user_authenticate,
    user_authenticate_second_factor,
)
from lifeline.accounts.services.sessions import session_end_web, session_start_web
from lifeline.core.api.throttling import AuthRateThrottle
from lifeline.web.middleware import restrictions_store
from lifeline.web.modules import module_links_for

# The user who passed the password step and still owes a one-time code, and when.
PENDING_2FA_KEY = "lifeline_pending_2fa"
PENDING_2FA_SECONDS = 300
_BACKEND = "lifeline.accounts.backends.EmailOrPhoneBackend"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The role-aware start page: the modules the user has, and their account pages."""
    user = cast(User, request.user)
    context = {
        "modules": module_links_for(user=user),
        "is_platform_admin": is_platform_admin(user) and user.is_staff,
        "roles": [Role(r).label for r in user_roles(user=user) if r in Role.values],
    }
    return render(request, "web/home.html", context)


class SignInForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("E-mail or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("Code from your authenticator app, or a backup code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_2FA_KEY)
    if not pending or time.time() - float(pending.get("at", 0)) > PENDING_2FA_SECONDS:
        request.session.pop(PENDING_2FA_KEY, None)
        return None
    return User.objects.filter(pk=pending.get("user_id")).first()


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _complete(request: HttpRequest, outcome: LoginOutcome) -> HttpResponse:
    request.session.pop(PENDING_2FA_KEY, None)
    auth_login(request, outcome.user, backend=_BACKEND)
    if outcome.otp_device is not None:
        otp_login(request, outcome.otp_device)
    session_start_web(
        user=outcome.user, session_key=request.session.session_key or "", client=outcome.client
    )
    restrictions_store(request, list(outcome.restrictions))
    if RESTRICTION_PASSWORD_CHANGE in outcome.restrictions:
        messages.warning(request, _("Your password has expired. Please change it now."))
    if RESTRICTION_2FA_ENROLLMENT in outcome.restrictions:
        messages.warning(request, _("Your role requires two-factor authentication. Set it up."))
    response = redirect(_next_url(request))
    # The account's language unless this browser already chose one with the switch.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not chosen and outcome.user.language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            outcome.user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


@sensitive_post_parameters("password", "otp")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in with e-mail or phone and password, then a one-time code when 2FA is on.

    Uses the same accounts services as the API: lockout, login history and new-device alerts
    apply alike.
    """
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    if request.method == "GET" and request.GET.get("restart"):
        request.session.pop(PENDING_2FA_KEY, None)
    pending_user = _pending_user(request)
    password_form = SignInForm()
    otp_form = OtpForm()
    error = ""
    status = 200
    if request.method == "POST" and pending_user is not None and "otp" in request.POST:
        otp_form = OtpForm(request.POST)
        if otp_form.is_valid():
            try:
                outcome = user_authenticate_second_factor(
                    request=request, user=pending_user, otp=otp_form.cleaned_data["otp"]
                )
            except OtpInvalid:
                error = _("The code is not valid. Try again.")
                status = 401
            except AccountLockedOut as exc:
                request.session.pop(PENDING_2FA_KEY, None)
                pending_user = None
                error, status = exc.detail, 429
            else:
                return _complete(request, outcome)
    elif request.method == "POST":
        request.session.pop(PENDING_2FA_KEY, None)
        pending_user = None
        password_form = SignInForm(request.POST)
        if not AuthRateThrottle().allow_request(request, None):  # type: ignore[arg-type]
            # The per-address budget the API's login, register and reset share (scope auth).
            error, status = _("Too many attempts. Wait a minute and try again."), 429
        elif password_form.is_valid():
            try:
                outcome = user_authenticate(
                    request=request,
                    identifier=password_form.cleaned_data["identifier"],
                    password=password_form.cleaned_data["password"],
                    channel="web",
                )
            except OtpRequired as exc:
                request.session[PENDING_2FA_KEY] = {"user_id": str(exc.user.pk), "at": time.time()}
                pending_user = exc.user
            except InvalidCredentials:
                error, status = _("The e-mail/phone number or password is not correct."), 401
            except EmailNotVerified:
                error = _("Confirm your e-mail address first: we have sent you a code.")
                status = 403
            except AccountLockedOut as exc:
                error, status = exc.detail, 429
            else:
                return _complete(request, outcome)
    context = {
        "step": "otp" if pending_user is not None else "password",
        "form": otp_form if pending_user is not None else password_form,
        "error": error,
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    return render(request, "web/login.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    session_end_web(session_key=request.session.session_key)
    logout(request)
    return redirect("web:login")


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; for a signed-in user the choice is also saved on the account,
    so e-mails, notifications and the next sign-in on another device use it too."""
    response = i18n_views.set_language(request)
    language = request.POST.get(i18n_views.LANGUAGE_QUERY_PARAMETER, "")
    user = request.user
    if request.method == "POST" and user.is_authenticated and language in dict(settings.LANGUAGES):
        profile.user_profile_update(user=cast(User, user), data={"language": language})
    return response
