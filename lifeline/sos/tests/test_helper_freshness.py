"""A helper whose location is too old is not alerted: the helper page says so and offers to
share it; `serve --demo` keeps the demo helper's location fresh."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from config.celery import app
from lifeline.access.enums import Role
from lifeline.core.scheduler import beat_entries
from lifeline.sos import selectors
from lifeline.sos.demo import DEMO_REFRESH_ENTRY
from lifeline.sos.models import HelperProfile
from lifeline.sos.tests.factories import TASHKENT, helper_at, offset

pytestmark = pytest.mark.django_db


def browser(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    return client


def test_a_helper_with_a_stale_location_is_told_and_offered_to_share_it(org: Any) -> None:
    helper = helper_at(org, *TASHKENT, fresh=False)  # shared an hour ago

    page = browser(helper).get("/sos/helper/").content.decode()

    assert 'data-testid="location-stale"' in page
    assert "Your location was shared 1\xa0hour ago: too old for you to be alerted" in page
    assert 'data-share-location data-url="/api/v1/sos/helper/"' in page
    assert "<script" not in page.split('data-testid="location-stale"')[1].split("</div>")[0]


def test_the_notice_is_russian_in_russian(org: Any) -> None:
    helper = helper_at(org, *TASHKENT, fresh=False)

    page = browser(helper, "ru").get("/sos/helper/").content.decode()

    assert "слишком давно, чтобы вас оповещали о SOS рядом" in page
    assert "Поделиться местоположением сейчас" in page
    assert "Share my location now" not in page


def test_a_helper_who_never_shared_is_told_too(org: Any) -> None:
    helper = helper_at(org, *TASHKENT)
    HelperProfile.objects.filter(user=helper).update(lat=None, lon=None, location_at=None)

    page = browser(helper).get("/sos/helper/").content.decode()

    assert "You have not shared your location: you cannot be alerted" in page


def test_a_fresh_location_shows_no_notice(org: Any) -> None:
    helper = helper_at(org, *TASHKENT)

    page = browser(helper).get("/sos/helper/").content.decode()

    assert 'data-testid="location-stale"' not in page
    assert "data-share-location" not in page


def test_sharing_through_the_api_makes_the_helper_alertable_again(org: Any) -> None:
    helper = helper_at(org, *TASHKENT, fresh=False)
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(helper, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    page = csrf.get("/sos/helper/")
    token = page.context["csrf_token"]

    response = csrf.patch(
        "/api/v1/sos/helper/",
        {"lat": TASHKENT[0], "lon": TASHKENT[1]},
        content_type="application/json",
        headers={"x-csrftoken": str(token)},
    )

    assert response.status_code == 200, response.content
    assert 'data-testid="location-stale"' not in csrf.get("/sos/helper/").content.decode()


@pytest.fixture
def demo_schedule(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.VAR_DIR = tmp_path
    app.conf.beat_schedule.pop(DEMO_REFRESH_ENTRY, None)
    yield
    app.conf.beat_schedule.pop(DEMO_REFRESH_ENTRY, None)


def test_the_beat_has_no_demo_refresher_without_the_demo(demo_schedule: None) -> None:
    assert DEMO_REFRESH_ENTRY not in {e.name for e in beat_entries(app.conf.beat_schedule)}


def test_serve_demo_keeps_the_demo_helper_alertable(demo_schedule: None, org: Any) -> None:
    call_command("seed_demo", verbosity=0)
    real = helper_at(org, *offset(*TASHKENT, north_m=100), fresh=False)
    demo_helper = HelperProfile.objects.get(user__email="helper@demo.lifeline.local")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    HelperProfile.objects.filter(pk=demo_helper.pk).update(location_at=an_hour_ago)

    # The seed added the refresher to this process's beat (what `serve --demo` starts next).
    entries = {e.name: e for e in beat_entries(app.conf.beat_schedule)}
    assert (entries[DEMO_REFRESH_ENTRY].task, entries[DEMO_REFRESH_ENTRY].interval) == (
        "sos.demo_keep_helpers_fresh", 60.0,
    )  # fmt: skip
    app.loader.import_default_modules()  # as the embedded beat does at start
    assert app.tasks["sos.demo_keep_helpers_fresh"].apply().get() == 1

    demo_helper.refresh_from_db()
    assert demo_helper.location_at > timezone.now() - timedelta(seconds=5)
    assert HelperProfile.objects.get(user=real).location_at < an_hour_ago + timedelta(minutes=1)
    found = selectors.nearest_helpers(lat=demo_helper.lat, lon=demo_helper.lon, radius_m=1000,
                                      limit=10)  # fmt: skip
    assert [h.user_id for h in found] == [demo_helper.user_id]
    assert demo_helper.user.memberships.filter(role=Role.HELPER).exists()
