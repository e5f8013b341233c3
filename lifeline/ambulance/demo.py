"""Demo data for `serve --demo`: a station with an admin, two dispatchers, four teams of three
on their cars (and a spare car), and a few calls (issue 16, "Done when").

The demo crew account (`crew@…`, in var/demo-credentials.json) leads team 1; the second
dispatcher (`dispatcher-2@…`) is in the same file under `more_accounts` (with its TOTP
secret). The other crew members are demo accounts without a usable password: teams 2-4 are
the demo tick's "robot" teams (a team whose senior has no usable password is driven by it).
Idempotent: stable keys everywhere, and a missing team is added to an older demo.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Membership
from lifeline.accounts.models import User
from lifeline.ambulance.enums import CallSource, Criticality, EquipmentClass, Sex
from lifeline.ambulance.models import Call, Car, Team
from lifeline.ambulance.services.calls import CallIntake, call_create
from lifeline.ambulance.services.cars import car_create
from lifeline.ambulance.services.teams import team_create
from lifeline.core.demo import DemoContext

# Around the centre of Saint Petersburg (the reference's city), nothing hard-coded elsewhere.
CENTRE = (59.9343, 30.3351)

TEAMS = 4
# One car per team, then a spare (free for the "Form a team" form).
CARS = [
    ("А101ВС78", "ГАЗель Next", EquipmentClass.B),
    ("В202МН78", "Ford Transit", EquipmentClass.C),
    ("Е303ОР78", "ГАЗель Next", EquipmentClass.B),
    ("К404МР78", "Mercedes-Benz Sprinter", EquipmentClass.C),
    ("Н505ТУ78", "ГАЗель Next", EquipmentClass.A),
]
# Where each team stands at the start (offsets from the centre, degrees).
TEAM_POSITIONS = [(0.01, 0.0), (0.02, -0.015), (-0.012, 0.02), (-0.018, -0.025)]

CALLS = [
    ("Боль в груди, 58 лет", "Невский пр., 28", 0.004, 0.006, Criticality.CRITICAL, "10-D-1", 14),
    ("Падение с высоты роста", "ул. Рубинштейна, 7", -0.006, 0.01, Criticality.IMPORTANT, "", 9),
    ("Высокая температура", "Литейный пр., 40", 0.012, 0.012, Criticality.COMMON, "", 22),
    ("Без сознания на улице", "Садовая ул., 12", -0.003, -0.004, Criticality.CRITICAL, "31-D-2", 4),
]


def _demo_person(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, is_demo=True, language="ru")
        user.set_unusable_password()
        user.save()
    return user


def _crew_member(n: int) -> User:
    return _demo_person(f"crew-{n}@demo.lifeline.local", f"Фельдшер {n}")


def _member_of(user: User, station: object, role: str) -> None:
    Membership.objects.get_or_create(
        user=user,
        organization=station,
        role=role,
        defaults={"is_active": True, "approved_at": timezone.now()},
    )


def seed(ctx: DemoContext) -> None:
    station = ctx.organizations.get(OrganizationKind.AMBULANCE_STATION)
    admin = ctx.users.get(Role.AMBULANCE_ADMIN)
    dispatcher = ctx.users.get(Role.DISPATCHER)
    crew_user = ctx.users.get(Role.CREW)
    if station is None or admin is None or dispatcher is None or crew_user is None:
        return
    keep_demo_moving()
    second = _demo_person("dispatcher-2@demo.lifeline.local", "Диспетчер 2")
    _member_of(second, station, Role.DISPATCHER)
    ctx.add_person(
        user=second, role=Role.DISPATCHER, organization=station, note="second dispatcher"
    )
    cars = {c.plate: c for c in Car.objects.filter(organization=station, deleted_at__isnull=True)}
    for plate, model, equipment in CARS:
        if plate not in cars:
            cars[plate] = car_create(
                actor=admin,
                organization=station,
                plate=plate,
                model=model,
                equipment_class=equipment,
            )
    crews = [crew_user] + [_crew_member(n) for n in range(2, TEAMS * 3 + 1)]
    for user in crews:
        _member_of(user, station, Role.CREW)
    plates = [plate for plate, _model, _eq in CARS]
    existing = set(
        Team.objects.filter(organization=station, dissolved_at__isnull=True).values_list(
            "name", flat=True
        )
    )
    for index in range(TEAMS):
        name = f"Бригада {index + 1}"
        if name in existing:
            continue
        members = crews[index * 3 : index * 3 + 3]
        team = team_create(
            actor=admin,
            organization=station,
            name=name,
            car=cars[plates[index]],
            member_ids=[m.pk for m in members],
            lead_id=members[0].pk,
            on_shift=True,
        )
        dlat, dlon = TEAM_POSITIONS[index]
        Team.objects.filter(pk=team.pk).update(
            lat=CENTRE[0] + dlat, lon=CENTRE[1] + dlon, position_at=timezone.now()
        )
    if not Call.objects.filter(organization=station).exists():
        now = timezone.now()
        for reason, address, dlat, dlon, criticality, code, minutes in CALLS:
            call_create(
                actor=dispatcher,
                organization=station,
                source=CallSource.DISPATCHER,
                received_at=now - timedelta(minutes=minutes),
                intake=CallIntake(
                    reason=reason,
                    address=f"Санкт-Петербург, {address}",
                    lat=CENTRE[0] + dlat,
                    lon=CENTRE[1] + dlon,
                    criticality=criticality,
                    determinant_code=code,
                    caller_phone="+79110000000",
                    patient_sex=Sex.UNKNOWN,
                ),
            )
    ctx.write(
        f"ambulance: station with 2 dispatchers, {len(CARS)} cars, {TEAMS} teams"
        f" and {len(CALLS)} calls"
    )


# The console should be alive on first look: while `serve --demo` runs, its embedded beat runs
# `ambulance.demo_tick` (simulate.demo_tick) every few seconds. The entry is added here, in the
# process that seeds the demo (only `serve --demo` runs `seed_demo`, before it starts the
# beat), so no production beat has it, as with the SOS demo helper's location.
DEMO_TICK_ENTRY = "ambulance.demo_tick"


def keep_demo_moving() -> None:
    """Add the demo movement to this process's beat schedule."""
    from celery import current_app

    from lifeline.ambulance import conf

    seconds = float(conf.get("DEMO_SIMULATION")["TICK_SECONDS"])
    current_app.conf.beat_schedule[DEMO_TICK_ENTRY] = {
        "task": "ambulance.demo_tick",
        "schedule": seconds,
        "options": {"expires": seconds},
    }
