"""The auth cache (lifeline.accounts.auth_cache): the user behind a token without a query, and
every change that must refuse a token doing so on the very next request.

Each behaviour runs on the local-memory cache (enabled for a single process) and, marked
`redis`, on the Redis cache that production uses (REDIS_URL).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import AccessToken

from lifeline.accounts import auth_cache
from lifeline.accounts.authentication import JWTAuthentication
from lifeline.accounts.enums import UserStatus
from lifeline.accounts.models import User, UserSession
from lifeline.accounts.services.sessions import session_revoke
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/auth/"
NEW_PASSWORD = "Another-Strong-Pass-42"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request: pytest.FixtureRequest, settings: Any) -> str:
    """Turn the auth cache on, on local memory or on the configured Redis."""
    if request.param == "locmem":
        settings.CACHES = {"default": {"BACKEND": LOCMEM, "LOCATION": "auth-cache-tests"}}
        settings.LIFELINE_AUTH_CACHE_LOCAL = True
        assert isinstance(caches["default"], LocMemCache)
        caches["default"].clear()  # local-memory stores outlive the settings change
    else:
        assert isinstance(caches["default"], RedisCache), "REDIS_URL configures a Redis cache"
    assert auth_cache.is_enabled()
    return str(request.param)


def _login(user: User, client: APIClient | None = None) -> tuple[APIClient, dict[str, Any]]:
    client = client or APIClient()
    response = client.post(f"{BASE}login/", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.json()
    body = response.json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    return client, body


def _sid(body: dict[str, Any]) -> str:
    return str(AccessToken(body["access"])["sid"])  # type: ignore[arg-type]


def _authenticate(token: str) -> tuple[Any, Any] | None:
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    return JWTAuthentication().authenticate(request)  # type: ignore[arg-type]


def _code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


# --- when it is on ----------------------------------------------------------------------


def test_off_on_process_local_cache_by_default(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": LOCMEM, "LOCATION": "auth-cache-tests"}}
    settings.LIFELINE_AUTH_CACHE_LOCAL = False
    assert not auth_cache.is_enabled()
    settings.LIFELINE_AUTH_CACHE_LOCAL = True
    assert auth_cache.is_enabled()
    settings.LIFELINE_AUTH_CACHE_TTL = 0
    assert not auth_cache.is_enabled()


def test_off_on_dummy_cache(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.LIFELINE_AUTH_CACHE_LOCAL = True
    assert not auth_cache.is_enabled()


def test_off_reads_the_database_every_time(
    settings: Any, django_assert_num_queries: Callable[..., Any]
) -> None:
    settings.LIFELINE_AUTH_CACHE_LOCAL = False
    settings.CACHES = {"default": {"BACKEND": LOCMEM, "LOCATION": "auth-cache-tests"}}
    _, body = _login(UserFactory())
    for _ in range(2):
        with django_assert_num_queries(1):
            assert _authenticate(body["access"]) is not None


# --- what it saves ----------------------------------------------------------------------


def test_second_request_needs_no_query(
    backend: str, django_assert_num_queries: Callable[..., Any]
) -> None:
    user = UserFactory(first_name="Anna", phone_number="+79161234567")
    _, body = _login(user)

    with django_assert_num_queries(1):
        first = _authenticate(body["access"])
    with django_assert_num_queries(0):
        second = _authenticate(body["access"])

    assert first is not None
    assert second is not None
    cached = second[0]
    fresh = User.objects.get(pk=user.pk)
    assert cached == fresh
    assert cached.__dict__.keys() >= {f.attname for f in User._meta.concrete_fields}
    for field in User._meta.concrete_fields:
        assert getattr(cached, field.attname) == getattr(fresh, field.attname), field.name
    assert str(cached.phone_number) == "+79161234567"
    assert cached.get_deferred_fields() == set()
    assert cached._state.adding is False


def test_api_request_saves_the_user_query(backend: str) -> None:
    client, _ = _login(UserFactory())
    with CountQueries() as first:
        assert client.get(f"{BASE}me/").status_code == 200
    with CountQueries() as second:
        assert client.get(f"{BASE}me/").status_code == 200
    assert second.count == first.count - 1


def test_token_without_session_is_cached_too(
    backend: str, django_assert_num_queries: Callable[..., Any]
) -> None:
    user = UserFactory()
    token = str(AccessToken.for_user(user))
    with django_assert_num_queries(1):
        assert _authenticate(token) is not None
    with django_assert_num_queries(0):
        result = _authenticate(token)
    assert result is not None
    assert result[0].pk == user.pk


# --- what must take effect on the very next request --------------------------------------


def test_logout_refuses_the_token_at_once(backend: str) -> None:
    client, body = _login(UserFactory())
    assert client.get(f"{BASE}me/").status_code == 200  # cached now

    assert client.post(f"{BASE}logout/", {"refresh": body["refresh"]}).status_code == 204

    assert _code(client.get(f"{BASE}me/")) == (401, "authentication_failed.token_not_valid")


def test_revoking_a_session_from_another_refuses_it_at_once(backend: str) -> None:
    user = UserFactory()
    phone, phone_body = _login(user)
    laptop, _ = _login(user)
    assert phone.get(f"{BASE}me/").status_code == 200
    assert laptop.get(f"{BASE}me/").status_code == 200

    revoked = laptop.post(f"{BASE}sessions/{_sid(phone_body)}/revoke/")
    assert revoked.status_code == 204, revoked.content

    assert _code(phone.get(f"{BASE}me/")) == (401, "authentication_failed.token_not_valid")
    assert laptop.get(f"{BASE}me/").status_code == 200


def test_password_change_refuses_other_sessions_at_once(backend: str) -> None:
    user = UserFactory()
    phone, _ = _login(user)
    laptop, _ = _login(user)
    assert phone.get(f"{BASE}me/").status_code == 200

    changed = laptop.post(
        f"{BASE}password/change/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 200, changed.content

    assert _code(phone.get(f"{BASE}me/")) == (401, "authentication_failed.token_not_valid")


@pytest.mark.parametrize("status", [UserStatus.BANNED, UserStatus.INACTIVE])
def test_ban_or_deactivation_refuses_every_token_at_once(backend: str, status: str) -> None:
    user = UserFactory()
    client, _ = _login(user)
    plain_token = str(AccessToken.for_user(user))
    assert client.get(f"{BASE}me/").status_code == 200
    assert _authenticate(plain_token) is not None

    user.status = status  # as the admin site does it: a save()
    user.save()

    assert _code(client.get(f"{BASE}me/")) == (401, "authentication_failed.user_inactive")
    with pytest.raises(AuthenticationFailed, match="inactive"):
        _authenticate(plain_token)


def test_deleted_user_is_refused_at_once(backend: str) -> None:
    user = UserFactory()
    client, _ = _login(user)
    plain_token = str(AccessToken.for_user(user))
    assert client.get(f"{BASE}me/").status_code == 200
    assert _authenticate(plain_token) is not None

    user.delete()

    assert client.get(f"{BASE}me/").status_code == 401
    with pytest.raises(AuthenticationFailed, match="not found"):
        _authenticate(plain_token)


def test_profile_change_is_seen_at_once(backend: str) -> None:
    client, _ = _login(UserFactory(first_name="Anna"))
    assert client.get(f"{BASE}me/").json()["first_name"] == "Anna"

    assert client.patch(f"{BASE}me/", {"first_name": "Maria"}).status_code == 200

    assert client.get(f"{BASE}me/").json()["first_name"] == "Maria"


def test_bulk_update_with_explicit_invalidation(backend: str) -> None:
    user = UserFactory()
    client, _ = _login(user)
    assert client.get(f"{BASE}me/").status_code == 200

    User.objects.filter(pk=user.pk).update(status=UserStatus.BANNED)  # no signal
    auth_cache.invalidate_user_on_commit(user.pk)

    assert _code(client.get(f"{BASE}me/")) == (401, "authentication_failed.user_inactive")


def test_invalidation_runs_again_after_commit(
    backend: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    user = UserFactory()
    _, body = _login(user)
    session = UserSession.objects.get(pk=_sid(body))

    with django_capture_on_commit_callbacks() as callbacks:
        session_revoke(actor=user, session=session)
        # Another request read the database before this commit (the session still active)
        # and stores its answer now, after the invalidation made at save time.
        revoked_at = UserSession.objects.get(pk=session.pk).revoked_at
        UserSession.objects.filter(pk=session.pk).update(revoked_at=None)
        assert _authenticate(body["access"]) is not None
        UserSession.objects.filter(pk=session.pk).update(revoked_at=revoked_at)
        assert _authenticate(body["access"]) is not None  # the stale answer, before commit

    assert callbacks  # the commit runs the invalidation again
    for callback in callbacks:
        callback()

    with pytest.raises(AuthenticationFailed, match="session has ended"):
        _authenticate(body["access"])


def test_answer_read_before_a_revocation_is_not_used_after_it(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reader reads the database, the session is revoked (and invalidated) before the reader
    stores its answer: that answer must not be used by the next request."""
    user = UserFactory()
    _, body = _login(user)
    session = UserSession.objects.get(pk=_sid(body))
    real_load = auth_cache._load

    def load_then_revoke(user_id: Any, session_id: Any) -> User | None:
        found = real_load(user_id, session_id)
        session_revoke(actor=user, session=session)  # a concurrent request, committed
        return found

    monkeypatch.setattr(auth_cache, "_load", load_then_revoke)
    assert _authenticate(body["access"]) is not None  # the racing request itself passes
    monkeypatch.setattr(auth_cache, "_load", real_load)

    with pytest.raises(AuthenticationFailed, match="session has ended"):
        _authenticate(body["access"])


def test_lost_generation_costs_a_query_not_a_stale_answer(
    backend: str, django_assert_num_queries: Callable[..., Any]
) -> None:
    user = UserFactory()
    _, body = _login(user)
    assert _authenticate(body["access"]) is not None
    cache.delete(auth_cache._generation_key(user.pk))  # evicted or expired

    with django_assert_num_queries(1):
        assert _authenticate(body["access"]) is not None
    with django_assert_num_queries(0):
        assert _authenticate(body["access"]) is not None


def test_cache_outage_falls_back_to_the_database(
    backend: str, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Callable[..., Any]
) -> None:
    user = UserFactory()
    client, _ = _login(user)
    assert client.get(f"{BASE}me/").status_code == 200
    backend_cache = auth_cache._backend()[0]  # type: ignore[index]

    def down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(backend_cache, "get_many", down)
    monkeypatch.setattr(backend_cache, "set", down)
    with django_assert_num_queries(1):
        assert _authenticate(str(AccessToken.for_user(user))) is not None
    user.status = UserStatus.BANNED
    user.save()  # the invalidation fails too: logged, not raised
    with pytest.raises(AuthenticationFailed, match="inactive"):
        _authenticate(str(AccessToken.for_user(user)))


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"sub": "not-a-uuid"}, "authentication_failed.user_not_found"),
        (
            {"sub": "00000000-0000-4000-8000-000000000001"},
            "authentication_failed.user_not_found",
        ),
        ({"sid": "not-a-uuid"}, "authentication_failed.token_not_valid"),
        ({"sid": "00000000-0000-4000-8000-000000000002"}, "authentication_failed.token_not_valid"),
    ],
)
def test_unknown_or_malformed_ids_are_refused(
    backend: str, claims: dict[str, str], code: str
) -> None:
    user = UserFactory()
    token = AccessToken.for_user(user)
    for claim, value in claims.items():
        token[claim] = value
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert _code(client.get(f"{BASE}me/")) == (401, code)
    assert _code(client.get(f"{BASE}me/")) == (401, code)  # refusals are not cached


def test_token_without_user_claim_is_refused(backend: str) -> None:
    token = AccessToken.for_user(UserFactory())
    del token["sub"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert _code(client.get(f"{BASE}me/")) == (401, "authentication_failed.token_not_valid")


class CountQueries:
    """Count the queries of a block (the test's own connection)."""

    def __enter__(self) -> CountQueries:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self._context = CaptureQueriesContext(connection)
        self._context.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)
        self.count = len(self._context.captured_queries)


# --- the database answer ----------------------------------------------------------------


@pytest.mark.parametrize("compiled", [True, False])
def test_database_answer(
    compiled: bool, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Callable[..., Any]
) -> None:
    """The precompiled statement and the ORM query give the same answers, in one query."""
    if not compiled:
        monkeypatch.setattr(auth_cache, "_statement", lambda alias, *, with_session: None)
    user = UserFactory(first_name="Anna", last_name="Ivanova", phone_number="+79161234567")
    other = UserFactory()
    _, body = _login(user)
    _, other_body = _login(other)
    sid, other_sid = _sid(body), _sid(other_body)

    with django_assert_num_queries(1):
        loaded = auth_cache._load(user.pk, sid)
    assert loaded is not None
    fresh = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
    assert isinstance(loaded.pk, type(fresh.pk))
    assert isinstance(loaded.date_joined, type(fresh.date_joined))
    assert loaded.is_staff is False
    assert loaded.get_deferred_fields() == set()
    assert auth_cache._load(user.pk, None) == fresh
    assert auth_cache._load(user.pk, other_sid) is None  # someone else's session
    assert auth_cache._load(other.pk, sid) is None
    assert auth_cache._load(uuid.uuid4(), None) is None

    session_revoke(actor=user, session=UserSession.objects.get(pk=sid))
    assert auth_cache._load(user.pk, sid) is None
    assert auth_cache._load(other.pk, other_sid) == other


def test_token_with_another_users_session_is_refused(backend: str) -> None:
    user, other = UserFactory(), UserFactory()
    _, other_body = _login(other)
    token = AccessToken.for_user(user)
    token["sid"] = _sid(other_body)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert _code(client.get(f"{BASE}me/")) == (401, "authentication_failed.token_not_valid")


# --- the validated-token LRU (`authentication._validated`) ------------------------------


def test_a_token_is_verified_once_per_process_and_expiry_still_counts() -> None:
    import jwt
    import time_machine

    from lifeline.accounts import authentication

    authentication._validated.cache_clear()
    user = UserFactory()
    token = AccessToken.for_user(user)
    with mock.patch.object(jwt, "decode", wraps=jwt.decode) as decode:
        for _ in range(3):
            assert _authenticate(str(token))[0] == user  # type: ignore[index]
        assert decode.call_count == 1

        # a token that differs by one character is verified on its own, and refused
        raw = str(token)
        tampered = raw[:-2] + ("A" if raw[-2] != "A" else "B") + raw[-1]
        with pytest.raises(InvalidToken):
            _authenticate(tampered)
        assert decode.call_count == 2

        # past its expiry the cached token is refused like any expired token
        with time_machine.travel(token["exp"] + 1, tick=False), pytest.raises(InvalidToken):
            _authenticate(raw)


def test_changing_the_jwt_settings_forgets_verified_tokens(settings: Any) -> None:
    from lifeline.accounts import authentication

    token = str(AccessToken.for_user(UserFactory()))
    assert _authenticate(token) is not None
    assert authentication._validated.cache_info().currsize >= 1
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5)}
    assert authentication._validated.cache_info().currsize == 0
    import jwt

    with mock.patch.object(jwt, "decode", wraps=jwt.decode) as decode:
        assert _authenticate(token) is not None  # verified again by the library
        assert decode.call_count == 1
