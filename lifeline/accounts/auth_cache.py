"""The user behind an API token, cached per (user, session) with immediate invalidation.

Every authenticated API request needs the token's user and, for tokens from the login flow,
proof that their session (`sid`) is not revoked. That is a database query per request; here
its answer is kept in the Django cache so that a client's following requests skip it.

Correctness rests on a per-user *generation*: a random token under `auth:gen:<user>`. A cached
entry records the generation it was read under and counts only while that is still the
current one. Every change that could alter the answer replaces the generation:

- any `save()` or `delete()` of a `User` or `UserSession` (signals connected in
  `AccountsConfig.ready()`, so every process that writes — web, ws, Celery, admin, shell —
  invalidates): ban, deactivation, password change, logout, session revocation, refresh;
- once at once (so a cached answer is not used while the change is being committed) and again
  after the commit (so an answer read from the database just before the commit and stored
  just after is already stale when it lands).

A reader reads the generation *before* the database, so the race "read old row, writer
commits and invalidates, reader stores old row" stores it under the old generation, where
no one will use it. A missing generation (never set, evicted, expired) is created anew, so
eviction can only cost a query, never serve a stale answer. Only positive answers (the user
exists and the session is active) are stored. A cache error falls back to the database.

`QuerySet.update()` and `bulk_update()` send no signals: code that bulk-updates users or API
sessions must call `invalidate_user_on_commit()` for each user touched. (`session_end_web`
bulk-updates *web* sessions only, which never back a token, so it needs none.)

Settings (read through `getattr`, defaults here):

- `LIFELINE_AUTH_CACHE_TTL` (seconds, default 30; 0 turns the cache off) — bounds the life
  of an entry even though invalidation does not rely on it.
- `LIFELINE_AUTH_CACHE_LOCAL` (default False) — allow a process-local cache backend
  (`LocMemCache`). Off by default because the production web role runs several worker
  processes and each would keep its own copy: an invalidation made in one process would not
  reach the others. With the default local-memory cache (no `REDIS_URL`) the cache is
  therefore off unless the server is known to be a single process (tests, `lifeline serve`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import uuid
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import connections, router, transaction
from django.dispatch import receiver

from lifeline.accounts.models import User, UserSession

logger = logging.getLogger(__name__)

DEFAULT_TTL = 30
# The generation outlives entries; when it expires anyway a new one is drawn (entries made
# under the old one are ignored), so its lifetime only bounds the number of keys kept.
GENERATION_TTL = 24 * 3600
_PROCESS_LOCAL_BACKENDS = (LocMemCache, DummyCache)
_SETTINGS = frozenset({"CACHES", "LIFELINE_AUTH_CACHE_TTL", "LIFELINE_AUTH_CACHE_LOCAL"})


@functools.cache
def _backend() -> tuple[BaseCache, int] | None:
    """(cache, entry TTL), or None when the auth cache is off."""
    ttl = int(getattr(settings, "LIFELINE_AUTH_CACHE_TTL", DEFAULT_TTL))
    if ttl <= 0:
        return None
    cache = caches["default"]
    if isinstance(cache, DummyCache):
        return None
    if isinstance(cache, _PROCESS_LOCAL_BACKENDS) and not getattr(
        settings, "LIFELINE_AUTH_CACHE_LOCAL", False
    ):
        return None
    return cache, ttl


@receiver(setting_changed)
def _reset_backend(*, setting: str, **kwargs: Any) -> None:
    if setting in _SETTINGS:
        _backend.cache_clear()


def is_enabled() -> bool:
    return _backend() is not None


@functools.cache
def _layout() -> tuple[tuple[str, ...], str]:
    """The user's concrete column names and a short digest of them (part of every entry key,
    so a deployment that changes the model never reads entries of the previous layout)."""
    names = tuple(field.attname for field in User._meta.concrete_fields)
    return names, hashlib.blake2s(",".join(names).encode(), digest_size=4).hexdigest()


def _generation_key(user_id: Any) -> str:
    return f"auth:gen:{user_id}"


def _entry_key(user_id: Any, session_id: Any) -> str:
    return f"auth:user:{_layout()[1]}:{user_id}:{session_id or '-'}"


def _new_generation() -> str:
    return secrets.token_hex(8)


def _parse_ids(user_id: Any, session_id: Any) -> tuple[Any, Any] | None:
    """Canonical primary keys (UUIDs) from token claims; None if malformed."""
    try:
        uid = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        sid = UserSession._meta.pk.to_python(session_id) if session_id is not None else None  # type: ignore[union-attr]
    except (ValidationError, TypeError, ValueError, AttributeError):
        return None
    if uid is None:
        return None
    return uid, sid


def _load(user_id: Any, session_id: Any) -> User | None:
    """The database answer: the user, if `session_id` (when given) is theirs and not revoked."""
    alias = router.db_for_read(User)
    statement = _statement(alias, with_session=session_id is not None)
    if statement is None:
        return _load_orm(user_id, session_id)
    connection = connections[alias]
    ids = {
        _USER: User._meta.pk.get_db_prep_value(user_id, connection),  # type: ignore[union-attr]
        _SESSION: UserSession._meta.pk.get_db_prep_value(session_id, connection),  # type: ignore[union-attr]
    }
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [ids[slot] for slot in statement.slots])
        row = cursor.fetchone()
    if row is None:
        return None
    if statement.converters:
        values = list(row)
        for position, (converters, expression) in statement.converters.items():
            for converter in converters:
                values[position] = converter(values[position], expression, connection)
        row = values
    return User.from_db(alias, list(_layout()[0]), list(row))


def _load_orm(user_id: Any, session_id: Any) -> User | None:
    users = User.objects.filter(pk=user_id)
    if session_id is not None:
        users = users.filter(sessions__pk=session_id, sessions__revoked_at__isnull=True)
    return next(iter(users.order_by()[:1]), None)


_USER, _SESSION = "user", "session"
_USER_PLACEHOLDER = uuid.UUID("00000000-0000-4000-8000-00000000a001")
_SESSION_PLACEHOLDER = uuid.UUID("00000000-0000-4000-8000-00000000a002")


class _Statement(NamedTuple):
    sql: str
    slots: tuple[str, ...]  # what each parameter is: _USER or _SESSION
    converters: dict[int, tuple[list[Any], Any]]


@functools.cache
def _statement(alias: str, *, with_session: bool) -> _Statement | None:
    """The SQL of `_load_orm`, compiled by the ORM once per process instead of per request
    (building and compiling the join costs more than the query itself). None if its shape
    is not the expected one; the ORM is then used as is."""
    connection = connections[alias]
    users = User.objects.using(alias).filter(pk=_USER_PLACEHOLDER)
    if with_session:
        users = users.filter(sessions__pk=_SESSION_PLACEHOLDER, sessions__revoked_at__isnull=True)
    compiler = users.order_by()[:1].query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    placeholders = {
        _USER: User._meta.pk.get_db_prep_value(_USER_PLACEHOLDER, connection),  # type: ignore[union-attr]
        _SESSION: UserSession._meta.pk.get_db_prep_value(_SESSION_PLACEHOLDER, connection),  # type: ignore[union-attr]
    }
    slots = tuple(
        slot for param in params for slot, value in placeholders.items() if param == value
    )
    columns = tuple(getattr(expression, "target", None) for expression, _, _ in compiler.select)
    names = tuple(column.attname if column is not None else None for column in columns)
    if len(slots) != len(params) or names != _layout()[0]:
        return None
    converters = compiler.get_converters([expression for expression, _, _ in compiler.select])
    return _Statement(sql=sql, slots=slots, converters=converters)


def _values(user: User) -> tuple[Any, ...]:
    return tuple(getattr(user, name) for name in _layout()[0])


def _build(values: tuple[Any, ...]) -> User:
    return User.from_db(router.db_for_read(User), list(_layout()[0]), list(values))


def user_for_token(*, user_id: Any, session_id: Any = None) -> User | None:
    """The user `user_id`, if `session_id` (when not None) is one of their unrevoked sessions.

    None when there is no such user or session. Inactive and banned users are returned: the
    caller refuses them with its own error.
    """
    ids = _parse_ids(user_id, session_id)
    if ids is None:
        return None
    uid, sid = ids
    backend = _backend()
    if backend is None:
        return _load(uid, sid)
    cache, ttl = backend
    generation_key, entry_key = _generation_key(uid), _entry_key(uid, sid)
    try:
        found = cache.get_many([generation_key, entry_key])
        generation = found.get(generation_key)
        if generation is None:
            # First use, evicted or expired: draw one. If another process drew one first,
            # use theirs; if it vanished again, do without the cache this time.
            generation = _new_generation()
            if not cache.add(generation_key, generation, GENERATION_TTL):
                generation = cache.get(generation_key)
        else:
            entry = found.get(entry_key)
            if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
                return _build(entry[1])
    except Exception:  # a cache outage must not stop authentication
        logger.warning("auth cache unavailable, reading the database", exc_info=True)
        return _load(uid, sid)
    user = _load(uid, sid)
    if user is not None and generation is not None:
        try:
            cache.set(entry_key, (generation, _values(user)), ttl)
        except Exception:
            logger.warning("auth cache unavailable, entry not stored", exc_info=True)
    return user


def invalidate_user(user_id: Any) -> None:
    """Make every cached answer about `user_id` (all their sessions) stale, now."""
    backend = _backend()
    if backend is None or user_id is None:
        return
    cache = backend[0]
    try:
        uid = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        cache.set(_generation_key(uid), _new_generation(), GENERATION_TTL)
    except Exception:
        # Entries still expire after LIFELINE_AUTH_CACHE_TTL; an unreachable cache is also
        # one no request can read stale entries from.
        logger.exception("auth cache invalidation failed for user %s", user_id)


def invalidate_user_on_commit(user_id: Any, *, using: str | None = None) -> None:
    """Invalidate now and again once the current transaction commits (see the module)."""
    if _backend() is None or user_id is None:
        return
    invalidate_user(user_id)
    transaction.on_commit(functools.partial(invalidate_user, user_id), using=using)


def _on_user_change(sender: Any, instance: User, using: str | None = None, **kwargs: Any) -> None:
    if kwargs.get("created"):
        return  # a new user (random UUID) or session has nothing cached yet
    invalidate_user_on_commit(instance.pk, using=using)


def _on_session_change(
    sender: Any, instance: UserSession, using: str | None = None, **kwargs: Any
) -> None:
    if kwargs.get("created"):
        return
    invalidate_user_on_commit(instance.user_id, using=using)


def connect_signals() -> None:
    """Called from AccountsConfig.ready(): every process that can write users invalidates."""
    from django.db.models.signals import post_delete, post_save

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_on_user_change, sender=User, dispatch_uid=f"auth_cache.user.{name}")
        signal.connect(
            _on_session_change, sender=UserSession, dispatch_uid=f"auth_cache.session.{name}"
        )
