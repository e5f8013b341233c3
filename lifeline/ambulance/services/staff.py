"""The station's people: accounts of dispatchers, crew and administrators.

A station administrator opens an account (names, a login by e-mail or phone, one role) with a
one-time password shown to them once; the person must change it at first sign-in. Editing
changes names, logins and the role; deactivating never deletes: the person loses every role
at the station, leaves an active team (the team is dissolved, its car and other members are
free for a new one) and, holding no role anywhere else, can no longer sign in. A person whose
team has a call in progress is not deactivated (`StaffOnCall`), and a crew member in an
active team keeps the crew role (`StaffInActiveTeam`) until the team is dissolved.

Accounts are written through `accounts.services.managed`, roles through `access.services`;
nothing here touches a user row. Each write is audited (`ambulance.staff_*`) besides the
accounts/access events of its parts; a refusal stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lifeline.access.enums import Role
from lifeline.access.exceptions import AccessForbidden
from lifeline.access.services import (
    membership_grant,
    membership_grant_new_account,
    membership_revoke,
)
from lifeline.accounts.models import User
from lifeline.accounts.services.managed import (
    user_create_with_initial_password,
    user_deactivate,
    user_identity_update,
)
from lifeline.accounts.services.registration import Names
from lifeline.ambulance import permissions, selectors
from lifeline.ambulance.exceptions import StaffInactive, StaffInActiveTeam, StaffOnCall, StaffSelf
from lifeline.ambulance.services.teams import team_dissolve
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput

VIA = "ambulance.staff"
STAFF_ROLES = selectors.STAFF_ROLES


def _ensure_admin(actor: Any, station: Any) -> None:
    if not permissions.can_manage_staff(actor, station):
        raise AccessForbidden()


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise InvalidInput(errors={"role": [_("Choose dispatcher, crew or administrator.")]})


def _check_names(first_name: str, last_name: str) -> None:
    errors: dict[str, list[str]] = {}
    if not first_name.strip():
        errors["first_name"] = [_("Give the first name.")]
    if not last_name.strip():
        errors["last_name"] = [_("Give the surname.")]
    if errors:
        raise InvalidInput(errors=errors)


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    station: Any,
    role: str,
    first_name: str,
    last_name: str,
    middle_name: str = "",
    email: str | None = None,
    phone_number: str | None = None,
    language: str = "",
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Open an account at `station` in `role`; returns it with its one-time password."""
    _ensure_admin(actor, station)
    _check_role(role)
    _check_names(first_name, last_name)
    user, password = user_create_with_initial_password(
        actor=actor,
        email=email,
        phone_number=phone_number,
        names=Names(first_name=first_name, middle_name=middle_name, last_name=last_name),
        language=language,
        via=VIA,
    )
    membership_grant_new_account(
        actor=actor, organization=station, user=user, role=role, via=VIA, request=request
    )
    record(
        actor=actor,
        action="ambulance.staff_created",
        target=user,
        organization=station,
        request=request,
        after={
            "role": role,
            "email": user.email or "",
            "phone_number": str(user.phone_number or ""),
        },
    )
    return user, password


@transaction.atomic
def staff_update(
    *,
    actor: Any,
    station: Any,
    user: User,
    data: Mapping[str, Any],
    role: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Change names and logins in `data` and, with `role`, make it the person's only role."""
    _ensure_admin(actor, station)
    if "first_name" in data or "last_name" in data:
        _check_names(data.get("first_name", "-"), data.get("last_name", "-"))
    current = selectors.staff_active_roles(actor=actor, station=station, user=user)
    held = {m.role for m in current}
    if role is not None and held != {role}:
        _check_role(role)
        if not current or not user.is_active:
            raise StaffInactive()
        if user.pk == actor.pk:
            raise StaffSelf()
        if (
            Role.CREW in held
            and role != Role.CREW
            and selectors.staff_teams(user=user, station=station)
        ):
            raise StaffInActiveTeam(
                errors={"role": [_("Dissolve the person's team before changing the role.")]}
            )
        if role not in held:
            membership_grant(
                actor=actor, organization=station, user=user, role=role, request=request
            )
        for membership in current:
            if membership.role != role:
                membership_revoke(actor=actor, membership=membership, request=request)
    identity = {
        k: v
        for k, v in data.items()
        if k in {"first_name", "middle_name", "last_name", "email", "phone_number"}
    }
    if identity:
        user = user_identity_update(actor=actor, user=user, data=identity)
    if identity or (role is not None and held != {role}):
        record(
            actor=actor,
            action="ambulance.staff_updated",
            target=user,
            organization=station,
            request=request,
            before={"roles": sorted(held)},
            after={
                "roles": [role] if role is not None else sorted(held),
                "fields": sorted(identity),
            },
        )
    return user


@transaction.atomic
def staff_deactivate(
    *, actor: Any, station: Any, user: User, request: HttpRequest | None = None
) -> User:
    """Take every role at `station` from the person, dissolve their team, and close the
    account when they have no role anywhere else. Idempotent.

    Refused (nothing changes): the actor's own account (`StaffSelf`), a person whose team has
    a call in progress (`StaffOnCall`), the station's last administrator (`LastAdmin`).
    """
    _ensure_admin(actor, station)
    if user.pk == actor.pk:
        raise StaffSelf()
    teams = selectors.staff_teams(user=user, station=station)
    for team in teams:
        call = selectors.team_has_call_in_progress(team=team)
        if call is not None:
            raise StaffOnCall(
                _(
                    "%(person)s is on call №%(number)s with team %(team)s; deactivate the "
                    "account when the call is over."
                )
                % {"person": user.display_name, "number": call.number, "team": team.name}
            )
    for team in teams:
        team_dissolve(actor=actor, team=team)
    current = selectors.staff_active_roles(actor=actor, station=station, user=user)
    for membership in current:
        membership_revoke(actor=actor, membership=membership, request=request)
    closed = False
    if not selectors.staff_active_elsewhere(user=user, station=station):
        closed = user.is_active
        user = user_deactivate(actor=actor, user=user, via=VIA)
    if current or teams or closed:
        record(
            actor=actor,
            action="ambulance.staff_deactivated",
            target=user,
            organization=station,
            request=request,
            before={"roles": sorted(m.role for m in current)},
            after={"roles": []},
            metadata={
                "teams_dissolved": [str(t.pk) for t in teams],
                "account_closed": closed,
            },
        )
    return user
