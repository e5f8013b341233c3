"""The dispatcher console and the crew's position report read in a constant number of queries,
whatever the number of teams and calls (issue 16, Performance: "a constant number of
queries"); the console loads no team members it does not show."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifeline.ambulance.selectors import call_suggestions
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import CallFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _console_queries(dispatcher: Any) -> tuple[int, list[str]]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(dispatcher)
    client.get("/ambulance/console/")  # warm: session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/ambulance/console/")
    assert response.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_console_queries_do_not_grow_with_teams_and_calls(station: Any, dispatcher: Any) -> None:
    TeamFactory(organization=station)
    CallFactory(organization=station)
    few, _sql = _console_queries(dispatcher)
    for _ in range(4):
        TeamFactory(organization=station)
    CallFactory.create_batch(6, organization=station)
    many, sqls = _console_queries(dispatcher)
    assert many == few
    # No members or their accounts are loaded (the console lists none); team membership
    # appears only inside the scope subquery.
    main_from = [sql.split(" WHERE ")[0] for sql in sqls]
    assert not [f for f in main_from if 'FROM "ambulance_teammember"' in f]


def test_suggestion_reads_the_teams_in_one_query(station: Any) -> None:
    TeamFactory.create_batch(3, organization=station)
    call = CallFactory(organization=station)
    with CaptureQueriesContext(connection) as ctx:
        ranked = call_suggestions(call=call)
        plates = [s.team.car_plate for s in ranked]  # what the card shows: no lazy loads
    assert len(plates) == 3
    assert len(ctx.captured_queries) == 1


def test_position_report_queries_do_not_depend_on_the_team(station: Any) -> None:
    small = TeamFactory(organization=station)
    counts = []
    for team in (small, TeamFactory(organization=station)):
        client = client_for(team.lead)
        url = f"/api/v1/ambulance/teams/{team.pk}/position/"
        client.post(url, {"lat": 59.9, "lon": 30.3}, format="json")
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url, {"lat": 59.91, "lon": 30.31}, format="json")
        assert response.status_code == 204
        counts.append(len(ctx.captured_queries))
    # The crew's own team (scope and membership in one statement), the UPDATE.
    assert counts == [2, 2]
