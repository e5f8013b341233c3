"""Create the demo data (run by `lifeline serve --demo` only; safe to run again).

One organization per organization kind and one account per role, all marked `is_demo`, then
every seeder registered in `lifeline.core.demo`. Passwords are generated on the first run and
kept in `var/demo-credentials.json` (mode 0600) with the TOTP secret of the roles that must
use 2FA, so people and scripts can sign in; later runs reuse them. `accounts` holds one account
per role; `more_accounts` the further people the seeders added (`DemoContext.add_person`: the
second dispatcher). Nothing is stored in the repository.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifeline.access.enums import ROLE_KIND, OrganizationKind, Role
from lifeline.access.models import Membership, Organization
from lifeline.accounts.models import User
from lifeline.accounts.services.passwords import password_generate
from lifeline.core.demo import DemoContext, DemoPerson, seeders

DEMO_EMAIL_DOMAIN = "demo.lifeline.local"
DEMO_TOTP_DEVICE_NAME = "Demo authenticator"
CREDENTIALS_FILE_NAME = "demo-credentials.json"


DEMO_ORGANIZATION_NAMES: dict[str, str] = {
    OrganizationKind.CLINIC: "Demo clinic",
    OrganizationKind.SOS_SERVICE: "Demo SOS service",
    OrganizationKind.AMBULANCE_STATION: "Demo ambulance station",
    OrganizationKind.SERVICE_COMPANY: "Demo service company",
    OrganizationKind.MARKETPLACE: "Demo marketplace",
    OrganizationKind.PLATFORM: "Demo platform",
}


def credentials_path() -> Path:
    return Path(settings.VAR_DIR) / CREDENTIALS_FILE_NAME


def demo_email(role: str) -> str:
    return f"{role.replace('_', '-')}@{DEMO_EMAIL_DOMAIN}"


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _load_credentials(path: Path) -> dict[str, dict[str, Any]]:
    data = _read_file(path)
    return {a["role"]: a for a in data.get("accounts", []) if isinstance(a, dict) and "role" in a}


def _load_more_credentials(path: Path) -> dict[str, dict[str, Any]]:
    """The further people's entries of an earlier run, by login."""
    data = _read_file(path)
    return {
        a["login"]: a for a in data.get("more_accounts", []) if isinstance(a, dict) and "login" in a
    }


def _write_credentials(
    path: Path, accounts: list[dict[str, Any]], more: list[dict[str, Any]] | None = None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keys the seeders added (fieldservice's "mango") stay.
    payload = _read_file(path)
    payload.update(
        {
            "note": "Demo accounts created by `lifeline serve --demo`. Demo data only.",
            "login_url": "/login/",
            "accounts": accounts,
        }
    )
    if more is not None:
        payload["more_accounts"] = more
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(payload, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    tmp.chmod(0o600)
    tmp.replace(path)


class Command(BaseCommand):
    help = "Create the demo organizations and accounts (only `lifeline serve --demo` runs it)."

    def handle(self, *args: Any, **options: Any) -> None:
        path = credentials_path()
        known = _load_credentials(path)
        known_more = _load_more_credentials(path)
        ctx = DemoContext(write=self.stdout.write)
        with transaction.atomic():
            for kind in OrganizationKind.values:
                ctx.organizations[kind] = self._organization(kind)
            accounts = [self._account(role, ctx, known.get(role)) for role in Role.values]
        _write_credentials(path, accounts)
        for seeder in seeders():
            with transaction.atomic():
                seeder(ctx)
        with transaction.atomic():
            more = [
                self._person(person, known_more.get(person.user.email)) for person in ctx.people
            ]
        _write_credentials(path, accounts, more)
        if options["verbosity"] > 0:
            self._print_table(accounts + more, path)

    def _organization(self, kind: str) -> Organization:
        org, _ = Organization.objects.get_or_create(
            slug=f"demo-{kind.replace('_', '-')}",
            defaults={"name": DEMO_ORGANIZATION_NAMES[kind], "kind": kind, "is_demo": True},
        )
        if not org.is_demo:
            raise CommandError(f"Organization {org.slug!r} exists and is not demo data.")
        return org

    def _account(self, role: str, ctx: DemoContext, known: dict[str, Any] | None) -> dict[str, Any]:
        email = demo_email(role)
        org = ctx.organizations[ROLE_KIND[role]]
        now = timezone.now()
        user = User.objects.filter(email=email).first()
        if user is not None and not user.is_demo:
            raise CommandError(f"{email} belongs to a real account; refusing to touch it.")
        password = (known or {}).get("password") or ""
        if user is None or not known or not password:
            is_admin = role == Role.PLATFORM_ADMIN
            if user is None:
                user = User(
                    email=email,
                    full_name=f"Demo {Role(role).label}",
                    is_demo=True,
                    is_staff=is_admin,
                    is_superuser=is_admin,
                    email_verified_at=now,
                )
            password = password or self._new_password(user)
            user.set_password(password)
            user.password_changed_at = now
            user.save()
        Membership.objects.get_or_create(
            user=user,
            organization=org,
            role=role,
            defaults={"is_active": True, "approved_at": now},
        )
        ctx.users[role] = user
        entry: dict[str, Any] = {
            "role": role,
            "organization": org.name,
            "organization_kind": org.kind,
            "login": email,
            "password": password,
        }
        if role in settings.LIFELINE_2FA_REQUIRED_ROLES:
            entry["totp_secret"] = self._totp_secret(user, (known or {}).get("totp_secret"))
        return entry

    def _person(self, person: DemoPerson, known: dict[str, Any] | None) -> dict[str, Any]:
        """Credentials for a further demo person a seeder added (reused on later runs)."""
        user: User = person.user
        if not user.is_demo or not user.email:
            raise CommandError(f"{user.pk} is not a demo account with an e-mail; refusing.")
        password = (known or {}).get("password") or ""
        changed = []
        if not password or not user.check_password(password):
            password = password or self._new_password(user)
            user.set_password(password)
            user.password_changed_at = timezone.now()
            changed += ["password", "password_changed_at"]
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            changed.append("email_verified_at")
        if changed:
            user.save(update_fields=[*changed, "updated_at"])
        entry: dict[str, Any] = {
            "role": person.role,
            "organization": person.organization.name,
            "organization_kind": person.organization.kind,
            "login": user.email,
            "password": password,
        }
        if person.note:
            entry["note"] = person.note
        if person.role in settings.LIFELINE_2FA_REQUIRED_ROLES:
            entry["totp_secret"] = self._totp_secret(user, (known or {}).get("totp_secret"))
        return entry

    def _new_password(self, user: User) -> str:
        try:
            return password_generate(user=user, length=18)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc

    def _totp_secret(self, user: User, known_secret: str | None) -> str:
        device = TOTPDevice.objects.filter(user=user, name=DEMO_TOTP_DEVICE_NAME).first()
        if device is None:
            device = TOTPDevice(user=user, name=DEMO_TOTP_DEVICE_NAME, confirmed=True)
            if known_secret:
                device.key = base64.b32decode(known_secret).hex()
            device.save()
        return base64.b32encode(device.bin_key).decode("ascii")

    def _print_table(self, accounts: list[dict[str, Any]], path: Path) -> None:
        headers = ("role", "organization", "login", "password", "2FA (TOTP secret)")
        rows = [
            (a["role"], a["organization"], a["login"], a["password"], a.get("totp_secret", "-"))
            for a in accounts
        ]
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write(f"Demo accounts (demo data only; also in {path}):")
        self.stdout.write(line(headers))
        self.stdout.write(line(tuple("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line(row))
