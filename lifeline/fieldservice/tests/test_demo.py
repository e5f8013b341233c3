from __future__ import annotations

from typing import Any

import pytest

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import user_with_role
from lifeline.core.demo import DemoContext
from lifeline.fieldservice.demo import seed
from lifeline.fieldservice.models import Campaign, City, ServiceRequest
from lifeline.fieldservice.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_demo_has_two_cities_campaigns_staff_and_a_request_in_every_status() -> None:
    company = CompanyFactory()
    users = {
        role: user_with_role(role, company)
        for role in (Role.OPERATOR, Role.MASTER, Role.MANAGER, Role.DIRECTOR)
    }
    ctx = DemoContext(
        organizations={OrganizationKind.SERVICE_COMPANY: company}, users=users, write=lambda _: None
    )
    seed(ctx)
    seed(ctx)  # idempotent
    assert sorted(City.objects.values_list("name", flat=True)) == ["Казань", "Москва"]
    assert Campaign.objects.count() == 2
    statuses = sorted(ServiceRequest.objects.values_list("status", flat=True))
    assert len(statuses) == 12
    assert len(set(statuses)) == 12
    # The «Готово» request has its one income transaction (the handover), as the status
    # service would have made it; the two seed runs did not make two.
    from decimal import Decimal

    from lifeline.fieldservice.enums import RequestStatus
    from lifeline.fieldservice.models import Transaction

    done = ServiceRequest.objects.get(status=RequestStatus.DONE)
    assert list(Transaction.objects.values_list("request_id", "amount", "master_id")) == [
        (done.pk, done.master_handover, users[Role.MASTER].pk)
    ]
    assert done.master_handover is not None
    assert done.master_handover > Decimal("0")
    from lifeline.fieldservice.models import AlertRule

    assert sorted(AlertRule.objects.values_list("kind", "status", "threshold_minutes")) == [
        ("callbacks_overdue", "", 15),
        ("requests_stuck", "new", 60),
    ]


def test_demo_credentials_carry_the_mango_key_and_salt(tmp_path: Any) -> None:
    import json

    from django.test import override_settings

    from lifeline.fieldservice.demo import demo_mango_credentials

    path = tmp_path / "demo-credentials.json"
    path.write_text(json.dumps({"accounts": [{"role": "operator"}]}))
    with override_settings(
        VAR_DIR=str(tmp_path), FIELDSERVICE_MANGO_API_KEY="k1", FIELDSERVICE_MANGO_API_SALT="s1"
    ):
        demo_mango_credentials()
    data = json.loads(path.read_text())
    assert data["accounts"] == [{"role": "operator"}]
    assert (data["mango"]["api_key"], data["mango"]["api_salt"]) == ("k1", "s1")
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_the_embedded_demo_gets_a_stable_random_pair(tmp_path: Any, monkeypatch: Any) -> None:
    import json

    from django.conf import settings
    from django.test import override_settings

    from lifeline.fieldservice.demo import demo_mango_credentials

    monkeypatch.setenv("LIFELINE_EMBEDDED", "true")
    with override_settings(
        VAR_DIR=str(tmp_path), FIELDSERVICE_MANGO_API_KEY="", FIELDSERVICE_MANGO_API_SALT=""
    ):
        first = demo_mango_credentials()
        assert first is not None
        assert first["api_key"] == settings.FIELDSERVICE_MANGO_API_KEY
        settings.FIELDSERVICE_MANGO_API_KEY = ""
        settings.FIELDSERVICE_MANGO_API_SALT = ""
        assert demo_mango_credentials() == first  # the same after a restart
    data = json.loads((tmp_path / "demo-credentials.json").read_text())
    assert data["mango"]["api_key"] == first["api_key"]
    assert len(first["api_key"]) == 32
    monkeypatch.delenv("LIFELINE_EMBEDDED")
    with override_settings(
        VAR_DIR=str(tmp_path / "x"), FIELDSERVICE_MANGO_API_KEY="", FIELDSERVICE_MANGO_API_SALT=""
    ):
        assert demo_mango_credentials() is None  # tests and production: nothing invented
