"""JWT authentication for every API endpoint: session revocation and restricted tokens.

- Tokens carry the API session id (`sid`); an access token of a revoked session (logout,
  "end this session", password change elsewhere) is refused at once, not at expiry.
  Checked in the same single query that loads the user; the answer is cached per (user,
  session) and invalidated at once by any change of the user or the session
  (`lifeline.accounts.auth_cache`), so most requests need no query for it.
- Tokens of a user who must change the password or enrol 2FA carry `restrict`. Such a token
  is refused with 403 `auth.password_change_required` / `auth.2fa_enrollment_required` by
  every view except those that declare `allow_restricted_token = True` (me, 2FA enrolment,
  password change, logout). Every module gets this without doing anything.
- Inactive and banned users are refused (simplejwt's `user_inactive`).
- A token's signature and claims are verified once per process: the validated token is kept
  in a bounded LRU keyed by the exact token bytes (`_validated`), so a client's following
  requests skip the HMAC and the JSON decoding (a tenth of an API read). Expiry is checked
  again on every request; revocation never depended on this step (it is the session check
  above, done on every request). The LRU is cleared when the JWT settings change.
"""

from __future__ import annotations

import functools
import time
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from lifeline.accounts import auth_cache
from lifeline.accounts.models import User
from lifeline.accounts.selectors import RESTRICTION_2FA_ENROLLMENT, RESTRICTION_PASSWORD_CHANGE
from lifeline.accounts.services.sessions import RESTRICT_CLAIM, SESSION_CLAIM

RESTRICTION_CODES = {
    RESTRICTION_PASSWORD_CHANGE: "auth.password_change_required",
    RESTRICTION_2FA_ENROLLMENT: "auth.2fa_enrollment_required",
}


class RestrictedToken(exceptions.PermissionDenied):
    """403 whose `code` tells the client what to fix (the error handler keeps DRF codes)."""


def _restriction_message(restriction: str) -> str:
    if restriction == RESTRICTION_PASSWORD_CHANGE:
        return _("Your password has expired or must be changed. Change it to continue.")
    return _("Your role requires two-factor authentication. Set it up to continue.")


# simplejwt's own verification (signature, algorithm, token type, expiry), used by `_validated`.
_VERIFIER = authentication.JWTAuthentication()


@functools.lru_cache(maxsize=4096)
def _validated(raw_token: bytes) -> Token:
    """The validated token for these exact bytes (raises InvalidToken; errors are not cached).
    The returned token is shared by every request that presents it: read it, never change it."""
    return _VERIFIER.get_validated_token(raw_token)


@receiver(setting_changed)
def _forget_validated_tokens(*, setting: str, **kwargs: Any) -> None:
    if setting in ("SIMPLE_JWT", "SECRET_KEY"):
        _validated.cache_clear()


class JWTAuthentication(authentication.JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Token:
        token = _validated(raw_token)
        expires = token.get("exp")
        if not isinstance(expires, int | float) or expires <= time.time():
            # Expired since it was verified: simplejwt's own check gives the error.
            return super().get_validated_token(raw_token)
        return token

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:  # type: ignore[override]
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        restrictions = token.get(RESTRICT_CLAIM) or []
        if restrictions:
            view = (getattr(request, "parser_context", None) or {}).get("view")
            if not getattr(view, "allow_restricted_token", False):
                first = str(restrictions[0])
                raise RestrictedToken(
                    detail=_restriction_message(first),
                    code=RESTRICTION_CODES.get(first, "auth.restricted"),
                )
        return user, token

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        session_id = validated_token.get(SESSION_CLAIM)
        # Tokens minted outside the login flow (tests, scripts) carry no session id.
        user = auth_cache.user_for_token(user_id=user_id, session_id=session_id)
        if user is None:
            if session_id is None:
                raise exceptions.AuthenticationFailed(_("User not found"), code="user_not_found")
            raise exceptions.AuthenticationFailed(
                _("This session has ended. Sign in again."), code="token_not_valid"
            )
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user
