"""The wearer profile (birth date, emergency notes): API, page, validation, scope, audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.accounts.tests.factories import UserFactory
from lifeline.audit.models import AuditEvent
from lifeline.sos.models import WearerProfile
from lifeline.sos.services.profiles import _years_before
from lifeline.sos.tests.conftest import client_for
from lifeline.sos.tests.factories import WearerProfileFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/sos/profile/"
NOTES = "Type 1 diabetes; allergic to penicillin; takes warfarin."


def _reads(profile: WearerProfile) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            action="sos.wearerprofile_viewed", target_id=str(profile.pk)
        ).values_list("actor_id", flat=True)
    )


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(1950, 6, 15), date(2026, 6, 14), 75),
        (date(1950, 6, 15), date(2026, 6, 15), 76),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2026, 1, 1), date(2026, 12, 31), 0),
    ],
)
def test_age_is_completed_years(born: date, day: date, age: int) -> None:
    assert WearerProfile(birth_date=born).age_on(day) == age
    assert WearerProfile().age_on(day) is None


def test_a_new_wearer_reads_an_empty_profile_and_no_read_is_recorded(wearer: Any) -> None:
    response = client_for(wearer).get(URL)

    assert response.status_code == 200
    assert response.json() == {"birth_date": None, "emergency_notes": "", "updated_at": None}
    assert not AuditEvent.objects.filter(action="sos.wearerprofile_viewed").exists()


def test_put_stores_the_profile_and_audits_without_the_values(wearer: Any) -> None:
    response = client_for(wearer).put(
        URL, {"birth_date": "1950-06-15", "emergency_notes": f"  {NOTES} "}, format="json"
    )

    assert response.status_code == 200
    profile = WearerProfile.objects.get(user=wearer)
    assert (profile.birth_date, profile.emergency_notes) == (date(1950, 6, 15), NOTES)
    assert response.json() == {
        "birth_date": "1950-06-15",
        "emergency_notes": NOTES,
        "updated_at": profile.updated_at.isoformat().replace("+00:00", "Z"),
    }
    update = AuditEvent.objects.get(action="sos.wearer_profile_updated")
    assert (update.actor_id, update.target_id) == (str(wearer.pk), str(profile.pk))
    assert update.metadata == {"fields": ["birth_date", "emergency_notes"]}
    assert update.changes == {}


def test_get_returns_the_own_profile_and_the_read_is_audited(wearer: Any) -> None:
    profile = WearerProfileFactory(user=wearer, birth_date=date(1950, 6, 15), emergency_notes=NOTES)

    body = client_for(wearer).get(URL).json()

    assert (body["birth_date"], body["emergency_notes"]) == ("1950-06-15", NOTES)
    assert _reads(profile) == [str(wearer.pk)]


def test_put_without_fields_clears_the_profile(wearer: Any) -> None:
    WearerProfileFactory(user=wearer, birth_date=date(1950, 6, 15), emergency_notes=NOTES)

    response = client_for(wearer).put(URL, {}, format="json")

    assert response.status_code == 200
    profile = WearerProfile.objects.get(user=wearer)
    assert (profile.birth_date, profile.emergency_notes) == (None, "")


def _bad_bodies() -> list[Any]:
    today = timezone.localdate()
    return [
        pytest.param(
            {"birth_date": str(today + timedelta(days=1))},
            "birth_date",
            "The birth date is in the future.",
            id="future",
        ),
        pytest.param(
            {"birth_date": str(_years_before(today, 130) - timedelta(days=1))},
            "birth_date",
            "The birth date is more than 130 years ago.",
            id="over 130 years",
        ),
        pytest.param(
            {"birth_date": "15.06.1950"},
            "birth_date",
            None,
            id="not a date",
        ),
        pytest.param(
            {"emergency_notes": "x" * 1001},
            "emergency_notes",
            "Ensure this field has no more than 1000 characters.",
            id="notes too long",
        ),
    ]


@pytest.mark.parametrize(("body", "field", "message"), _bad_bodies())
def test_invalid_input_names_the_field_and_stores_nothing(
    wearer: Any, body: dict[str, Any], field: str, message: str | None
) -> None:
    profile = WearerProfileFactory(user=wearer, birth_date=date(1950, 6, 15), emergency_notes=NOTES)
    before = profile.updated_at

    response = client_for(wearer).put(URL, body, format="json")

    assert response.status_code == 400
    problem = response.json()
    assert list(problem["errors"]) == [field]
    if message is not None:
        assert problem["errors"][field] == [message]
    profile.refresh_from_db()
    assert (profile.birth_date, profile.emergency_notes, profile.updated_at) == (
        date(1950, 6, 15),
        NOTES,
        before,
    )
    assert not AuditEvent.objects.filter(action="sos.wearer_profile_updated").exists()


def test_the_oldest_accepted_birth_date_is_130_years_ago(wearer: Any) -> None:
    oldest = _years_before(timezone.localdate(), 130)

    response = client_for(wearer).put(URL, {"birth_date": str(oldest)}, format="json")

    assert response.status_code == 200
    assert WearerProfile.objects.get(user=wearer).birth_date == oldest


def test_another_user_neither_reads_nor_changes_the_profile(wearer: Any) -> None:
    profile = WearerProfileFactory(user=wearer, birth_date=date(1950, 6, 15), emergency_notes=NOTES)
    other = UserFactory()

    read = client_for(other).get(URL)
    written = client_for(other).put(
        URL, {"birth_date": "1990-01-01", "emergency_notes": "changed"}, format="json"
    )
    anonymous = [client_for(None).get(URL), client_for(None).put(URL, {}, format="json")]

    assert read.json() == {"birth_date": None, "emergency_notes": "", "updated_at": None}
    assert written.json()["emergency_notes"] == "changed"  # the other user's own profile
    assert [r.status_code for r in anonymous] == [401, 401]
    profile.refresh_from_db()
    assert (profile.birth_date, profile.emergency_notes) == (date(1950, 6, 15), NOTES)
    assert WearerProfile.objects.get(user=other).birth_date == date(1990, 1, 1)
    assert _reads(profile) == []


# --- the SOS page -------------------------------------------------------------------------
def _page_client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    return client


def test_the_page_saves_the_profile_and_shows_it_audited(wearer: Any) -> None:
    client = _page_client(wearer)

    saved = client.post(
        "/sos/profile/", {"birth_date": "1950-06-15", "emergency_notes": NOTES}, follow=True
    )

    profile = WearerProfile.objects.get(user=wearer)
    assert (profile.birth_date, profile.emergency_notes) == (date(1950, 6, 15), NOTES)
    body = saved.content.decode()
    assert "Your information for the ambulance crew is saved." in body
    assert 'name="birth_date" value="1950-06-15"' in body
    assert f"{NOTES}</textarea>" in body
    assert _reads(profile) == [str(wearer.pk)]
    # The live refresh of the "My SOS" card does not show the profile: no read recorded.
    client.get("/sos/?partial=my-sos")
    assert _reads(profile) == [str(wearer.pk)]


def test_the_page_names_the_invalid_field_and_stores_nothing(wearer: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)

    body = (
        _page_client(wearer)
        .post("/sos/profile/", {"birth_date": str(tomorrow), "emergency_notes": NOTES}, follow=True)
        .content.decode()
    )

    assert "Birth date: The birth date is in the future." in body
    assert not WearerProfile.objects.filter(user=wearer).exists()
    assert not AuditEvent.objects.filter(action="sos.wearer_profile_updated").exists()


def test_a_new_wearers_page_records_no_profile_read(wearer: Any) -> None:
    body = _page_client(wearer).get("/sos/").content.decode()

    assert 'data-testid="wearer-profile"' in body
    assert not AuditEvent.objects.filter(action="sos.wearerprofile_viewed").exists()
