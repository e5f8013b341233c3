"""Alert rules evaluated from the database and sent to Telegram: one message when an
alert opens, reminders at the repeat interval, one «resolved»; rate-limited; the bot token
is never logged."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
import responses
from django.test import override_settings
from django.utils import timezone

from lifeline.fieldservice.enums import CallbackStatus, RequestStatus
from lifeline.fieldservice.models import Alert, AlertRule, Call, CallbackTask
from lifeline.fieldservice.services.alerts import alerts_evaluate
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

TOKEN = "123456:SECRET-token"
URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


@pytest.fixture(autouse=True)
def _telegram() -> Any:
    with override_settings(
        FIELDSERVICE_TELEGRAM_BOT_TOKEN=TOKEN,
        FIELDSERVICE_TELEGRAM_CHAT_ID="-100500",
        FIELDSERVICE_ALERT_REPEAT_MINUTES=60,
        FIELDSERVICE_ALERTS_MAX_PER_RUN=20,
        LANGUAGE_CODE="en",
    ):
        yield


def _overdue_callback(world: Any, *, minutes: int = 5) -> CallbackTask:
    call = Call.objects.create(organization=world.company, entry_id=f"e-{minutes}")
    return CallbackTask.objects.create(
        organization=world.company,
        call=call,
        city=world.moscow,
        phone="+79161234567",
        due_at=timezone.now() - timedelta(minutes=minutes),
    )


def _bodies(calls: Any) -> list[dict[str, Any]]:
    return [json.loads(call.request.body) for call in calls]


@responses.activate
def test_one_message_per_alert_a_reminder_and_one_resolved(world: Any) -> None:
    responses.add(responses.POST, URL, json={"ok": True})
    AlertRule.objects.create(organization=world.company, kind="callbacks_overdue")
    callback = _overdue_callback(world)
    now = timezone.now()
    assert alerts_evaluate(now=now) == 1
    assert [call.request.url for call in responses.calls] == [URL]
    text = f"Alert — {world.company.name}: missed calls not called back 0 min past the deadline: 1"
    assert _bodies(responses.calls) == [
        {"chat_id": "-100500", "text": text, "disable_web_page_preview": True}
    ]
    # The condition still holds: no spam until the repeat interval.
    assert alerts_evaluate(now=now + timedelta(minutes=5)) == 0
    assert alerts_evaluate(now=now + timedelta(minutes=61)) == 1
    assert Alert.objects.count() == 1
    # It clears: one «resolved», then silence.
    callback.status = CallbackStatus.TAKEN
    callback.save()
    assert alerts_evaluate(now=now + timedelta(minutes=62)) == 1
    resolved = (
        f"Resolved — {world.company.name}: missed calls not called back 0 min past the deadline"
    )
    assert _bodies(responses.calls)[-1]["text"] == resolved
    assert alerts_evaluate(now=now + timedelta(minutes=200)) == 0
    assert len(responses.calls) == 3
    alert = Alert.objects.get()
    assert alert.resolved_at == now + timedelta(minutes=62)


@responses.activate
def test_requests_stuck_in_a_status(world: Any) -> None:
    responses.add(responses.POST, URL, json={"ok": True})
    AlertRule.objects.create(
        organization=world.company, kind="requests_stuck", status="waiting", threshold_minutes=30
    )
    ServiceRequestFactory(city=world.moscow, status=RequestStatus.WAITING)
    now = timezone.now()
    assert alerts_evaluate(now=now) == 0  # not yet 30 minutes
    assert alerts_evaluate(now=now + timedelta(minutes=31)) == 1
    text = f"Alert — {world.company.name}: requests in «Waiting» for over 30 min: 1"
    assert _bodies(responses.calls)[0]["text"] == text


@responses.activate
def test_rate_limit_and_a_refusing_telegram_keep_messages_for_the_next_run(
    world: Any, caplog: Any
) -> None:
    AlertRule.objects.create(organization=world.company, kind="callbacks_overdue")
    AlertRule.objects.create(
        organization=world.company, kind="requests_stuck", status="new", threshold_minutes=0
    )
    _overdue_callback(world)
    ServiceRequestFactory(city=world.moscow)
    responses.add(responses.POST, URL, status=500)
    with caplog.at_level(logging.DEBUG):
        assert alerts_evaluate() == 0
    assert TOKEN not in caplog.text
    assert Alert.objects.filter(notified_at__isnull=True).count() == 2
    responses.replace(responses.POST, URL, json={"ok": True})
    with override_settings(FIELDSERVICE_ALERTS_MAX_PER_RUN=1):
        assert alerts_evaluate() == 1
        assert alerts_evaluate() == 1
        assert alerts_evaluate() == 0
    assert Alert.objects.filter(notified_at__isnull=True).count() == 0


def test_without_a_bot_nothing_is_sent_but_alerts_are_tracked(world: Any) -> None:
    AlertRule.objects.create(organization=world.company, kind="callbacks_overdue")
    _overdue_callback(world)
    with override_settings(FIELDSERVICE_TELEGRAM_BOT_TOKEN=""), responses.RequestsMock():
        assert alerts_evaluate() == 0
    assert Alert.objects.get().count == 1


BASE = "/api/v1/fieldservice/alert-rules/"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("operator", 403), ("master", 403), ("manager", 201), ("director", 201), ("anonymous", 401)],
)
def test_only_managers_configure_rules(world: Any, who: str, expected: int) -> None:
    user = None if who == "anonymous" else getattr(world, who)
    body = {"kind": "requests_stuck", "status": "waiting", "threshold_minutes": 120}
    response = client_for(user).post(BASE, body, format="json")
    assert response.status_code == expected
    if expected == 201:
        rule = AlertRule.objects.get()
        assert response.json() == {
            "id": rule.pk,
            "kind": "requests_stuck",
            "status": "waiting",
            "threshold_minutes": 120,
            "is_active": True,
        }
    else:
        assert AlertRule.objects.count() == 0


def test_another_company_gets_404_and_nothing_changes(world: Any) -> None:
    rule = AlertRule.objects.create(organization=world.company, kind="callbacks_overdue")
    response = client_for(world.other_director).patch(
        f"{BASE}{rule.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 404
    rule.refresh_from_db()
    assert rule.is_active is True
    assert client_for(world.other_director).get(BASE).json() == []
    response = client_for(world.manager).patch(
        f"{BASE}{rule.pk}/", {"is_active": False, "threshold_minutes": 10}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["threshold_minutes"]) == (False, 10)
