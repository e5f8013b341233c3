"""The declared flow sos -> ambulance: an escalated SOS becomes a call of the linked station."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from unittest.mock import patch

import pytest
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.models import Call
from lifeline.ambulance.services.calls import (
    call_advance,
    call_assign,
    call_cancel,
    call_reject,
    call_report_trouble,
)
from lifeline.ambulance.tests.factories import SosLinkFactory, TeamFactory
from lifeline.sos import events as sos_events
from lifeline.sos.models import SosEvent
from lifeline.sos.services.escalation import event_escalate
from lifeline.sos.services.flows import event_hand_over_to_dispatch
from lifeline.sos.services.timeline import timeline_add
from lifeline.sos.tests.factories import SosEventFactory, WearerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(device: Any) -> SosEvent:
    return SosEventFactory(device=device)


def test_hand_over_without_a_linked_station_creates_no_call(event: SosEvent) -> None:
    event_hand_over_to_dispatch(event=event)

    assert Call.objects.count() == 0


def test_hand_over_makes_one_critical_call_of_the_linked_station(event: SosEvent) -> None:
    link = SosLinkFactory(sos_service=event.organization)

    event_hand_over_to_dispatch(event=event)
    event_hand_over_to_dispatch(event=event)  # a re-run of the sweep: still one call

    call = Call.objects.get()
    assert (call.organization_id, call.criticality, call.source, call.sos_event_id) == (
        link.station_id,
        "critical",
        "sos",
        event.pk,
    )
    assert (call.lat, call.lon, call.received_at) == (event.lat, event.lon, event.created_at)


def test_hand_over_twice_writes_one_dispatch_entry(event: SosEvent) -> None:
    SosLinkFactory(sos_service=event.organization)

    event_hand_over_to_dispatch(event=event)
    event_hand_over_to_dispatch(event=event)

    call = Call.objects.get()
    entries = list(event.timeline.values_list("kind", "data"))
    assert entries == [("dispatch_call", {"call_id": str(call.pk), "call_number": call.number})]


@pytest.mark.parametrize("profile", [False, True], ids=["no profile", "empty profile"])
def test_without_a_birth_date_or_notes_the_call_has_none(event: SosEvent, profile: bool) -> None:
    SosLinkFactory(sos_service=event.organization)
    event.user.first_name, event.user.last_name = "Анна", "Петрова"
    event.user.save()
    if profile:
        WearerProfileFactory(user=event.user)

    event_hand_over_to_dispatch(event=event)

    call = Call.objects.get()
    # Nothing on the wearer's profile: no age, birth date or notes are invented.
    assert (call.patient_name, call.caller_phone, call.patient_age, call.patient_birth_date) == (
        event.user.composed_full_name,
        "+998901234567",
        None,
        None,
    )
    assert call.notes == "Fall detected · 4"


def _at(event: SosEvent, moment: datetime) -> SosEvent:
    SosEvent.objects.filter(pk=event.pk).update(created_at=moment)
    return SosEvent.objects.select_related("user").get(pk=event.pk)


@pytest.mark.parametrize(
    ("moment", "age"),
    [
        (datetime(2026, 6, 14, 23, 59, tzinfo=UTC), 75),  # the day before the 76th birthday
        (datetime(2026, 6, 15, 0, 1, tzinfo=UTC), 76),  # the birthday itself
    ],
)
def test_the_call_gets_the_age_at_the_event_and_the_emergency_notes(
    event: SosEvent, moment: datetime, age: int
) -> None:
    from lifeline.audit.models import AuditEvent

    SosLinkFactory(sos_service=event.organization)
    profile = WearerProfileFactory(
        user=event.user,
        birth_date=date(1950, 6, 15),
        emergency_notes="Type 1 diabetes. Allergic to penicillin.",
    )

    event_hand_over_to_dispatch(event=_at(event, moment))

    call = Call.objects.get()
    assert (call.patient_age, call.patient_birth_date) == (age, date(1950, 6, 15))
    assert call.notes == (
        "Emergency notes: Type 1 diabetes. Allergic to penicillin.\nFall detected · 4"
    )
    # Health data left the SOS module: the read is audited (by the system, for this call).
    read = AuditEvent.objects.get(action="sos.wearerprofile_viewed")
    assert (read.target_id, read.actor_id, read.organization_id) == (
        str(profile.pk),
        "",
        str(event.organization_id),
    )
    assert read.metadata == {
        "event_id": str(event.pk),
        "call_id": str(call.pk),
        "reason": "sos.hand_over_to_dispatch",
    }


def test_both_cards_show_the_wearers_age_and_notes(event: SosEvent) -> None:
    station = SosLinkFactory(sos_service=event.organization).station
    WearerProfileFactory(
        user=event.user, birth_date=date(1950, 6, 15), emergency_notes="Pacemaker. Warfarin."
    )
    event_hand_over_to_dispatch(event=_at(event, datetime(2026, 7, 1, 12, tzinfo=UTC)))
    call = Call.objects.get()
    team = TeamFactory(organization=station)
    dispatcher = user_with_role(Role.DISPATCHER, station)
    call_assign(actor=dispatcher, call=call, team=team)
    pages = []
    for user, url in (
        (dispatcher, f"/ambulance/calls/{call.pk}/"),
        (team.lead, "/ambulance/crew/"),
    ):
        client = Client(HTTP_ACCEPT_LANGUAGE="ru")
        client.force_login(user)
        pages.append(client.get(url).content.decode())

    for page in pages:
        assert " · 76 лет" in page
        # Written at the hand-over, in the language active then (the tests run in English).
        assert "<dd>Emergency notes: Pacemaker. Warfarin.<br>" in page


@pytest.fixture
def handed_over(event: SosEvent) -> tuple[SosEvent, Call, Any]:
    link = SosLinkFactory(sos_service=event.organization)
    timeline_add(event, "helpers_alerted", data={"count": 3, "radius_m": 500})
    event_escalate(event_id=event.pk)
    return SosEvent.objects.get(pk=event.pk), Call.objects.get(), link.station


def _dispatch_entries(event: SosEvent) -> list[tuple[str, dict[str, Any]]]:
    return [
        (kind, data)
        for kind, data in event.timeline.values_list("kind", "data")
        if kind.startswith("dispatch_")
    ]


def test_assignment_and_completion_are_written_to_the_sos_timeline(
    handed_over: tuple[SosEvent, Call, Any],
) -> None:
    event, call, station = handed_over
    team = TeamFactory(organization=station, name="Бригада 7")
    dispatcher = user_with_role(Role.DISPATCHER, station)

    call_assign(actor=dispatcher, call=call, team=team)
    for step in ("EN_ROUTE", "ON_SCENE", "COMPLETED"):
        call_advance(actor=team.lead, call=call, status=step)

    ids = {"call_id": str(call.pk), "call_number": call.number}
    assert _dispatch_entries(event) == [
        ("dispatch_call", ids),
        ("dispatch_assigned", {**ids, "team": "Бригада 7"}),
        ("dispatch_completed", {**ids, "team": "Бригада 7"}),
    ]
    call.refresh_from_db()
    assert event.timeline.get(kind="dispatch_assigned").at == call.assigned_at
    assert event.timeline.get(kind="dispatch_completed").at == call.completed_at
    event.refresh_from_db()
    assert event.status == "ESCALATED"  # the SOS service closes its event itself


def test_rejection_is_written_to_the_sos_timeline(
    handed_over: tuple[SosEvent, Call, Any],
) -> None:
    event, call, station = handed_over

    call_reject(actor=user_with_role(Role.DISPATCHER, station), call=call, reason="false_call")

    assert [kind for kind, _ in _dispatch_entries(event)] == ["dispatch_call", "dispatch_rejected"]


def test_cancellation_and_trouble_are_written_to_the_sos_timeline(
    handed_over: tuple[SosEvent, Call, Any],
) -> None:
    event, call, station = handed_over
    team = TeamFactory(organization=station, name="Бригада 2")
    dispatcher = user_with_role(Role.DISPATCHER, station)
    call_assign(actor=dispatcher, call=call, team=team)
    call_report_trouble(actor=team.lead, call=call, kind="crew")

    call_cancel(actor=dispatcher, call=call, note="Taken by a private ambulance")

    assert [kind for kind, _ in _dispatch_entries(event)] == [
        "dispatch_call",
        "dispatch_assigned",
        "dispatch_requeued",
        "dispatch_cancelled",
    ]


def test_a_call_step_publishes_to_the_sos_events_audience(
    handed_over: tuple[SosEvent, Call, Any], django_capture_on_commit_callbacks: Any
) -> None:
    event, call, station = handed_over
    sent: list[tuple[str, list[str]]] = []
    with patch(
        "lifeline.sos.services.events.publish_on_commit",
        lambda ev, groups: sent.append((ev.type, groups)),
    ):
        call_assign(
            actor=user_with_role(Role.DISPATCHER, station),
            call=call,
            team=TeamFactory(organization=station),
        )

    assert sent == [("sos.event_dispatched", sos_events.audience(event))]


def test_the_wearers_pages_say_what_the_ambulance_does(
    handed_over: tuple[SosEvent, Call, Any],
) -> None:
    event, call, station = handed_over
    call_assign(
        actor=user_with_role(Role.DISPATCHER, station),
        call=call,
        team=TeamFactory(organization=station, name="Бригада 3"),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(event.user)

    home = client.get("/sos/").content.decode()
    page = client.get(f"/sos/events/{event.pk}/").content.decode()

    assert "· Назначена бригада скорой помощи: Бригада 3</span>" in home
    assert f"Назначена бригада скорой помощи · вызов №{call.number} · Бригада 3</li>" in page


def test_the_dispatchers_card_shows_the_sos_timeline(
    handed_over: tuple[SosEvent, Call, Any],
) -> None:
    event, call, station = handed_over
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user_with_role(Role.DISPATCHER, station))

    body = client.get(f"/ambulance/calls/{call.pk}/").content.decode()

    card = body[body.index('data-testid="from-sos"') :]
    card = card[: card.index("</div>")]
    labels = [
        line.split("</time> · ", 1)[1].removesuffix("</li>")
        for line in card.splitlines()
        if "</time>" in line
    ]
    assert labels == [
        "Helpers alerted · 3",
        "Escalated",
        f"Ambulance call filed · call #{call.number}",
    ]
