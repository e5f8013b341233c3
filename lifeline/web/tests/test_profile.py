from __future__ import annotations

import pytest
from django.test import Client

from lifeline.accounts.tests.factories import UserFactory
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_profile_saves_names_language_and_time_zone(client: Client):
    user = UserFactory(full_name="Ada", language="en", time_zone="UTC")
    client.force_login(user)

    response = client.post(
        "/account/profile/",
        {
            "full_name": "Ada Lovelace",
            "last_name": "Lovelace",
            "first_name": "Ada",
            "middle_name": "",
            "language": "ru",
            "time_zone": "Europe/Moscow",
        },
    )

    assert (response.status_code, response["Location"]) == (302, "/account/profile/")
    user.refresh_from_db()
    assert (user.full_name, user.last_name, user.first_name, user.language, user.time_zone) == (
        "Ada Lovelace",
        "Lovelace",
        "Ada",
        "ru",
        "Europe/Moscow",
    )
    assert response.cookies["django_language"].value == "ru"
    assert AuditEvent.objects.filter(action="accounts.profile_updated").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"language": "de"}, "language"),
        ({"full_name": "", "first_name": "", "last_name": ""}, "full_name"),
    ],
)
def test_profile_refuses_invalid_values_and_changes_nothing(
    client: Client, change: dict, field: str
):
    user = UserFactory(full_name="Ada", language="en", time_zone="UTC")
    client.force_login(user)
    body = {"full_name": "New", "language": "en", "time_zone": "UTC", **change}

    response = client.post("/account/profile/", body)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    user.refresh_from_db()
    assert (user.full_name, user.language, user.time_zone) == ("Ada", "en", "UTC")
    assert AuditEvent.objects.filter(action="accounts.profile_updated").count() == 0


def test_dates_are_shown_in_the_users_time_zone(client: Client):
    from datetime import UTC, datetime

    from lifeline.accounts.tests.factories import LoginEventFactory

    user = UserFactory(time_zone="Asia/Vladivostok")  # UTC+10
    LoginEventFactory(user=user, created_at=datetime(2026, 1, 5, 20, 30, tzinfo=UTC))
    client.force_login(user)

    html = client.get("/account/security/").content.decode()

    assert "01/06/2026 6:30 a.m." in html
