"""Two dispatchers at once, on PostgreSQL with real connections (one per thread), repeated:
assigning the same team to two calls, exactly one wins (the team's row lock serializes them;
the loser sees the winner's call); assigning one call to two teams, exactly one wins (the
call's row lock: the loser finds it no longer NEW). Every round the loser's side is unchanged."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.exceptions import CallStateConflict, TeamNotAvailable
from lifeline.ambulance.models import Call, CallTransition
from lifeline.ambulance.services.calls import call_advance, call_assign
from lifeline.ambulance.tests.factories import CallFactory, StationFactory, TeamFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 10


def _race(attempts: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run each attempt in its own thread (its own connection), released together."""
    barrier = threading.Barrier(len(attempts))
    won: list[Any] = []
    lost: list[BaseException] = []

    def run(attempt: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            won.append(attempt().pk)
        except BaseException as exc:  # the test thread checks what was raised
            lost.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return won, lost


def _complete(call: Call, team: Any) -> None:
    for step in ("EN_ROUTE", "ON_SCENE", "COMPLETED"):
        call = call_advance(actor=team.lead, call=call, status=step)


def test_one_team_two_calls_exactly_one_assignment_wins_every_time() -> None:
    station = StationFactory()
    team = TeamFactory(organization=station)
    dispatchers = [user_with_role(Role.DISPATCHER, station) for _ in range(2)]
    for _ in range(ROUNDS):
        calls = CallFactory.create_batch(2, organization=station)
        won, lost = _race(
            [
                lambda call=call, dispatcher=dispatcher: call_assign(
                    actor=dispatcher, call=call, team=team
                )
                for call, dispatcher in zip(calls, dispatchers, strict=True)
            ]
        )
        assert len(won) == 1
        assert [type(exc) for exc in lost] == [TeamNotAvailable]
        assert Call.objects.filter(team=team, status=CallStatus.ASSIGNED).count() == 1
        # The losing call is untouched: still NEW, no team, no assignment recorded.
        loser = Call.objects.get(pk=next(c.pk for c in calls if c.pk != won[0]))
        assert (loser.status, loser.team_id, loser.assigned_at) == (CallStatus.NEW, None, None)
        assert not CallTransition.objects.filter(call=loser).exists()
        # Free the team for the next round: the crew completes the winning call.
        _complete(Call.objects.get(pk=won[0]), team)


def test_one_call_two_teams_exactly_one_assignment_wins_every_time() -> None:
    station = StationFactory()
    teams = [TeamFactory(organization=station) for _ in range(2)]
    dispatchers = [user_with_role(Role.DISPATCHER, station) for _ in range(2)]
    for _ in range(ROUNDS):
        call = CallFactory(organization=station)
        won, lost = _race(
            [
                lambda team=team, dispatcher=dispatcher, call=call: call_assign(
                    actor=dispatcher, call=call, team=team, reason="nearer by road"
                )
                for team, dispatcher in zip(teams, dispatchers, strict=True)
            ]
        )
        assert won == [call.pk]
        assert [type(exc) for exc in lost] == [CallStateConflict]
        call.refresh_from_db()
        assert call.status == CallStatus.ASSIGNED
        assert call.team_id in {t.pk for t in teams}
        # One assignment recorded, and the losing team holds no call.
        assigned = CallTransition.objects.filter(call=call, to_status=CallStatus.ASSIGNED)
        assert list(assigned.values_list("team_id", flat=True)) == [call.team_id]
        loser = next(t for t in teams if t.pk != call.team_id)
        assert not Call.objects.filter(team=loser, status__in=["ASSIGNED", "EN_ROUTE"]).exists()
        _complete(call, next(t for t in teams if t.pk == call.team_id))
