"""The alert-rules page (managers and directors): list, add, edit, turn off and on."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifeline.audit.models import AuditEvent
from lifeline.fieldservice.models import Alert, AlertRule

pytestmark = pytest.mark.django_db

URL = "/fieldservice/alerts/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rule(company: Any, **values: Any) -> AlertRule:
    defaults: dict[str, Any] = {"kind": "callbacks_overdue", "status": "", "threshold_minutes": 15}
    return AlertRule.objects.create(organization=company, **{**defaults, **values})


def _state(rule: AlertRule) -> tuple[Any, ...]:
    rule.refresh_from_db()
    return (rule.kind, rule.status, rule.threshold_minutes, rule.is_active)


def test_managers_reach_the_page_from_their_home(world: Any) -> None:
    for user in (world.manager, world.director):
        assert URL in _client(user).get("/fieldservice/").content.decode()
    for user in (world.operator, world.master):
        assert URL not in _client(user).get("/fieldservice/").content.decode()
        assert _client(user).get(URL).status_code == 404


def test_the_list_shows_each_rule_and_whether_it_fires(world: Any) -> None:
    firing = _rule(world.company, threshold_minutes=5)
    Alert.objects.create(rule=firing, count=3)
    _rule(world.company, kind="requests_stuck", status="new", threshold_minutes=60)
    _rule(world.company, kind="requests_stuck", status="waiting", is_active=False)
    _rule(world.other, threshold_minutes=99)
    client = _client(world.manager)
    for _ in range(2):  # warm the session, the language and the caches
        client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    with CaptureQueriesContext(connection) as few:
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for n in range(3):
        _rule(world.company, kind="requests_stuck", status=["done", "tno", "modern"][n])
    with CaptureQueriesContext(connection) as more:
        client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert len(more) == len(few)  # no query per rule
    assert page.count('data-testid="alert-rule"') == 3
    assert "Firing: 3" in page
    assert "after 60 minutes" in page
    assert "Off" in page
    assert "after 99 minutes" not in page  # another company's rule


def test_a_manager_adds_a_rule(world: Any) -> None:
    response = _client(world.manager).post(
        URL, {"kind": "requests_stuck", "status": "new", "threshold_minutes": "45"}
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert _state(rule) == ("requests_stuck", "new", 45, True)
    assert rule.organization_id == world.company.pk
    assert AuditEvent.objects.filter(action="fieldservice.alertrule_created").count() == 1


def test_a_callbacks_rule_ignores_a_status(world: Any) -> None:
    _client(world.director).post(
        URL, {"kind": "callbacks_overdue", "status": "new", "threshold_minutes": "0"}
    )
    assert _state(AlertRule.objects.get()) == ("callbacks_overdue", "", 0, True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "requests_stuck", "threshold_minutes": "30"}, "status", "Choose the status"),
        ({"kind": "callbacks_overdue", "threshold_minutes": "-1"}, "threshold_minutes", "0"),
        ({"kind": "callbacks_overdue", "threshold_minutes": "10081"}, "threshold_minutes", "10080"),
        ({"kind": "callbacks_overdue", "threshold_minutes": "x"}, "threshold_minutes", "number"),
        ({"kind": "fire", "threshold_minutes": "5"}, "kind", "valid choice"),
        ({"kind": "requests_stuck", "status": "nope", "threshold_minutes": "5"}, "status", "valid"),
    ],
)
def test_an_invalid_rule_is_422_with_the_fields_error_and_stores_nothing(
    world: Any, data: dict[str, str], field: str, message: str
) -> None:
    response = _client(world.manager).post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    assert AlertRule.objects.count() == 0


def test_the_same_rule_twice_is_refused_on_the_form(world: Any) -> None:
    _rule(world.company, threshold_minutes=15)
    response = _client(world.manager).post(
        URL, {"kind": "callbacks_overdue", "threshold_minutes": "30"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "already exists" in response.context["form"].non_field_errors()[0]
    assert AlertRule.objects.count() == 1


def test_a_manager_edits_and_turns_a_rule_off_and_on(world: Any) -> None:
    rule = _rule(world.company, threshold_minutes=15)
    client = _client(world.manager)
    url = f"{URL}{rule.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"threshold_minutes": "20", "is_active": "on"}).status_code == 302
    assert _state(rule) == ("callbacks_overdue", "", 20, True)
    assert client.post(url, {"toggle": "1"}).status_code == 302
    assert _state(rule) == ("callbacks_overdue", "", 20, False)
    assert client.post(url, {"toggle": "1"}).status_code == 302
    assert _state(rule) == ("callbacks_overdue", "", 20, True)
    response = client.post(url, {"threshold_minutes": "-5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["threshold_minutes"]
    assert _state(rule) == ("callbacks_overdue", "", 20, True)
    assert AuditEvent.objects.filter(action="fieldservice.alertrule_updated").count() == 3


def test_another_companys_people_get_404_and_nothing_changes(world: Any) -> None:
    rule = _rule(world.company, threshold_minutes=15)
    url = f"{URL}{rule.pk}/"
    for user in (world.other_director, world.operator, world.master):
        client = _client(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"toggle": "1"}).status_code == 404
        assert client.post(url, {"threshold_minutes": "1", "is_active": ""}).status_code == 404
    assert _state(rule) == ("callbacks_overdue", "", 15, True)
    assert not AuditEvent.objects.filter(action="fieldservice.alertrule_updated").exists()
    # and their own page neither lists it nor lets them create in our company
    page = _client(world.other_director).get(URL).content.decode()
    assert f"{URL}{rule.pk}/" not in page
