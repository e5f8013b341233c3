"""Role x endpoint permission matrices for API tests of every module.

    cases = [
        Case("anonymous", "get", url, 401),
        Case(Role.DOCTOR, "get", url, 403),
        Case(Role.CLINIC_ADMIN, "get", url, 200),
        Case("other:clinic_admin", "get", url, 404),
        Case(Role.PLATFORM_ADMIN, "get", url, 200),
    ]
    assert_permission_matrix(cases, organization=clinic)

Actors: "anonymous"; "no_role" (signed in, no membership); a role value (a new user with
that role in `organization`); "other:<role>" (the role in another organization of the same
kind); `platform_admin` is always a member of a platform organization; or any key of
`actors`, a mapping of name -> callable returning a user. Each case runs in a savepoint
that is rolled back, so a successful POST does not change what later cases see. All
mismatches are reported together as one table. Needs database access (django_db).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Organization
from lifeline.access.tests.factories import OrganizationFactory, UserFactory, user_with_role

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
OTHER_PREFIX = "other:"


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Case:
    actor: str
    method: str
    url: str | Callable[[Any], str]
    expected_status: int
    body: Mapping[str, Any] | None = None


def _build_actor(
    actor: str,
    organization: Organization | None,
    actors: Mapping[str, Callable[[], Any]],
) -> Any:
    if actor in actors:
        return actors[actor]()
    if actor == ANONYMOUS:
        return None
    if actor == NO_ROLE:
        return UserFactory()
    if actor.startswith(OTHER_PREFIX):
        role = actor.removeprefix(OTHER_PREFIX)
        kind = organization.kind if organization is not None else OrganizationKind.CLINIC
        return user_with_role(role, cast(Organization, OrganizationFactory(kind=kind)))
    if actor not in Role.values:
        raise ValueError(f"Unknown matrix actor {actor!r}")
    if actor == Role.PLATFORM_ADMIN or organization is None:
        return user_with_role(actor)
    return user_with_role(actor, organization)


def run_permission_matrix(
    cases: Sequence[Case],
    *,
    organization: Organization | None = None,
    actors: Mapping[str, Callable[[], Any]] | None = None,
    client_factory: Callable[[], APIClient] = APIClient,
) -> list[tuple[Case, int, str]]:
    """Run every case; return (case, status, problem code) for each one."""
    outcomes: list[tuple[Case, int, str]] = []
    for case in cases:
        try:
            with transaction.atomic():
                user = _build_actor(case.actor, organization, actors or {})
                client = client_factory()
                if user is not None:
                    client.force_authenticate(user=user)
                url = case.url(user) if callable(case.url) else case.url
                send = getattr(client, case.method.lower())
                response = send(url, data=dict(case.body or {}), format="json")
                code = ""
                if response.get("Content-Type", "").startswith("application/problem+json"):
                    code = str(response.json().get("code", ""))
                outcomes.append((case, response.status_code, code))
                raise _Rollback
        except _Rollback:
            pass
    return outcomes


def assert_permission_matrix(
    cases: Sequence[Case],
    *,
    organization: Organization | None = None,
    actors: Mapping[str, Callable[[], Any]] | None = None,
    client_factory: Callable[[], APIClient] = APIClient,
) -> None:
    """Fail with one table listing every case whose status differs from the expected one."""
    outcomes = run_permission_matrix(
        cases, organization=organization, actors=actors, client_factory=client_factory
    )
    mismatches = [
        (case, status, code) for case, status, code in outcomes if status != case.expected_status
    ]
    if not mismatches:
        return
    rows = [("actor", "method", "url", "expected", "got", "code")]
    for case, status, code in mismatches:
        url = case.url if isinstance(case.url, str) else getattr(case.url, "__name__", "<url>")
        rows.append(
            (case.actor, case.method.upper(), url, str(case.expected_status), str(status), code)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    table = "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    )
    raise AssertionError(f"{len(mismatches)} of {len(outcomes)} permission cases differ:\n{table}")
