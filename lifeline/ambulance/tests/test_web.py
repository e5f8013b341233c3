import math
import re
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.models import Call, Team
from lifeline.ambulance.tests.factories import CallFactory, CarFactory, StationFactory, TeamFactory
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.DISPATCHER, "/ambulance/console/"),
        (Role.CREW, "/ambulance/crew/"),
        (Role.AMBULANCE_ADMIN, "/ambulance/fleet/"),
    ],
)
def test_home_sends_each_role_to_its_screen(station: Any, role: str, target: str) -> None:
    response = _client(user_with_role(role, station)).get("/ambulance/")
    assert (response.status_code, response["Location"]) == (302, target)


def test_console_shows_the_queue_oldest_first_and_the_teams(station: Any, dispatcher: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    team = TeamFactory(organization=station, name="Alpha")
    newer = CallFactory(organization=station, criticality="critical", reason="Newer")
    older = CallFactory(
        organization=station,
        criticality="critical",
        reason="Older",
        received_at=timezone.now() - timedelta(minutes=9),
    )
    response = _client(dispatcher).get("/ambulance/console/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(f'data-call-id="{older.pk}"') < body.index(f'data-call-id="{newer.pk}"')
    assert "waiting 9 min" in body
    assert "amb-ageing" in body
    assert f'data-team-id="{team.pk}"' in body


def test_console_lists_the_head_of_a_long_queue_and_says_how_many_wait(
    station: Any, dispatcher: Any, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    settings.AMBULANCE_CONSOLE_QUEUE_ROWS = 3
    now = timezone.now()
    calls = [
        CallFactory(
            organization=station, criticality="common", received_at=now - timedelta(minutes=m)
        )
        for m in (5, 4, 3, 2, 1)
    ]
    body = _client(dispatcher).get("/ambulance/console/").content.decode()
    listed = re.findall(r'<li data-call-id="([0-9a-f-]+)">', body)
    assert listed == [str(c.pk) for c in calls[:3]]  # oldest first, the first three
    assert "(5)" in body
    assert "The first 3 calls of 5 waiting are listed." in body
    assert f'href="/ambulance/calls/{calls[0].pk}/"' in body
    whole = _client(dispatcher).get("/ambulance/console/?queue=all").content.decode()
    assert re.findall(r'<li data-call-id="([0-9a-f-]+)">', whole) == [str(c.pk) for c in calls]
    assert "data-queue-more" not in whole


def test_console_team_states_are_translated_labels(station: Any, dispatcher: Any) -> None:
    free = TeamFactory(organization=station, name="Free one")
    off = TeamFactory(organization=station, name="Off one", on_shift=False)
    broken = TeamFactory(organization=station, name="Broken one")
    broken.car.is_serviceable = False
    broken.car.save(update_fields=["is_serviceable"])
    busy = TeamFactory(organization=station, name="Busy one")
    CallFactory(organization=station, status=CallStatus.EN_ROUTE, team=busy)
    body = _client(dispatcher, "ru").get("/ambulance/console/").content.decode()

    def state(team: Any) -> str:
        row = body[body.index(f'data-team-id="{team.pk}"') :]
        return row[: row.index("</li>")]

    assert '<span class="amb-team--free">свободна</span>' in state(free)
    assert '<span class="muted">не на смене</span>' in state(off)
    assert '<span class="amb-ageing">машина неисправна</span>' in state(broken)
    assert '<span class="amb-team--busy">занята</span>' in state(busy)


def test_console_is_translated(station: Any, dispatcher: Any) -> None:
    dispatcher.language = "ru"
    dispatcher.save()
    body = _client(dispatcher, "ru").get("/ambulance/console/").content.decode()
    assert "Пульт диспетчера" in body


@pytest.mark.parametrize(
    ("role", "path"), [(Role.DISPATCHER, "/ambulance/console/"), (Role.CREW, "/ambulance/crew/")]
)
def test_the_maps_have_a_translated_legend_of_their_colours(
    station: Any, role: str, path: str
) -> None:
    """Issue 14 item 6: the markers must read without map tiles; colours match map.js."""
    body = _client(user_with_role(role, station), "ru").get(path).content.decode()
    legend = body[body.index('class="amb-map-legend"') :]
    for swatch, label in [
        ("critical", "Вызов: экстренный"),
        ("important", "Вызов: срочный"),
        ("common", "Вызов: неотложный"),
        ("free", "Бригада: свободна"),
        ("busy", "Бригада: на вызове"),
        ("off", "Бригада: не на смене"),
    ]:
        assert f'amb-swatch--{swatch}" aria-hidden="true"></span>{label}</li>' in legend


STATIC = Path(__file__).resolve().parents[1] / "static" / "ambulance"


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB hex colour."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _contrast_with_white(colour: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_map_colours_match_the_legend_and_are_told_apart() -> None:
    css = (STATIC / "ambulance.css").read_text()
    script = (STATIC / "map.js").read_text()
    swatches = dict(re.findall(r"\.amb-swatch--(\w+) \{ background: (#[0-9a-f]{6}); \}", css))
    calls = dict(re.findall(r"(\w+): \"(#[0-9a-f]{6})\"", script.split("var CALL = ", 1)[1][:120]))
    team = re.search(r'!t\.on_shift \? "(#\w{6})" : \(t\.busy \? "(#\w{6})" : "(#\w{6})"\)', script)
    assert team is not None
    assert swatches == {
        "critical": "#b00020",
        "important": "#e65100",
        "common": "#1565c0",
        "free": "#2e7d32",
        "busy": "#263238",
        "off": "#757575",
    }
    assert calls == {k: swatches[k] for k in ("critical", "important", "common")}
    assert team.groups() == (swatches["off"], swatches["busy"], swatches["free"])
    # Every marker stands out on a light map (WCAG 1.4.11: 3:1 for graphics) ...
    assert all(_contrast_with_white(c) >= 3 for c in swatches.values())
    # ... and no two are near each other ("Call: important" and "Team: on a call" were
    # #e65100 and #ef6c00, a CIE76 distance of 12).
    for a, b in combinations(swatches, 2):
        distance = math.dist(_lab(swatches[a]), _lab(swatches[b]))
        assert distance > 25, (a, b, round(distance))


def test_a_fresh_position_reads_just_now(station: Any, dispatcher: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    TeamFactory(organization=station, name="Fresh", position_at=timezone.now())
    TeamFactory(
        organization=station, name="Older", position_at=timezone.now() - timedelta(minutes=5)
    )
    english = _client(dispatcher).get("/ambulance/console/").content.decode()
    russian = _client(dispatcher, "ru").get("/ambulance/console/").content.decode()

    assert '<span class="muted">position just now</span>' in english
    assert '<span class="muted">position 5\xa0minutes ago</span>' in english
    assert "0\xa0minutes ago" not in english
    assert '<span class="muted">позиция только что</span>' in russian


def test_dispatcher_files_and_assigns_a_call_through_the_pages(
    station: Any, dispatcher: Any
) -> None:
    team = TeamFactory(organization=station)
    client = _client(dispatcher)
    response = client.post(
        "/ambulance/calls/new/",
        {
            "reason": "Chest pain",
            "address": "Nevsky 28",
            "lat": "59.93",
            "lon": "30.33",
            "criticality": "critical",
            "patient_sex": "male",
            "caller_phone": "+79111234567",
        },
    )
    call = Call.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/ambulance/calls/{call.pk}/")
    card = client.get(f"/ambulance/calls/{call.pk}/")
    assert card.status_code == 200
    assert f'value="{team.pk}"' in card.content.decode()
    assert AuditEvent.objects.filter(
        action="ambulance.call_viewed", target_id=str(call.pk)
    ).exists()
    client.post(f"/ambulance/calls/{call.pk}/assign/", {"team": str(team.pk)})
    call.refresh_from_db()
    assert (call.status, call.team_id) == ("ASSIGNED", team.pk)


def test_invalid_intake_stores_nothing_and_says_why(station: Any, dispatcher: Any) -> None:
    client = _client(dispatcher)
    response = client.post(
        "/ambulance/calls/new/",
        {
            "reason": "x",
            "address": "y",
            "lat": "95",
            "lon": "30",
            "criticality": "critical",
            "patient_sex": "unknown",
        },
        follow=True,
    )
    assert Call.objects.count() == 0
    assert "Latitude" in response.content.decode()


def test_crew_sees_its_call_and_moves_it_forward(station: Any) -> None:
    team = TeamFactory(organization=station)
    call = CallFactory(
        organization=station, team=team, status=CallStatus.ASSIGNED, patient_name="Пётр"
    )
    client = _client(team.lead)
    page = client.get("/ambulance/crew/").content.decode()
    assert "Пётр" in page
    assert 'value="EN_ROUTE"' in page
    client.post(f"/ambulance/calls/{call.pk}/advance/", {"status": "EN_ROUTE"})
    call.refresh_from_db()
    assert call.status == "EN_ROUTE"


def test_crew_of_another_team_gets_404_on_the_call(station: Any) -> None:
    team = TeamFactory(organization=station)
    other = TeamFactory(organization=station)
    call = CallFactory(organization=station, team=team, status=CallStatus.ASSIGNED)
    response = _client(other.lead).post(
        f"/ambulance/calls/{call.pk}/advance/", {"status": "EN_ROUTE"}
    )
    assert response.status_code == 404
    call.refresh_from_db()
    assert call.status == "ASSIGNED"


def test_dispatcher_of_another_station_gets_404(station: Any) -> None:
    call = CallFactory(organization=station)
    outsider = user_with_role(Role.DISPATCHER, StationFactory())
    assert _client(outsider).get(f"/ambulance/calls/{call.pk}/").status_code == 404


def test_crew_position_is_stored(station: Any) -> None:
    team = TeamFactory(organization=station, lat=None, lon=None)
    response = _client(team.lead).post("/ambulance/crew/position/", {"lat": "59.9", "lon": "30.3"})
    assert response.status_code == 200
    team.refresh_from_db()
    assert (team.lat, team.lon) == (59.9, 30.3)


def test_admin_adds_a_car_and_forms_a_team(station: Any, admin: Any) -> None:
    client = _client(admin)
    client.post(
        "/ambulance/fleet/cars/",
        {"plate": "м 555 мм 78", "model": "Transit", "equipment_class": "C"},
    )
    crew = [user_with_role(Role.CREW, station) for _ in range(3)]
    page = client.get("/ambulance/fleet/").content.decode()
    assert "М555ММ78" in page
    car = station.ambulance_cars.get()
    client.post(
        "/ambulance/fleet/teams/",
        {
            "name": "Bravo",
            "car": str(car.pk),
            "member_1": str(crew[0].pk),
            "member_2": str(crew[1].pk),
            "member_3": str(crew[2].pk),
            "on_shift": "1",
        },
    )
    team = Team.objects.get(name="Bravo")
    assert (team.lead_id, team.on_shift, team.car_id) == (crew[0].pk, True, car.pk)


def test_dispatcher_cannot_use_fleet_pages(station: Any, dispatcher: Any) -> None:
    client = _client(dispatcher)
    assert client.get("/ambulance/fleet/").status_code == 403
    assert (
        client.post(
            "/ambulance/fleet/cars/", {"plate": "А111АА78", "equipment_class": "B"}
        ).status_code
        == 403
    )
    assert not CarFactory._meta.model.objects.exists()


def test_admin_creates_an_intake_key_shown_once(station: Any, admin: Any) -> None:
    client = _client(admin)
    client.post("/ambulance/fleet/intake-keys/", {"name": "PBX"})
    first = client.get("/ambulance/fleet/").content.decode()
    again = client.get("/ambulance/fleet/").content.decode()
    key = station.ambulance_intake_keys.get()
    assert "data-new-intake-key" in first
    assert "data-new-intake-key" not in again
    assert (key.name, key.is_active) == ("PBX", True)
    client.post(f"/ambulance/fleet/intake-keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.is_active is False
