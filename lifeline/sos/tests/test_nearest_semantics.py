"""Every rule of `selectors.nearest_helpers`, on the raw statement and on the ORM fallback."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Membership
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory
from lifeline.accounts.tests.factories import UserFactory
from lifeline.sos import geo, selectors
from lifeline.sos.models import HelperProfile
from lifeline.sos.tests.factories import TASHKENT, helper_at, offset

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["statement", "orm"])
def path(request: Any) -> Any:
    """Run each test on the raw statement and on the ORM fallback (other backends)."""
    if request.param == "orm":
        with mock.patch("lifeline.sos.nearest.candidates", return_value=None):
            yield request.param
    else:
        yield request.param


def ids(found: list[selectors.NearbyHelper]) -> list[Any]:
    return [h.user_id for h in found]


def near(org: Any = None, **kwargs: Any) -> list[Any]:
    kwargs.setdefault("radius_m", 5000)
    kwargs.setdefault("limit", 50)
    return ids(
        selectors.nearest_helpers(
            lat=TASHKENT[0], lon=TASHKENT[1], organization_id=getattr(org, "pk", None), **kwargs
        )
    )


def test_radius_boundary_is_inclusive_and_exact(org: Any, path: str) -> None:
    point = offset(*TASHKENT, north_m=3000, east_m=2000)
    helper = helper_at(org, *point)
    distance = geo.haversine_m(*TASHKENT, *point)

    assert near(org, radius_m=distance) == [helper.pk]
    assert near(org, radius_m=distance - 0.01) == []
    # The box corner is outside the circle: inside the box, outside the radius.
    corner = helper_at(org, *offset(*TASHKENT, north_m=4500, east_m=4500))
    assert near(org, radius_m=5000) == [helper.pk]
    assert corner.pk not in near(org, radius_m=5000)


def test_distance_is_the_haversine_and_nearest_come_first(org: Any, path: str) -> None:
    far = helper_at(org, *offset(*TASHKENT, north_m=-4000))
    close = helper_at(org, *offset(*TASHKENT, east_m=-300))
    found = selectors.nearest_helpers(
        lat=TASHKENT[0], lon=TASHKENT[1], radius_m=5000, limit=10, organization_id=org.pk
    )
    assert ids(found) == [close.pk, far.pk]
    assert found[0].distance_m == pytest.approx(300, abs=1)
    assert found[1].distance_m == pytest.approx(4000, abs=2)


def test_across_the_antimeridian_and_at_the_pole(org: Any, path: str) -> None:
    east = helper_at(org, 10.0, 179.99)
    west = helper_at(org, 10.0, -179.995)
    helper_at(org, 10.0, 179.0)  # 109 km away
    found = selectors.nearest_helpers(
        lat=10.0, lon=-179.99, radius_m=5000, limit=10, organization_id=org.pk
    )
    assert ids(found) == [west.pk, east.pk]
    assert found[1].distance_m == pytest.approx(2190, abs=10)

    pole_a = helper_at(org, 89.99, 0.0)
    pole_b = helper_at(org, 89.995, 170.0)
    found = selectors.nearest_helpers(
        lat=89.99, lon=-100.0, radius_m=5000, limit=10, organization_id=org.pk
    )
    assert set(ids(found)) == {pole_a.pk, pole_b.pk}
    assert [h.distance_m for h in found] == sorted(h.distance_m for h in found)


def test_unavailable_helpers_are_left_out(org: Any, path: str) -> None:
    ok = helper_at(org, *offset(*TASHKENT, north_m=100))
    helper_at(org, *offset(*TASHKENT, north_m=100), on_duty=False)
    helper_at(org, *offset(*TASHKENT, north_m=100), fresh=False)
    not_opted = helper_at(org, *offset(*TASHKENT, north_m=100))
    HelperProfile.objects.filter(user=not_opted).update(opted_in=False)
    no_location = helper_at(org, *offset(*TASHKENT, north_m=100))
    HelperProfile.objects.filter(user=no_location).update(lat=None, lon=None, grid_cell=None)

    assert near(org) == [ok.pk]


def test_cooldown_boundary(org: Any, path: str) -> None:
    now = timezone.now()
    helper = helper_at(org, *offset(*TASHKENT, north_m=100))
    HelperProfile.objects.filter(user=helper).update(last_alerted_at=now - timedelta(seconds=300))

    assert near(org, now=now, cooldown_seconds=301) == []
    assert near(org, now=now, cooldown_seconds=300) == []  # alerted exactly 300 s ago: not yet
    assert near(org, now=now, cooldown_seconds=299) == [helper.pk]
    assert near(org, now=now, cooldown_seconds=0) == [helper.pk]


def test_excluded_users_are_left_out_whatever_the_id_type(org: Any, path: str) -> None:
    a = helper_at(org, *offset(*TASHKENT, north_m=100))
    b = helper_at(org, *offset(*TASHKENT, north_m=200))

    assert near(org, exclude_user_ids={a.pk}) == [b.pk]
    assert near(org, exclude_user_ids={str(b.pk)}) == [a.pk]
    assert near(org, exclude_user_ids=frozenset({a.pk, b.pk})) == []


def test_role_must_be_an_active_helper_membership_of_an_active_organization(
    org: Any, path: str
) -> None:
    helper = helper_at(org, *offset(*TASHKENT, north_m=100))
    for role in (Role.DEVICE_OWNER, Role.SOS_ADMIN):
        other = UserFactory()
        MembershipFactory(user=other, organization=org, role=role)
        HelperProfile.objects.create(
            user=other, opted_in=True, on_duty=True, lat=TASHKENT[0], lon=TASHKENT[1],
            location_at=timezone.now(),
        )  # fmt: skip
    revoked = helper_at(org, *offset(*TASHKENT, north_m=50))
    Membership.objects.filter(user=revoked).update(is_active=False)
    closed_org = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE, is_active=False)
    in_closed = helper_at(closed_org, *offset(*TASHKENT, north_m=60))

    assert near(org) == [helper.pk]
    assert near() == [helper.pk]  # no organization given: any active organization
    # check_role=False skips the membership rules, not the availability ones.
    assert set(near(check_role=False)) == {helper.pk, revoked.pk, in_closed.pk} | set(
        HelperProfile.objects.exclude(user__in=[helper, revoked, in_closed]).values_list(
            "user_id", flat=True
        )
    )


def test_organization_filter(org: Any, path: str) -> None:
    other = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    mine = helper_at(org, *offset(*TASHKENT, north_m=300))
    theirs = helper_at(other, *offset(*TASHKENT, north_m=100))
    both = helper_at(other, *offset(*TASHKENT, north_m=200))
    MembershipFactory(user=both, organization=org, role=Role.HELPER)

    assert near(org) == [both.pk, mine.pk]
    assert near(other) == [theirs.pk, both.pk]
    assert near() == [theirs.pk, both.pk, mine.pk]  # one row per person
    assert ids(
        selectors.nearest_helpers(
            lat=TASHKENT[0], lon=TASHKENT[1], radius_m=5000, limit=5, organization_id=str(org.pk)
        )
    ) == [both.pk, mine.pk]


def test_exactly_limit_and_ties(org: Any, path: str) -> None:
    helpers = [helper_at(org, *offset(*TASHKENT, north_m=100 * (i + 1))) for i in range(5)]
    twins = [helper_at(org, *offset(*TASHKENT, east_m=50)) for _ in range(3)]
    by_id = sorted(twins, key=lambda u: str(u.pk))

    assert near(org, limit=3) == [u.pk for u in by_id]  # ties: ordered by user id
    assert near(org, limit=1) == [by_id[0].pk]
    assert near(org, limit=8) == [u.pk for u in by_id] + [h.pk for h in helpers]
    assert len(near(org, limit=50)) == 8
    assert near(org, limit=0) == []


def test_statement_and_orm_agree_on_random_data(org: Any) -> None:
    rng = random.Random(11)
    other = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    now = timezone.now()
    for i in range(80):
        lat, lon = TASHKENT[0] + rng.uniform(-0.08, 0.08), TASHKENT[1] + rng.uniform(-0.1, 0.1)
        helper = helper_at(rng.choice([org, other]), lat, lon, on_duty=i % 7 != 0)
        if i % 5 == 0:
            HelperProfile.objects.filter(user=helper).update(
                last_alerted_at=now - timedelta(seconds=rng.randint(0, 600))
            )
    for organization_id in (org.pk, other.pk, None):
        kwargs: dict[str, Any] = {
            "lat": TASHKENT[0],
            "lon": TASHKENT[1],
            "radius_m": 6000,
            "limit": 20,
            "organization_id": organization_id,
            "now": now,
            "cooldown_seconds": 300,
        }
        statement = selectors.nearest_helpers(**kwargs)
        with mock.patch("lifeline.sos.nearest.candidates", return_value=None):
            orm = selectors.nearest_helpers(**kwargs)
        assert statement == orm
        assert statement  # the data gives both paths something to find


def test_one_query_whatever_the_number_of_helpers(org: Any, django_assert_num_queries: Any) -> None:
    for i in range(30):
        helper_at(org, *offset(*TASHKENT, north_m=100 * i))
    with django_assert_num_queries(1):
        assert len(near(org, cooldown_seconds=300)) == 30
    with django_assert_num_queries(1):  # the (lat, lon) fallback of huge radii
        assert len(near(org, radius_m=500_000)) == 30


def test_ranking_gives_the_haversine_to_the_bit_nearest_first_ties_by_id() -> None:
    rng = random.Random(5)
    origin = (TASHKENT[0] + 0.01, TASHKENT[1] - 0.02)
    points = [
        (
            UserFactory.build().pk,
            TASHKENT[0] + rng.uniform(-0.06, 0.06),
            TASHKENT[1] + rng.uniform(-0.08, 0.08),
        )
        for _ in range(300)
    ]
    low, high = sorted(UserFactory.build().pk for _ in range(2))
    points += [(high, origin[0] + 0.001, origin[1]), (low, origin[0] + 0.001, origin[1])]
    excluded = {points[3][0]}
    expected = sorted(
        (geo.haversine_m(*origin, lat, lon), key)
        for key, lat, lon in points
        if geo.haversine_m(*origin, lat, lon) <= 4000 and key not in excluded
    )
    assert 50 < len(expected) < 250  # the data crosses the radius both ways
    ranked = geo.nearest_within(*origin, points, 4000, 1000, excluded)
    assert ranked == expected  # exact floats, exact order
    keys = [key for _distance, key in ranked]
    assert keys.index(low) + 1 == keys.index(high)  # the same distance: by id
    assert geo.nearest_within(*origin, points, 4000, 10, excluded) == expected[:10]
    assert geo.nearest_within(*origin, points, 4000, 0) == []


@pytest.mark.postgres
def test_postgresql_prepares_the_statement_once_per_connection(org: Any) -> None:
    from django.db import connection

    assert connection.vendor == "postgresql"
    for i in range(3):
        helper_at(org, *offset(*TASHKENT, north_m=100 * i))

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    before = prepared()
    for _ in range(3):
        assert len(near(org, cooldown_seconds=300)) == 3
    added = [s for s in prepared() if s not in before]
    assert len(added) == 1  # planned once, executed three times
    assert "sos_helperprofile" in added[0]
    # Django's own cursors still bind on the client and prepare nothing, however often the
    # same query runs (psycopg's default would prepare it from the fifth run).
    for _ in range(6):
        assert HelperProfile.objects.filter(opted_in=True).count() == 3
    assert len(prepared()) == len(before) + 1
