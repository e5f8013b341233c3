"""The Django admin, themed and for platform administrators only.

Who gets in: an active staff user who is a platform administrator
(`lifeline.access.permissions.is_platform_admin`: a `platform_admin` membership in a platform
organization, or a superuser) and, when they have two-factor authentication, whose session
passed it. Everyone else who is signed in gets a 404 (the admin does not exist for them);
anonymous visitors are sent to the platform's own sign-in page (`web:login`, with lockout,
2FA and login history), never to the admin's password-only login form. Sign-out and password
change also go through the platform's pages.

The theme: site header and titles here, `admin/base_site.html` in this app's templates adds
`web/admin.css` (it takes effect when `lifeline.web` is listed before `django.contrib.admin`
in INSTALLED_APPS).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from lifeline.access.permissions import is_platform_admin
from lifeline.accounts.selectors import user_two_factor_enabled
from lifeline.accounts.services.sessions import session_end_web


def admin_allowed(request: HttpRequest) -> bool:
    """Whether the request's user may use the admin (see the module notes)."""
    user: Any = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if not is_platform_admin(user):
        return False
    if user_two_factor_enabled(user=user):
        is_verified = getattr(user, "is_verified", None)
        return bool(is_verified and is_verified())
    return True


def has_permission(request: HttpRequest) -> bool:
    if not request.user.is_authenticated:
        return False  # the admin redirects to its login view, which sends to web:login
    if not admin_allowed(request):
        raise Http404
    return True


def login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    if request.user.is_authenticated:
        if admin_allowed(request):
            next_url = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
            return redirect(next_url if next_url and safe else "admin:index")
        raise Http404
    next_url = request.GET.get("next") or resolve_url("admin:index")
    return redirect_to_login(next_url, resolve_url("web:login"))


def logout_view(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    if request.method != "POST":
        return redirect("admin:index")
    session_end_web(session_key=request.session.session_key)
    logout(request)
    return redirect("web:login")


def password_change(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    return redirect("web:password-change")


site = admin.site
site.site_header = _("Lifeline administration")
site.site_title = _("Lifeline admin")
site.index_title = _("Platform administration")
site.site_url = "/"
site.enable_nav_sidebar = True
site.has_permission = has_permission  # type: ignore[method-assign]
site.login = login  # type: ignore[method-assign, assignment]
site.logout = logout_view  # type: ignore[method-assign, assignment]
site.password_change = password_change  # type: ignore[method-assign, assignment]
