"""Two dispatchers assigning the same team to two calls at once: exactly one wins, every time
(PostgreSQL: the team's row lock serializes them; the loser sees the winner's call)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.exceptions import TeamNotAvailable
from lifeline.ambulance.models import Call
from lifeline.ambulance.services.calls import call_advance, call_assign
from lifeline.ambulance.tests.factories import CallFactory, StationFactory, TeamFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 10


def _race(team: Any, calls: list[Any], dispatchers: list[Any]) -> tuple[list[Any], list[Any]]:
    barrier = threading.Barrier(len(calls))
    won: list[Any] = []
    lost: list[BaseException] = []

    def assign(call: Any, dispatcher: Any) -> None:
        try:
            barrier.wait(timeout=10)
            won.append(call_assign(actor=dispatcher, call=call, team=team).pk)
        except BaseException as exc:  # the test thread checks what was raised
            lost.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=assign, args=(call, dispatcher))
        for call, dispatcher in zip(calls, dispatchers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return won, lost


def test_one_team_two_calls_exactly_one_assignment_wins_every_time() -> None:
    station = StationFactory()
    team = TeamFactory(organization=station)
    dispatchers = [user_with_role(Role.DISPATCHER, station) for _ in range(2)]
    for _ in range(ROUNDS):
        calls = CallFactory.create_batch(2, organization=station)
        won, lost = _race(team, calls, dispatchers)
        assert len(won) == 1
        assert [type(exc) for exc in lost] == [TeamNotAvailable]
        assert Call.objects.filter(team=team, status=CallStatus.ASSIGNED).count() == 1
        # Free the team for the next round: the crew completes the winning call.
        winner = Call.objects.get(pk=won[0])
        for step in ("EN_ROUTE", "ON_SCENE", "COMPLETED"):
            winner = call_advance(actor=team.lead, call=winner, status=step)
