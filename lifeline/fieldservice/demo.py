"""Demo data of the fieldservice module: a company with two cities, campaigns, staff
profiles for the demo operator, master, manager and director, and a request in every status."""

from __future__ import annotations

import json
import os
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any

from lifeline.access.enums import OrganizationKind, Role
from lifeline.core.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    from lifeline.fieldservice.enums import AlertKind, RequestStatus
    from lifeline.fieldservice.models import (
        AlertRule,
        Campaign,
        City,
        Direction,
        ServiceRequest,
        StaffProfile,
    )
    from lifeline.fieldservice.services.reference import company_defaults_ensure
    from lifeline.fieldservice.services.requests import _sync_income as income_sync
    from lifeline.fieldservice.services.requests import money_compute

    company = ctx.organizations.get(OrganizationKind.SERVICE_COMPANY)
    if company is None:
        return
    settings_row = company_defaults_ensure(organization_id=company.pk)
    moscow, _ = City.objects.get_or_create(organization=company, name="Москва")
    kazan, _ = City.objects.get_or_create(organization=company, name="Казань")
    repair, _ = Direction.objects.get_or_create(organization=company, name="Стиральные машины")
    Direction.objects.get_or_create(organization=company, name="Холодильники")
    campaign, _ = Campaign.objects.get_or_create(
        phone_number="+74950000001",
        defaults={"organization": company, "city": moscow, "name": "Авито Москва"},
    )
    Campaign.objects.get_or_create(
        phone_number="+78430000001",
        defaults={"organization": company, "city": kazan, "name": "Сайт Казань"},
    )
    extensions = {Role.OPERATOR: "101", Role.MANAGER: "201"}
    for role in (Role.OPERATOR, Role.MASTER, Role.MANAGER, Role.DIRECTOR):
        user = ctx.users.get(role)
        if user is None:
            continue
        profile, _ = StaffProfile.objects.get_or_create(
            organization=company,
            user=user,
            defaults={"extension": extensions.get(role, ""), "phone_number": "+79000000000"},
        )
        profile.cities.add(moscow, kazan) if role != Role.MASTER else profile.cities.add(moscow)
    master = ctx.users.get(Role.MASTER)
    for index, status in enumerate(RequestStatus.values):
        phone = f"+7916000{index:04d}"
        with_master = status not in (
            RequestStatus.NEW,
            RequestStatus.WAITING,
            RequestStatus.CALL_BACK,
            RequestStatus.NOT_ORDERED,
        )
        result = Decimal("5000.00") if status == RequestStatus.DONE else None
        net, handover = money_compute(
            result=result,
            expenses=Decimal("1000.00") if result else None,
            company_share=settings_row.company_share,
        )
        request, created = ServiceRequest.objects.get_or_create(
            organization=company,
            client_phone=phone,
            defaults={
                "city": moscow,
                "campaign": campaign,
                "direction": repair,
                "client_name": f"Клиент {index + 1}",
                "address": f"ул. Ленина, {index + 1}",  # the city is its own field
                "problem": "Не сливает воду",
                "status": status,
                "master": master if with_master else None,
                "result": result,
                "expenses": Decimal("1000.00") if result else None,
                "net_amount": net,
                "master_handover": handover,
                "ats_number": campaign.phone_number,
            },
        )
        if created and status == RequestStatus.DONE:
            # A «Готово» request has its income transaction, as the status service makes it.
            income_sync(request, actor=master)
    # Alert rules the sweep watches (the alerts page lists them; Telegram is off in the demo).
    AlertRule.objects.get_or_create(
        organization=company,
        kind=AlertKind.CALLBACKS_OVERDUE,
        status="",
        defaults={"threshold_minutes": 15},
    )
    AlertRule.objects.get_or_create(
        organization=company,
        kind=AlertKind.REQUESTS_STUCK,
        status=RequestStatus.NEW,
        defaults={"threshold_minutes": 60},
    )
    demo_mango_credentials()
    ctx.write(
        "fieldservice: company with 2 cities, 2 campaigns, a request in every status, 2 alert rules"
    )


def _write_private(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    tmp.replace(path)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def demo_mango_credentials() -> dict[str, str] | None:
    """Put the demo's Mango key and salt in `var/demo-credentials.json` under "mango", so a
    replay (`fieldservice_replay_mango`) can be signed. Without a configured pair the
    embedded demo server (`serve --demo`, one process) uses a random one kept in
    `var/demo-mango.json`, the same across restarts. Returns what was written."""
    from django.conf import settings

    from lifeline.fieldservice import conf

    var = Path(settings.VAR_DIR)
    key, salt = conf.mango_api_key(), conf.mango_api_salt()
    if not (key and salt):
        if os.environ.get("LIFELINE_EMBEDDED", "").lower() not in ("1", "true", "yes"):
            return None
        store = var / "demo-mango.json"
        pair = _read(store)
        if not (pair.get("api_key") and pair.get("api_salt")):
            pair = {"api_key": secrets.token_hex(16), "api_salt": secrets.token_hex(16)}
            var.mkdir(parents=True, exist_ok=True)
            _write_private(store, pair)
        key, salt = str(pair["api_key"]), str(pair["api_salt"])
        settings.FIELDSERVICE_MANGO_API_KEY = key
        settings.FIELDSERVICE_MANGO_API_SALT = salt
    mango = {
        "api_key": key,
        "api_salt": salt,
        "webhooks": "/api/v1/fieldservice/mango/",
        "replay": "lifeline manage fieldservice_replay_mango FILE --url http://127.0.0.1:8000",
    }
    path = var / "demo-credentials.json"
    data = _read(path)
    if data.get("mango") != mango:
        data["mango"] = mango
        var.mkdir(parents=True, exist_ok=True)
        _write_private(path, data)
    return mango
