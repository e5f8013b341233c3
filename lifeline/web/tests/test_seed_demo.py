from __future__ import annotations

import base64
import json
import re
import stat

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Membership, Organization
from lifeline.accounts.models import User
from lifeline.core import demo
from lifeline.web.management.commands.seed_demo import demo_email

pytestmark = pytest.mark.django_db

TWO_FACTOR_ROLES = {
    "doctor",
    "clinic_admin",
    "dispatcher",
    "sos_admin",
    "ambulance_admin",
    "director",
    "platform_admin",
}


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.LIFELINE_2FA_REQUIRED_ROLES = sorted(TWO_FACTOR_ROLES)
    return tmp_path


def core_emails() -> list[str]:
    # Module seeders (lifeline.web.demo) may add people of their own (ambulance crews).
    return [demo_email(role) for role in Role.values]


def seed() -> None:
    call_command("seed_demo", verbosity=0)


def credentials(var_dir) -> dict[str, dict]:
    data = json.loads((var_dir / "demo-credentials.json").read_text())
    return {account["role"]: account for account in data["accounts"]}


def test_creates_one_demo_organization_per_kind_and_one_account_per_role(var_dir):
    seed()

    orgs = {o.kind: o for o in Organization.objects.all()}
    assert set(orgs) == set(OrganizationKind.values)
    assert all(o.is_demo and o.name.startswith("Demo ") for o in orgs.values())
    users = User.objects.filter(email__in=core_emails())
    assert users.count() == len(Role.values)
    assert all(u.is_demo and u.email_verified_at is not None for u in users)
    roles = dict(Membership.objects.values_list("role", "organization__kind"))
    assert roles == {
        "patient": "clinic",
        "doctor": "clinic",
        "clinic_admin": "clinic",
        "device_owner": "sos_service",
        "helper": "sos_service",
        "sos_admin": "sos_service",
        "dispatcher": "ambulance_station",
        "crew": "ambulance_station",
        "ambulance_admin": "ambulance_station",
        "operator": "service_company",
        "master": "service_company",
        "manager": "service_company",
        "director": "service_company",
        "seller": "marketplace",
        "buyer": "marketplace",
        "freelancer": "marketplace",
        "moderator": "marketplace",
        "platform_admin": "platform",
    }
    assert User.objects.get(email="doctor@demo.lifeline.local").memberships.get().is_active


def test_credentials_file_lists_every_account_with_a_valid_password_mode_0600(var_dir):
    seed()

    path = var_dir / "demo-credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    accounts = credentials(var_dir)
    assert set(accounts) == set(Role.values)
    doctor = accounts["doctor"]
    assert doctor["login"] == "doctor@demo.lifeline.local"
    assert doctor["organization"] == "Demo clinic"
    assert accounts["clinic_admin"]["login"] == "clinic-admin@demo.lifeline.local"
    for role, account in accounts.items():
        user = User.objects.get(email=account["login"])
        assert user.check_password(account["password"]), role
        validate_password(account["password"], User(email=account["login"]))  # the policy
        assert ("totp_secret" in account) == (role in TWO_FACTOR_ROLES), role


def test_further_people_of_the_seeders_get_credentials_kept_across_runs(var_dir):
    seed()
    data = json.loads((var_dir / "demo-credentials.json").read_text())
    more = {a["login"]: a for a in data["more_accounts"]}

    second = more["dispatcher-2@demo.lifeline.local"]
    assert (second["role"], second["organization"], second["note"]) == (
        "dispatcher",
        "Demo ambulance station",
        "second dispatcher",
    )
    user = User.objects.get(email=second["login"])
    assert user.check_password(second["password"])
    assert user.email_verified_at is not None
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert second["totp_secret"] == base64.b32encode(device.bin_key).decode("ascii")
    assert credentials(var_dir)["dispatcher"]["login"] == "dispatcher@demo.lifeline.local"

    seed()

    again = json.loads((var_dir / "demo-credentials.json").read_text())["more_accounts"]
    assert {a["login"]: a for a in again} == more
    assert User.objects.get(email=second["login"]).check_password(second["password"])


def test_totp_secret_is_the_confirmed_device_key(var_dir):
    seed()

    secret = credentials(var_dir)["dispatcher"]["totp_secret"]
    user = User.objects.get(email="dispatcher@demo.lifeline.local")
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is True
    token = totp(base64.b32decode(secret), step=device.step, t0=device.t0, digits=device.digits)
    assert device.verify_token(f"{token:0{device.digits}d}") is True
    assert not TOTPDevice.objects.filter(user__email="patient@demo.lifeline.local").exists()


def test_running_again_changes_nothing_and_reuses_the_passwords(var_dir):
    seed()
    first = credentials(var_dir)
    hashes = dict(User.objects.values_list("email", "password"))

    seed()

    assert credentials(var_dir) == first
    assert dict(User.objects.values_list("email", "password")) == hashes
    assert Organization.objects.count() == len(OrganizationKind.values)
    assert Membership.objects.filter(user__email__in=core_emails()).count() == len(Role.values)
    assert TOTPDevice.objects.filter(user__email__in=core_emails()).count() == len(TWO_FACTOR_ROLES)


def test_a_lost_credentials_file_gets_new_passwords_that_work(var_dir):
    seed()
    old = credentials(var_dir)["buyer"]["password"]
    (var_dir / "demo-credentials.json").unlink()

    seed()

    new = credentials(var_dir)["buyer"]["password"]
    assert new != old
    assert User.objects.get(email="buyer@demo.lifeline.local").check_password(new)


def test_a_real_account_with_a_demo_address_is_left_alone(var_dir):
    from lifeline.accounts.tests.factories import UserFactory

    UserFactory(email="seller@demo.lifeline.local", is_demo=False)

    with pytest.raises(CommandError, match="real account"):
        seed()

    assert Organization.objects.count() == 0
    assert not (var_dir / "demo-credentials.json").exists()


def test_registered_seeders_run_with_the_core_demo_data(var_dir):
    seen: list[tuple[str, str]] = []

    def seeder(ctx: demo.DemoContext) -> None:
        seen.append((ctx.users[Role.CREW].email, ctx.organizations["ambulance_station"].name))

    demo.register(seeder)
    demo.register(seeder)
    try:
        seed()
    finally:
        demo.unregister(seeder)

    assert seen == [("crew@demo.lifeline.local", "Demo ambulance station")]
    assert seeder not in demo.seeders()


def test_prints_the_accounts_table(var_dir, capsys):
    call_command("seed_demo")

    out = capsys.readouterr().out
    password = credentials(var_dir)["moderator"]["password"]
    assert "Demo accounts" in out
    assert re.search(rf"moderator@demo\.lifeline\.local +{re.escape(password)} +-\n", out)
    assert str(var_dir / "demo-credentials.json") in out
