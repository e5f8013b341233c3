"""Dispatcher ↔ crew messages: the "ambulance.call" conversation policy, through the
messenger's services, API and pages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.chat_policy import CALL_CONVERSATION_POLICY, KIND
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import CallFactory, StationFactory, TeamFactory
from lifeline.chat import policies, services
from lifeline.chat.models import Conversation, Message, Participant
from lifeline.core.exceptions import Conflict, NotFound

pytestmark = pytest.mark.django_db

BASE = "/api/v1/chat"


@pytest.fixture
def s(station: Any, team: Any) -> SimpleNamespace:
    other_station = StationFactory()
    return SimpleNamespace(
        station=station,
        team=team,
        call=CallFactory(organization=station, team=team, status=CallStatus.EN_ROUTE, number=7),
        dispatchers=[user_with_role(Role.DISPATCHER, station) for _ in range(2)],
        admin=user_with_role(Role.AMBULANCE_ADMIN, station),
        other_team=TeamFactory(organization=station),
        other_dispatcher=user_with_role(Role.DISPATCHER, other_station),
        other_crew=TeamFactory(organization=other_station).lead,
    )


def _open(actor: Any, call: Any) -> Conversation:
    conversation, _created = services.conversation_open(actor=actor, kind=KIND, subject_id=call.pk)
    return conversation


def test_the_kind_is_registered() -> None:
    assert policies.policy_for(KIND) is CALL_CONVERSATION_POLICY


def test_participants_are_the_teams_crew_and_the_stations_dispatchers(s: SimpleNamespace) -> None:
    conversation, created = services.conversation_open(
        actor=s.dispatchers[0], kind=KIND, subject_id=s.call.pk
    )
    assert created is True
    assert conversation.organization_id == s.station.pk
    seats = set(
        Participant.objects.filter(conversation=conversation).values_list("user_id", "role")
    )
    crew = {(m.user_id, "crew") for m in s.team.members.filter(is_active=True)}
    assert seats == crew | {(d.pk, "dispatcher") for d in s.dispatchers}
    # The crew opens the same conversation from its card.
    again, created_again = services.conversation_open(
        actor=s.team.lead, kind=KIND, subject_id=s.call.pk
    )
    assert (again.pk, created_again) == (conversation.pk, False)


def test_outsiders_may_not_open_it(s: SimpleNamespace) -> None:
    for outsider in (s.other_team.lead, s.other_dispatcher, s.other_crew, s.admin):
        with pytest.raises(NotFound):
            services.conversation_open(actor=outsider, kind=KIND, subject_id=s.call.pk)
    assert not Conversation.objects.exists()


def test_a_call_without_a_team_has_no_conversation(s: SimpleNamespace) -> None:
    new_call = CallFactory(organization=s.station)
    with pytest.raises(Conflict):
        services.conversation_open(actor=s.dispatchers[0], kind=KIND, subject_id=new_call.pk)
    assert not Conversation.objects.exists()


def test_who_reads_and_writes(s: SimpleNamespace) -> None:
    conversation = _open(s.dispatchers[0], s.call)
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    sent = client_for(s.team.lead).post(url, {"text": "On our way"}, format="json")
    assert sent.status_code == 201, sent.content
    answer = client_for(s.dispatchers[1]).post(url, {"text": "Gate code 1234"}, format="json")
    assert answer.status_code == 201
    history = client_for(s.dispatchers[0]).get(url)
    assert history.status_code == 200
    assert sorted(m["text"] for m in history.json()["results"]) == [
        "Gate code 1234",
        "On our way",
    ]
    listed = client_for(s.team.lead).get(f"{BASE}/conversations/").json()["results"]
    assert [(row["id"], row["patient"]["full_name"]) for row in listed] == [
        (str(conversation.pk), f"№7 · {s.call.address}")
    ]
    for outsider in (s.other_team.lead, s.other_dispatcher, s.other_crew, s.admin):
        client = client_for(outsider)
        assert client.get(f"{BASE}/conversations/{conversation.pk}/").status_code == 404
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "x"}, format="json").status_code == 404
        assert client.get(f"{BASE}/conversations/").json()["results"] == []
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_crew_whose_call_went_to_another_team_no_longer_takes_part(
    s: SimpleNamespace,
) -> None:
    conversation = _open(s.dispatchers[0], s.call)
    s.call.team = s.other_team
    s.call.save(update_fields=["team"])
    client = client_for(s.team.lead)
    assert client.get(f"{BASE}/conversations/{conversation.pk}/").status_code == 404
    assert (
        client_for(s.dispatchers[0]).get(f"{BASE}/conversations/{conversation.pk}/").status_code
        == 200
    )


def test_side_panel_links_each_side_to_its_card(s: SimpleNamespace) -> None:
    conversation = _open(s.team.lead, s.call)
    conversation = Conversation.objects.get(pk=conversation.pk)
    crew_panel = CALL_CONVERSATION_POLICY.side_panel(conversation=conversation, viewer=s.team.lead)
    dispatcher_panel = CALL_CONVERSATION_POLICY.side_panel(
        conversation=conversation, viewer=s.dispatchers[0]
    )
    assert crew_panel is not None
    assert dispatcher_panel is not None
    assert crew_panel.title == "Call №7"
    assert crew_panel.links == (("Open the call card", "/ambulance/crew/"),)
    assert dispatcher_panel.links == (("Open the call card", f"/ambulance/calls/{s.call.pk}/"),)


def test_the_cards_open_the_conversation_in_the_messenger(s: SimpleNamespace) -> None:
    for user in (s.dispatchers[0], s.team.lead):
        browser = Client()
        browser.force_login(user)
        page = browser.get(
            f"/ambulance/calls/{s.call.pk}/" if user.pk != s.team.lead_id else "/ambulance/crew/"
        )
        assert page.status_code == 200
        assert f'data-call-messages="{s.call.pk}"' in page.content.decode()
        opened = browser.post("/chat/open/", {"kind": KIND, "subject_id": str(s.call.pk)})
        conversation = Conversation.objects.get()
        assert opened.status_code == 302
        assert opened["Location"] == f"/chat/?c={conversation.pk}"
    outsider = Client()
    outsider.force_login(s.other_dispatcher)
    refused = outsider.post("/chat/open/", {"kind": KIND, "subject_id": str(s.call.pk)})
    assert refused.status_code == 404
    assert Conversation.objects.count() == 1
