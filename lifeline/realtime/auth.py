"""Who is on the other end of a WebSocket: Origin check, then a JWT or the session cookie.

The stack (outermost first), built by `RealtimeAuthMiddlewareStack`:

1. `OriginCheckMiddleware` refuses the handshake (HTTP 403) when the `Origin` header names
   neither the request's own host (which must be in ALLOWED_HOSTS) nor an entry of
   `LIFELINE_WS_ALLOWED_ORIGINS`. That stops cross-site WebSocket hijacking.
2. `TokenOrSessionAuthMiddleware`:
   * a JWT access token, from `Authorization: Bearer <t>`, `?token=<t>` or the subprotocols
     `["bearer", "<t>"]` (the server then accepts with the `bearer` subprotocol), is
     validated by the same authentication class as the API (simplejwt: signature, expiry,
     `sub` user lookup, revoked sessions and inactive users refused); a token carrying the
     accounts' `restrict` claim (must change the password or enrol 2FA) is refused (4403);
   * otherwise the Django session cookie (Channels' `AuthMiddlewareStack`), but only when
     the browser sent an `Origin` header: a client without one (a device, a mobile app)
     must use a token, so a cookie alone never authenticates a non-browser socket. A
     session past its inactivity limit (accounts' SessionPolicyMiddleware) is refused.

It sets `scope["user"]` (AnonymousUser when refused) and, for the consumer, the keys below.
A present but invalid token never falls back to the session. The consumer joins the socket to
its session's and its user's control groups, so that ending the session closes it
(`lifeline.realtime.sockets`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import ParseResult, parse_qs, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from lifeline.accounts.authentication import JWTAuthentication
from lifeline.accounts.middleware import IDLE_TIMEOUT_KEY, LAST_SEEN_KEY
from lifeline.accounts.services.sessions import RESTRICT_CLAIM, SESSION_CLAIM

logger = logging.getLogger(__name__)

# Scope keys set here and read by the consumers.
AUTH_METHOD = "lifeline.auth_method"  # "jwt" | "session" | None
AUTH_ERROR = "lifeline.auth_error"  # None or a stable code, see below
AUTH_EXPIRES_AT = "lifeline.auth_expires_at"  # token expiry (epoch seconds) or None
AUTH_SESSION_ID = "lifeline.auth_session_id"  # the token's API session (`sid`) or None
SUBPROTOCOL = "lifeline.subprotocol"  # subprotocol to accept with, or None
ORIGIN_PRESENT = "lifeline.origin_present"

# Stable refusal codes (never the token itself, never the reason text from the library).
ERROR_TOKEN_INVALID = "token_invalid"  # bad signature, expired, wrong type, unknown user
ERROR_USER_INACTIVE = "user_inactive"
ERROR_TOKEN_RESTRICTED = "token_restricted"  # valid, but the account must act first
ERROR_ORIGIN_REQUIRED = "origin_required"  # session cookie without an Origin header
ERROR_SESSION_IDLE = "session_idle"  # the web session outlived its inactivity limit

BEARER_SUBPROTOCOL = "bearer"

_MAX_TOKEN_LENGTH = 4096


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            try:
                return bytes(value).decode("latin1")
            except UnicodeDecodeError:  # pragma: no cover - latin1 decodes any byte
                return None
    return None


def token_from_scope(scope: dict[str, Any]) -> tuple[str | None, str | None]:
    """Return `(token, transport)` with transport `header`, `query` or `subprotocol`."""
    authorization = _header(scope, b"authorization")
    if authorization:
        kind, _sep, value = authorization.strip().partition(" ")
        if kind.lower() == "bearer" and value.strip():
            return value.strip(), "header"
    query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin1"))
    if query.get("token") and query["token"][0]:
        return query["token"][0], "query"
    subprotocols = list(scope.get("subprotocols") or ())
    if BEARER_SUBPROTOCOL in subprotocols:
        index = subprotocols.index(BEARER_SUBPROTOCOL)
        if index + 1 < len(subprotocols) and subprotocols[index + 1]:
            return subprotocols[index + 1], "subprotocol"
    return None, None


@database_sync_to_async
def user_from_token(raw: str) -> tuple[Any, str | None, float | None, str | None]:
    """Return `(user, error, expires_at, session_id)`; the user is AnonymousUser when refused."""
    if len(raw) > _MAX_TOKEN_LENGTH:
        return AnonymousUser(), ERROR_TOKEN_INVALID, None, None
    authentication = JWTAuthentication()
    try:
        validated = authentication.get_validated_token(raw.encode("latin1"))
        user = authentication.get_user(validated)
    except AuthenticationFailed as exc:
        codes = exc.get_codes()
        if codes == "user_inactive":
            return AnonymousUser(), ERROR_USER_INACTIVE, None, None
        return AnonymousUser(), ERROR_TOKEN_INVALID, None, None
    except (InvalidToken, TokenError, UnicodeEncodeError):
        return AnonymousUser(), ERROR_TOKEN_INVALID, None, None
    if not user.is_active:
        return AnonymousUser(), ERROR_USER_INACTIVE, None, None
    if validated.get(RESTRICT_CLAIM):
        # Must change the password or enrol 2FA first (accounts.authentication): such a
        # token opens only a few API endpoints, and no socket.
        return AnonymousUser(), ERROR_TOKEN_RESTRICTED, None, None
    expires_at = validated.payload.get("exp")
    session_id = validated.payload.get(SESSION_CLAIM)
    return (
        user,
        None,
        float(expires_at) if expires_at is not None else None,
        str(session_id) if session_id else None,
    )


@database_sync_to_async
def _session_idle(session: Any) -> bool:
    last_seen, limit = session.get(LAST_SEEN_KEY), session.get(IDLE_TIMEOUT_KEY)
    return last_seen is not None and limit is not None and time.time() - int(last_seen) > int(limit)


class SessionIdleCheckMiddleware:
    """Refuse a cookie session idle past its limit, as the HTTP side would log it out.

    The socket itself does not count as activity (it never writes the session).
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        if user is not None and user.is_authenticated and await _session_idle(scope["session"]):
            scope = {**scope, "user": AnonymousUser(), AUTH_ERROR: ERROR_SESSION_IDLE}
        return await self.inner(scope, receive, send)


class TokenOrSessionAuthMiddleware:
    """Authenticate by a JWT when one is offered, else by the session cookie (see module)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.session_inner = AuthMiddlewareStack(SessionIdleCheckMiddleware(inner))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        scope = dict(scope)
        scope.setdefault(ORIGIN_PRESENT, _header(scope, b"origin") is not None)
        token, transport = token_from_scope(scope)
        scope[SUBPROTOCOL] = BEARER_SUBPROTOCOL if transport == "subprotocol" else None
        if token is not None:
            user, error, expires_at, session_id = await user_from_token(token)
            scope.update(
                {
                    "user": user,
                    AUTH_METHOD: "jwt",
                    AUTH_ERROR: error,
                    AUTH_EXPIRES_AT: expires_at,
                    AUTH_SESSION_ID: session_id,
                }
            )
            if error:
                logger.info("realtime.auth_refused", extra={"reason": error, "via": transport})
            return await self.inner(scope, receive, send)
        scope[AUTH_EXPIRES_AT] = None
        scope[AUTH_SESSION_ID] = None
        if not scope[ORIGIN_PRESENT]:
            scope.update(
                {"user": AnonymousUser(), AUTH_METHOD: None, AUTH_ERROR: ERROR_ORIGIN_REQUIRED}
            )
            return await self.inner(scope, receive, send)
        scope.update({AUTH_METHOD: "session", AUTH_ERROR: None})
        return await self.session_inner(scope, receive, send)


def _default_port(scheme: str) -> int | None:
    return {"http": 80, "ws": 80, "https": 443, "wss": 443}.get(scheme)


class OriginCheckMiddleware(OriginValidator):
    """Refuse a handshake whose Origin is neither this host nor a configured origin.

    `allowed_origins` defaults to `settings.LIFELINE_WS_ALLOWED_ORIGINS`, read per
    connection; patterns follow Channels' `OriginValidator` (`https://app.example.com`,
    `https://.example.com` for subdomains, `*` for any). A missing Origin passes here and
    is handled by `TokenOrSessionAuthMiddleware` (token only).
    """

    def __init__(self, application: Any, allowed_origins: Iterable[str] | None = None) -> None:
        super().__init__(application, list(allowed_origins) if allowed_origins else None)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        raw = _header(scope, b"origin")
        scope = {**scope, ORIGIN_PRESENT: raw is not None}
        if raw is None:
            return await self.application(scope, receive, send)
        parsed = urlparse(raw.strip())
        if self._allowed(parsed, scope):
            return await self.application(scope, receive, send)
        logger.info("realtime.origin_refused", extra={"origin": raw[:200]})
        return await WebsocketDenier()(scope, receive, send)

    def _allowed(self, origin: ParseResult, scope: dict[str, Any]) -> bool:
        if origin.scheme not in ("http", "https") or not origin.hostname:
            return False
        patterns = self.allowed_origins
        if patterns is None:
            patterns = list(getattr(settings, "LIFELINE_WS_ALLOWED_ORIGINS", []))
        if any(p == "*" or self.match_allowed_origin(origin, p) for p in patterns):
            return True
        return self._same_host(origin, _header(scope, b"host"))

    @staticmethod
    def _same_host(origin: ParseResult, host_header: str | None) -> bool:
        if not host_header:
            return False
        host, port = split_domain_port(host_header.strip().lower())
        allowed_hosts = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not allowed_hosts:
            allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]
        if not host or not validate_host(host, allowed_hosts):
            return False
        origin_host, _origin_port = split_domain_port(origin.netloc.lower())
        try:
            origin_port = origin.port or _default_port(origin.scheme)
        except ValueError:  # a port that is not a number
            return False
        host_port = int(port) if port else _default_port(origin.scheme)
        return origin_host == host and origin_port == host_port


def RealtimeAuthMiddlewareStack(inner: Any) -> Any:  # noqa: N802 - Channels' naming style
    """Wrap a WebSocket URLRouter in the Origin check and authentication (see module)."""
    return OriginCheckMiddleware(TokenOrSessionAuthMiddleware(inner))
