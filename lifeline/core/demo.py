"""Demo data: a registry that each module adds its own demo content to.

`lifeline serve --demo` (and only it) runs `manage.py seed_demo`, which creates one demo
organization per organization kind and one demo account per role, then calls every seeder
registered here with a `DemoContext`. The registry lives in `core` (every module may import it;
`web` only runs it). A module registers from its AppConfig.ready():

    class SosConfig(AppConfig):
        def ready(self) -> None:
            from lifeline.sos.demo import seed
            from lifeline.core.demo import register

            register(seed)

    # lifeline/sos/demo.py
    def seed(ctx: DemoContext) -> None:
        owner = ctx.users[Role.DEVICE_OWNER]
        Device.objects.get_or_create(owner=owner, serial="DEMO-0001", defaults={...})

Seeders must be idempotent (`get_or_create` on a stable key: the command runs at every
`serve --demo`) and must mark what they create as demo data where the model can say so.
Each seeder runs in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DemoPerson:
    """A further demo account a seeder wants people to sign in as (a second dispatcher)."""

    user: Any
    role: str
    organization: Any
    note: str = ""


@dataclass
class DemoContext:
    """What the core demo data created: organizations by kind and users by role.

    The values are `access.Organization` and `accounts.User` rows, typed `Any` because
    `core` imports no other app. `people`: further accounts the seeders add with
    `add_person`; after every seeder ran, `seed_demo` gives each a password (and a TOTP
    secret where the role needs 2FA) and lists it in `var/demo-credentials.json` under
    `more_accounts` (`accounts` keeps exactly one account per role).
    """

    organizations: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    write: Callable[[str], Any] = print
    people: list[DemoPerson] = field(default_factory=list)

    def add_person(self, *, user: Any, role: str, organization: Any, note: str = "") -> None:
        """Give `user` (a demo account holding `role` in `organization`) credentials."""
        if all(p.user.pk != user.pk for p in self.people):
            self.people.append(DemoPerson(user, role, organization, note))


DemoSeeder = Callable[[DemoContext], None]

_seeders: list[DemoSeeder] = []


def register(seeder: DemoSeeder) -> DemoSeeder:
    """Add a seeder (usable as a decorator). Registering the same function twice is a no-op."""
    if seeder not in _seeders:
        _seeders.append(seeder)
    return seeder


def unregister(seeder: DemoSeeder) -> None:
    if seeder in _seeders:
        _seeders.remove(seeder)


def seeders() -> tuple[DemoSeeder, ...]:
    return tuple(_seeders)
