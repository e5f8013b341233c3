"""What a person reads on the ambulance pages is a translated label, never a stored code:
the call card's timeline (a call's source, a rejection's reason), the map's tooltips, and a
refused crew step."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lifeline.ambulance.enums import CallSource, CallStatus
from lifeline.ambulance.exceptions import CallStateConflict
from lifeline.ambulance.services.calls import (
    CallIntake,
    call_advance,
    call_assign,
    call_create,
    call_reject,
)
from lifeline.ambulance.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def _client(user: Any, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _timeline(body: str) -> list[str]:
    part = body[body.index('data-testid="call-timeline"') :]
    part = part[: part.index("</ol>")]
    return [line.split("</li>")[0].split(" · ", 1)[1] for line in part.split("<li>")[1:]]


def _intake_call(station: Any) -> Any:
    intake = CallIntake(
        reason="Chest pain", address="Nevsky 28", lat=59.93, lon=30.33, criticality="critical"
    )
    return call_create(actor=None, organization=station, intake=intake, source=CallSource.INTAKE)


@pytest.mark.parametrize(
    ("language", "step"),
    [("en", "New · Intake API"), ("ru", "Новый · API приёма вызовов")],
)
def test_the_timeline_of_an_intake_call_shows_the_source_label(
    station: Any, dispatcher: Any, language: str, step: str
) -> None:
    call = _intake_call(station)

    body = _client(dispatcher, language).get(f"/ambulance/calls/{call.pk}/").content.decode()

    assert _timeline(body) == [step]
    assert "· intake<" not in body


@pytest.mark.parametrize(
    ("language", "step", "reason"),
    [
        ("en", "Rejected · Duplicate", "Duplicate · duplicate of #"),
        ("ru", "Отклонён · Дубликат", "Дубликат · дубликат №"),
    ],
)
def test_a_rejected_call_shows_the_reason_label(
    station: Any, dispatcher: Any, language: str, step: str, reason: str
) -> None:
    original = CallFactory(organization=station)
    call = _intake_call(station)
    call_reject(actor=dispatcher, call=call, reason="duplicate", duplicate_of=original)

    body = _client(dispatcher, language).get(f"/ambulance/calls/{call.pk}/").content.decode()

    status, reason_label = step.split(" · ")
    rejected = _timeline(body)[1]  # status · who · reason
    assert (rejected.split(" · ")[0], rejected.split(" · ")[-1]) == (status, reason_label)
    assert f'data-testid="reject-reason">{reason}{original.number}</dd>' in body
    assert "· duplicate<" not in body


def test_the_map_tooltips_get_status_labels(station: Any, dispatcher: Any, team: Any) -> None:
    call = CallFactory(organization=station)
    call_assign(actor=dispatcher, call=call, team=team)

    body = _client(dispatcher, "ru").get("/ambulance/console/").content.decode()

    start = body.index('<script id="amb-map-data" type="application/json">')
    data = json.loads(body[body.index(">", start) + 1 : body.index("</script>", start)])
    assert [(c["status"], c["status_label"]) for c in data["calls"]] == [("ASSIGNED", "Назначен")]


def test_a_refused_crew_step_names_the_statuses_by_label(
    station: Any, dispatcher: Any, team: Any
) -> None:
    call = CallFactory(organization=station)
    call = call_assign(actor=dispatcher, call=call, team=team)

    with pytest.raises(CallStateConflict) as refused:
        call_advance(actor=team.lead, call=call, status=CallStatus.COMPLETED)

    assert str(refused.value.detail) == "From Assigned the call can go to: En route."
