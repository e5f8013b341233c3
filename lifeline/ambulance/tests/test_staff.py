"""The station's people: accounts created, edited and deactivated by a station administrator."""

from typing import Any

import pytest

from lifeline.access.enums import Role
from lifeline.access.models import Membership
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.enums import UserStatus
from lifeline.accounts.models import User
from lifeline.accounts.selectors import user_login_restrictions
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.models import Team, TeamMember
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import CallFactory, StationFactory, TeamFactory
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/ambulance/staff"
NEW_PERSON = {
    "role": "dispatcher",
    "last_name": "Петрова",
    "first_name": "Анна",
    "middle_name": "Сергеевна",
    "email": "petrova@station.test",
}


def _snapshot(user: User) -> tuple[Any, ...]:
    user.refresh_from_db()
    memberships = sorted(
        Membership.objects.filter(user=user).values_list("organization_id", "role", "is_active")
    )
    teams = sorted(TeamMember.objects.filter(user=user).values_list("team_id", "is_active"))
    return (
        user.status,
        user.first_name,
        user.last_name,
        user.email,
        user.password,
        memberships,
        teams,
    )


def _no_hash(body: str, *users: User) -> None:
    for user in users:
        user.refresh_from_db()
        assert user.password not in body
    for marker in ("pbkdf2", "argon2", "bcrypt", '"password"'):
        assert marker not in body


def test_admin_creates_an_account_that_must_change_its_password(station: Any, admin: Any) -> None:
    response = client_for(admin).post(API + "/", NEW_PERSON, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    password = body.pop("initial_password")
    user = User.objects.get(email="petrova@station.test")
    assert body == {
        "id": str(user.pk),
        "station": str(station.pk),
        "first_name": "Анна",
        "middle_name": "Сергеевна",
        "last_name": "Петрова",
        "display_name": "Петрова Анна Сергеевна",
        "email": "petrova@station.test",
        "phone_number": None,
        "roles": ["dispatcher"],
        "is_active": True,
        "must_change_password": True,
        "team": None,
        "last_login": None,
        "date_joined": body["date_joined"],
    }
    assert len(password) == 16  # the one generator: accounts.services.passwords.password_generate
    assert user.check_password(password)
    assert user.must_change_password is True
    assert "password_change" in user_login_restrictions(user=user)
    _no_hash(response.content.decode(), user)
    assert list(
        Membership.objects.filter(user=user).values_list("organization_id", "role", "is_active")
    ) == [(station.pk, Role.DISPATCHER, True)]
    actions = set(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
    ) | set(AuditEvent.objects.filter(actor_id=admin.pk).values_list("action", flat=True))
    assert {"accounts.user_created", "access.membership_granted", "ambulance.staff_created"} <= (
        actions
    )
    # Shown once: reading the person again never carries it.
    again = client_for(admin).get(f"{API}/{user.pk}/")
    assert again.status_code == 200
    assert "initial_password" not in again.json()
    assert password not in again.content.decode()


def test_create_by_phone_normalizes_it(station: Any, admin: Any) -> None:
    body = {**NEW_PERSON, "email": "", "phone_number": "+7 (911) 765-43-21", "role": "crew"}
    response = client_for(admin).post(API + "/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["phone_number"] == "+79117654321"
    assert response.json()["email"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "", "phone_number": ""}, "email"),
        ({"email": "taken@station.test"}, "email"),
        ({"phone_number": "12"}, "phone_number"),
        ({"role": "patient"}, "role"),
        ({"last_name": ""}, "last_name"),
    ],
)
def test_create_refusals_name_the_field_and_store_nothing(
    station: Any, admin: Any, change: dict[str, Any], field: str
) -> None:
    user_with_role(Role.CREW, station, email="taken@station.test")
    users, memberships, events = (
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )
    response = client_for(admin).post(API + "/", {**NEW_PERSON, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == (
        users,
        memberships,
        events,
    )


def test_list_shows_the_stations_people_in_constant_queries(
    station: Any, admin: Any, team: Any, django_assert_num_queries: Any
) -> None:
    other_station_person = user_with_role(Role.DISPATCHER, StationFactory())
    client = client_for(admin)
    client.get(API + "/")  # warm caches (content types, sessions)
    with django_assert_num_queries(5):
        small = client.get(API + "/")
    TeamFactory(organization=station)
    user_with_role(Role.DISPATCHER, station)
    with django_assert_num_queries(5):
        large = client.get(API + "/")
    assert small.status_code == large.status_code == 200
    assert small.json()["count"] == 4  # the admin and the team's three
    assert large.json()["count"] == 8
    ids = {row["id"] for row in large.json()["results"]}
    assert str(other_station_person.pk) not in ids
    lead_row = next(r for r in large.json()["results"] if r["id"] == str(team.lead_id))
    assert lead_row["team"] == {"id": str(team.pk), "name": team.name}
    assert lead_row["roles"] == ["crew"]
    _no_hash(large.content.decode(), *User.objects.all())


def test_permission_matrix(station: Any, team: Any) -> None:
    person = user_with_role(Role.DISPATCHER, station)
    one = f"{API}/{person.pk}/"
    deactivate = f"{one}deactivate/"
    actors = {"crew": lambda: team.lead}
    cases = []
    for method, url, body, ok in [
        ("get", API + "/", None, 200),
        ("post", API + "/", NEW_PERSON, 201),
        ("get", one, None, 200),
        ("patch", one, {"first_name": "Мария"}, 200),
        ("post", deactivate, None, 200),
    ]:
        cases += [
            Case("anonymous", method, url, 401, body),
            Case("no_role", method, url, 403, body),
            Case(Role.DISPATCHER, method, url, 403, body),
            Case("crew", method, url, 403, body),
            Case(Role.AMBULANCE_ADMIN, method, url, ok, body),
        ]
    cases += [
        Case("other:ambulance_admin", "get", one, 404),
        Case("other:ambulance_admin", "patch", one, 404, {"first_name": "Мария"}),
        Case("other:ambulance_admin", "post", deactivate, 404),
        # Their own station's list and a new account of their own station only.
        Case("other:ambulance_admin", "get", API + "/", 200),
        Case(
            "other:ambulance_admin",
            "post",
            API + "/",
            404,
            {**NEW_PERSON, "station": str(station.pk)},
        ),
    ]
    assert_permission_matrix(cases, organization=station, actors=actors)


def test_denied_requests_change_nothing(station: Any, team: Any) -> None:
    person = user_with_role(Role.DISPATCHER, station)
    before = _snapshot(person)
    events = AuditEvent.objects.count()
    other_admin = user_with_role(Role.AMBULANCE_ADMIN, StationFactory())
    for actor in (user_with_role(Role.DISPATCHER, station), team.lead, other_admin, None):
        client = client_for(actor)
        client.patch(f"{API}/{person.pk}/", {"first_name": "Мария"}, format="json")
        client.post(f"{API}/{person.pk}/deactivate/")
        client.post(API + "/", {**NEW_PERSON, "station": str(station.pk)}, format="json")
    assert _snapshot(person) == before
    assert not User.objects.filter(email=NEW_PERSON["email"]).exists()
    assert AuditEvent.objects.count() == events


def test_edit_names_login_and_role(station: Any, admin: Any) -> None:
    person = user_with_role(Role.DISPATCHER, station, full_name="", email="old@station.test")
    response = client_for(admin).patch(
        f"{API}/{person.pk}/",
        {
            "last_name": "Сидорова",
            "first_name": "Ольга",
            "email": "new@station.test",
            "role": "crew",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["display_name"], body["email"], body["roles"]) == (
        "Сидорова Ольга",
        "new@station.test",
        ["crew"],
    )
    assert sorted(Membership.objects.filter(user=person).values_list("role", "is_active")) == [
        ("crew", True),
        ("dispatcher", False),
    ]
    assert AuditEvent.objects.filter(action="ambulance.staff_updated").count() == 1


def test_crew_in_an_active_team_keeps_the_crew_role(station: Any, admin: Any, team: Any) -> None:
    before = _snapshot(team.lead)
    response = client_for(admin).patch(
        f"{API}/{team.lead_id}/", {"role": "dispatcher"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ambulance.staff_in_team"
    assert _snapshot(team.lead) == before


def test_deactivate_dissolves_a_free_team_and_closes_the_account(
    station: Any, admin: Any, team: Any
) -> None:
    member = team.lead
    response = client_for(admin).post(f"{API}/{member.pk}/deactivate/")

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert response.json()["roles"] == []
    assert response.json()["team"] is None
    member.refresh_from_db()
    assert member.status == UserStatus.INACTIVE
    assert not member.is_active
    assert list(Membership.objects.filter(user=member).values_list("is_active", flat=True)) == [
        False
    ]
    team.refresh_from_db()
    assert team.dissolved_at is not None
    assert not TeamMember.objects.filter(team=team, is_active=True).exists()
    assert (
        AuditEvent.objects.filter(
            action="ambulance.staff_deactivated", target_id=str(member.pk)
        ).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="accounts.user_deactivated").count() == 1
    # Never a hard delete, and a deactivated person cannot sign in.
    assert User.objects.filter(pk=member.pk).exists()
    signed_in = client_for(None).post(
        "/api/v1/auth/login/", {"email": member.email, "password": "x"}, format="json"
    )
    assert signed_in.status_code in (400, 401)
    # Again: nothing more happens.
    again = client_for(admin).post(f"{API}/{member.pk}/deactivate/")
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="ambulance.staff_deactivated").count() == 1


def test_deactivate_is_refused_while_the_team_is_on_a_call(
    station: Any, admin: Any, team: Any
) -> None:
    CallFactory(organization=station, team=team, status=CallStatus.EN_ROUTE)
    member = team.lead
    before = _snapshot(member)
    events = AuditEvent.objects.count()

    response = client_for(admin).post(f"{API}/{member.pk}/deactivate/")

    assert response.status_code == 409
    assert response.json()["code"] == "ambulance.staff_on_call"
    assert team.name in response.json()["detail"]
    assert _snapshot(member) == before
    assert Team.objects.get(pk=team.pk).dissolved_at is None
    assert AuditEvent.objects.count() == events


def test_deactivate_self_is_refused(station: Any, admin: Any) -> None:
    user_with_role(Role.AMBULANCE_ADMIN, station)
    before = _snapshot(admin)
    response = client_for(admin).post(f"{API}/{admin.pk}/deactivate/")
    assert response.status_code == 409
    assert response.json()["code"] == "ambulance.staff_self"
    assert _snapshot(admin) == before


def test_a_person_with_a_role_elsewhere_keeps_signing_in(station: Any, admin: Any) -> None:
    person = user_with_role(Role.DISPATCHER, station)
    user_with_role(Role.DISPATCHER, StationFactory())  # unrelated
    Membership.objects.create(
        user=person, organization=StationFactory(), role=Role.DISPATCHER, is_active=True
    )
    response = client_for(admin).post(f"{API}/{person.pk}/deactivate/")
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.status == UserStatus.ACTIVE
    assert not Membership.objects.filter(user=person, organization=station, is_active=True).exists()


def test_an_existing_account_is_never_taken_over(station: Any, admin: Any) -> None:
    from lifeline.access.exceptions import InvitationRequired
    from lifeline.access.services import membership_grant_new_account

    outsider = user_with_role(Role.DOCTOR)
    with pytest.raises(InvitationRequired):
        membership_grant_new_account(
            actor=admin, organization=station, user=outsider, role=Role.CREW, via="test"
        )
    assert not Membership.objects.filter(user=outsider, organization=station).exists()


# --- pages ----------------------------------------------------------------------------------
def _browser(user: Any) -> Any:
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    return browser


def test_fleet_links_to_the_people_page_and_it_lists_them(
    station: Any, admin: Any, team: Any
) -> None:
    browser = _browser(admin)
    fleet = browser.get("/ambulance/fleet/").content.decode()
    assert f'href="/ambulance/staff/?station={station.pk}"' in fleet
    page = browser.get(f"/ambulance/staff/?station={station.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    for member in team.members.filter(is_active=True).select_related("user"):
        assert f'data-person-id="{member.user_id}"' in html
    assert team.name in html


def test_the_page_creates_an_account_and_shows_its_password_once(station: Any, admin: Any) -> None:
    browser = _browser(admin)
    response = browser.post(
        f"/ambulance/staff/new/?station={station.pk}",
        {**NEW_PERSON, "phone_number": "", "language": "en"},
    )
    assert response.status_code == 302
    user = User.objects.get(email=NEW_PERSON["email"])
    assert user.must_change_password is True
    assert user.language == "en"
    first = browser.get(response["Location"]).content.decode()
    assert "data-initial-password" in first
    password = first.split("data-initial-password>")[1].split("<")[0]
    assert user.check_password(password)
    second = browser.get(response["Location"]).content.decode()
    assert "data-initial-password" not in second
    assert password not in second
    assert user.password not in first + second


def test_the_page_edits_and_deactivates(station: Any, admin: Any) -> None:
    person = user_with_role(Role.DISPATCHER, station, email="d@station.test")
    browser = _browser(admin)
    assert browser.get(f"/ambulance/staff/{person.pk}/").status_code == 200
    saved = browser.post(
        f"/ambulance/staff/{person.pk}/",
        {
            "last_name": "Орлова",
            "first_name": "Вера",
            "middle_name": "",
            "email": "d@station.test",
            "phone_number": "",
            "role": "dispatcher",
        },
    )
    assert saved.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "Орлова Вера"
    gone = browser.post(f"/ambulance/staff/{person.pk}/deactivate/")
    assert gone.status_code == 302
    person.refresh_from_db()
    assert person.status == UserStatus.INACTIVE


def test_pages_refuse_others(station: Any, admin: Any, team: Any) -> None:
    person = user_with_role(Role.DISPATCHER, station)
    before = _snapshot(person)
    dispatcher = _browser(user_with_role(Role.DISPATCHER, station))
    assert dispatcher.get("/ambulance/staff/").status_code == 403
    assert dispatcher.post(f"/ambulance/staff/{person.pk}/deactivate/").status_code == 403
    crew = _browser(team.lead)
    assert crew.get("/ambulance/staff/").status_code == 403
    other_admin = _browser(user_with_role(Role.AMBULANCE_ADMIN, StationFactory()))
    assert other_admin.get(f"/ambulance/staff/{person.pk}/").status_code == 404
    assert other_admin.post(f"/ambulance/staff/{person.pk}/deactivate/").status_code == 404
    assert other_admin.get(f"/ambulance/staff/?station={station.pk}").status_code == 404
    from django.test import Client

    anonymous = Client().get("/ambulance/staff/")
    assert anonymous.status_code == 302
    assert _snapshot(person) == before
