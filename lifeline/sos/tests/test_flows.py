"""The declared flow sos -> ambulance: an escalated SOS becomes a call of the linked station."""

from __future__ import annotations

from typing import Any

import pytest

from lifeline.ambulance.models import Call
from lifeline.ambulance.tests.factories import SosLinkFactory
from lifeline.sos.models import SosEvent
from lifeline.sos.services.flows import event_hand_over_to_dispatch
from lifeline.sos.tests.factories import SosEventFactory

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
