from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lifeline.ambulance import geo
from lifeline.ambulance.models import Call
from lifeline.ambulance.simulate import random_point

pytestmark = pytest.mark.django_db


def test_random_points_stay_within_the_radius() -> None:
    import random

    rng = random.Random(1)  # noqa: S311
    for _ in range(200):
        lat, lon = random_point(rng, 59.93, 30.33, 5.0)
        assert geo.distance_m(59.93, 30.33, lat, lon) <= 5_050


def test_command_files_new_calls_for_the_station(
    station: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ambulance_simulate", station=station.slug, calls=3, seed=7, verbosity=0)
    calls = list(Call.objects.filter(organization=station))
    assert len(calls) == 3
    assert {c.status for c in calls} == {"NEW"}
    assert {c.source for c in calls} == {"intake"}


def test_command_refuses_an_unknown_station() -> None:
    with pytest.raises(CommandError):
        call_command("ambulance_simulate", station="nope", verbosity=0)
