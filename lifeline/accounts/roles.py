"""What the account rules ask about a user's roles, answered by `access` (registered in ready()).

Roles are memberships in organizations, owned by `access`, which sits above `accounts` in the
import layers (a membership refers to a user, never the other way round). Four account rules
depend on them: 2FA for the roles in LIFELINE_2FA_REQUIRED_ROLES, the idle timeout of
LIFELINE_CLINICAL_ROLES, the roles `/auth/me` reports, and who may unlock an account. They
ask here; `AccessConfig.ready()` registers the answers:

    register_role_lookups(
        roles_of=access.selectors.roles_of,
        has_any_role=access.selectors.user_has_any_role,
        can_unlock_accounts=access.permissions.can_unlock_accounts,
    )

Nothing registered is a configuration error, never "no roles": that would silently lift the
2FA requirement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class RolesOf(Protocol):
    def __call__(self, *, user: Any) -> set[str]: ...


class HasAnyRole(Protocol):
    def __call__(self, *, user: Any, roles: Iterable[str]) -> bool: ...


class Predicate(Protocol):
    def __call__(self, user: Any) -> bool: ...


@dataclass(frozen=True)
class _Lookups:
    roles_of: RolesOf
    has_any_role: HasAnyRole
    can_unlock_accounts: Predicate


_lookups: _Lookups | None = None


def register_role_lookups(
    *, roles_of: RolesOf, has_any_role: HasAnyRole, can_unlock_accounts: Predicate
) -> None:
    """Install the answers (the access app, once, in ready()); a second call replaces them."""
    global _lookups
    _lookups = _Lookups(
        roles_of=roles_of, has_any_role=has_any_role, can_unlock_accounts=can_unlock_accounts
    )


def _registered() -> _Lookups:
    if _lookups is None:
        raise ImproperlyConfigured(
            "No role lookups registered: lifeline.access must be in INSTALLED_APPS."
        )
    return _lookups


def user_roles(*, user: Any) -> list[str]:
    """The user's roles in active organizations, sorted."""
    return sorted(_registered().roles_of(user=user))


def user_has_any_role(*, user: Any, roles: Iterable[str]) -> bool:
    return _registered().has_any_role(user=user, roles=roles)


def can_unlock_accounts(user: Any) -> bool:
    return _registered().can_unlock_accounts(user)
