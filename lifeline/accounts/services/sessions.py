"""Signed-in sessions: JWT refresh-token families and web sessions, their rotation and revocation.

Every API login starts a `UserSession` (kind "api"). Its id travels in the tokens' `sid` claim
and `refresh_jti` is the one refresh token of the family that may be used next. Refreshing
blacklists the presented token and issues a new pair; presenting an already rotated refresh
token is treated as theft and revokes the whole family (OAuth 2.0 Security BCP, 4.14).
`JWTAuthentication` refuses access tokens of revoked sessions, so logout is immediate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from lifeline.accounts.clients import ClientInfo
from lifeline.accounts.exceptions import TokenNotValid
from lifeline.accounts.models import User, UserSession
from lifeline.accounts.selectors import user_login_restrictions
from lifeline.accounts.signals import session_ended
from lifeline.audit import services as audit

SESSION_CLAIM = "sid"
RESTRICT_CLAIM = "restrict"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    session_id: str


def _mint(*, user: User, session: UserSession, restrictions: Sequence[str]) -> TokenPair:
    """Issue a refresh/access pair for `session` and make it the family's current token.

    The caller saves `session.refresh_jti`.
    """
    refresh = RefreshToken()
    refresh[api_settings.USER_ID_CLAIM] = str(user.pk)
    refresh[SESSION_CLAIM] = str(session.pk)
    if restrictions:
        refresh[RESTRICT_CLAIM] = list(restrictions)
    jti = refresh[api_settings.JTI_CLAIM]
    OutstandingToken.objects.create(
        user=user,
        jti=jti,
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    session.refresh_jti = jti
    return TokenPair(
        access=str(refresh.access_token), refresh=str(refresh), session_id=str(session.pk)
    )


@transaction.atomic
def session_start_api(
    *, user: User, client: ClientInfo, restrictions: Sequence[str] = ()
) -> TokenPair:
    """Open a new API session (refresh-token family) and return its first token pair."""
    now = timezone.now()
    session = UserSession(
        user=user,
        kind="api",
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        device_type=client.device_type,
        created_at=now,
        last_seen_at=now,
    )
    pair = _mint(user=user, session=session, restrictions=restrictions)
    session.save()
    return pair


@transaction.atomic
def session_tokens_reissue(*, user: User, session_id: str | None) -> TokenPair | None:
    """New tokens for the caller's current API session, with restrictions recomputed.

    Used after the user fixed what restricted their tokens (changed the password, enrolled
    2FA). The previous refresh token of the family is blacklisted. None for sessions that are
    not JWT sessions (web) or are no longer active.
    """
    session = _active_session(user=user, session_id=session_id, lock=True)
    if session is None or session.kind != "api":
        return None
    _blacklist_jti(session.refresh_jti)
    pair = _mint(user=user, session=session, restrictions=user_login_restrictions(user=user))
    session.last_seen_at = timezone.now()
    session.save(update_fields=["refresh_jti", "last_seen_at"])
    return pair


def token_refresh(*, refresh: str) -> TokenPair:
    """Rotate a refresh token; raise TokenNotValid for anything but the family's current one."""
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]
    except TokenError as exc:
        _revoke_family_of_replayed(refresh)
        raise TokenNotValid() from exc

    pair: TokenPair | None = None
    with transaction.atomic():
        session = _session_for_update(token.get(SESSION_CLAIM))
        jti = token[api_settings.JTI_CLAIM]
        if session is None or session.revoked_at is not None or not session.user.is_active:
            pass
        elif session.refresh_jti != jti:
            # Not blacklisted, yet not current: the family was rotated by a racing request.
            # Treat it like a replay; the legitimate client signs in again.
            _revoke(session)
        else:
            token.blacklist()
            user = session.user
            pair = _mint(
                user=user, session=session, restrictions=user_login_restrictions(user=user)
            )
            session.last_seen_at = timezone.now()
            session.save(update_fields=["refresh_jti", "last_seen_at"])
    if pair is None:
        raise TokenNotValid()
    return pair


def _revoke_family_of_replayed(raw: str) -> None:
    """If `raw` is validly signed and unexpired but blacklisted, someone replayed it."""
    try:
        payload: dict[str, Any] = token_backend.decode(raw, verify=True)  # type: ignore[arg-type]
    except TokenBackendError:
        return
    jti = payload.get(api_settings.JTI_CLAIM)
    if not jti or not BlacklistedToken.objects.filter(token__jti=jti).exists():
        return
    with transaction.atomic():
        session = _session_for_update(payload.get(SESSION_CLAIM))
        if session is not None and session.revoked_at is None:
            _revoke(session)
            audit.record(
                actor=session.user,
                action="accounts.session_revoked",
                target=session,
                result="denied",
                metadata={"reason": "refresh_token_replayed"},
            )


def _session_for_update(session_id: Any) -> UserSession | None:
    if not session_id:
        return None
    try:
        return (
            UserSession.objects.select_for_update()
            .select_related("user")
            .filter(pk=session_id)
            .first()
        )
    except (ValidationError, ValueError):
        return None


def _active_session(
    *, user: User, session_id: str | None, lock: bool = False
) -> UserSession | None:
    if not session_id:
        return None
    queryset = UserSession.objects.filter(user=user, revoked_at__isnull=True)
    if lock:
        queryset = queryset.select_for_update()
    try:
        return queryset.filter(pk=session_id).first()
    except (ValidationError, ValueError):
        return None


def _blacklist_jti(jti: str) -> None:
    if not jti:
        return
    outstanding = OutstandingToken.objects.filter(jti=jti).first()
    if outstanding is not None:
        BlacklistedToken.objects.get_or_create(token=outstanding)


def _delete_web_session(session_key: str) -> None:
    if session_key:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        store(session_key=session_key).delete()


def _revoke(session: UserSession) -> None:
    _blacklist_jti(session.refresh_jti)
    _delete_web_session(session.session_key)
    session.revoked_at = timezone.now()
    session.save(update_fields=["revoked_at"])


@transaction.atomic
def session_revoke(*, actor: User, session: UserSession) -> UserSession:
    """End one of the actor's sessions: its refresh token is blacklisted, its access refused.

    The caller loads `session` scoped to the actor (a stranger's session id is a 404).
    """
    if session.revoked_at is None:
        _revoke(session)
        audit.record(actor=actor, action="accounts.session_revoked", target=session)
    return session


@transaction.atomic
def session_revoke_all(*, user: User, except_session_id: str | None = None) -> int:
    """Revoke every active session of `user` except one; returns how many were revoked."""
    sessions = UserSession.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if except_session_id:
        sessions = sessions.exclude(pk=except_session_id)
    count = 0
    for session in sessions.order_by("pk"):
        _revoke(session)
        count += 1
    return count


@transaction.atomic
def user_logout(*, user: User, session_id: str | None = None, refresh: str | None = None) -> None:
    """End the caller's current session and, if given, the session of `refresh`.

    A refresh token that is invalid or belongs to someone else is ignored: logout always
    succeeds for the caller and never reveals anything about the token.
    """
    ids = {session_id} if session_id else set()
    if refresh:
        try:
            token = RefreshToken(refresh)  # type: ignore[arg-type]
        except TokenError:
            token = None
        if token is not None and str(token.get(api_settings.USER_ID_CLAIM)) == str(user.pk):
            token.blacklist()
            if token.get(SESSION_CLAIM):
                ids.add(str(token[SESSION_CLAIM]))
    for sid in sorted(ids):
        session = _active_session(user=user, session_id=sid, lock=True)
        if session is not None:
            _revoke(session)
    audit.record(actor=user, action="accounts.logged_out", target=user)


@transaction.atomic
def session_start_web(*, user: User, session_key: str, client: ClientInfo) -> UserSession:
    """Record a web (cookie) session so the user can see and end it."""
    now = timezone.now()
    return UserSession.objects.create(
        user=user,
        kind="web",
        session_key=session_key,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        device_type=client.device_type,
        created_at=now,
        last_seen_at=now,
    )


def session_end_web(*, session_key: str | None) -> None:
    """Mark the web session with this key ended (the caller logs the request out).

    Sends `session_ended` (its open WebSockets close after the commit): a bulk update sends
    no model signal.
    """
    if session_key:
        UserSession.objects.filter(
            kind="web", session_key=session_key, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        session_ended.send(sender=UserSession, session_id=None, session_key=session_key, using=None)
