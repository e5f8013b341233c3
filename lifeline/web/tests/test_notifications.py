"""The inbox (list, mark read / all, archive, live fragment) and the preferences page."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client

from lifeline.accounts.tests.factories import UserFactory
from lifeline.notifications.models import Notification, NotificationPreference, QuietHours
from lifeline.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory()


def _notify(user, n: int = 1) -> list[Notification]:
    return [notify(user, "system.test", {}) for _ in range(n)]


def test_inbox_lists_only_my_notifications_newest_first(client: Client, user):
    first, second = _notify(user, 2)
    _notify(UserFactory())
    client.force_login(user)

    response = client.get("/notifications/")

    assert response.status_code == 200
    assert [n.pk for n in response.context["notifications"]] == [second.pk, first.pk]
    assert response.context["unread_count"] == 2
    html = response.content.decode()
    assert html.count("data-notification-id=") == 2
    assert 'data-inbox-live data-fragment-url="/notifications/?fragment=list"' in html


def test_inbox_query_count_does_not_grow_with_the_list(
    client: Client, user, django_assert_max_num_queries
):
    _notify(user, 15)
    client.force_login(user)
    client.get("/notifications/")  # warm the session

    with django_assert_max_num_queries(12):
        response = client.get("/notifications/")

    assert len(response.context["notifications"]) == 15


def test_inbox_fragment_is_the_list_only(client: Client, user):
    _notify(user)
    client.force_login(user)

    response = client.get("/notifications/?fragment=list")

    html = response.content.decode()
    assert html.lstrip().startswith("<div data-inbox-live")
    assert "<html" not in html


def test_mark_one_read(client: Client, user):
    notification, other = _notify(user, 2)
    client.force_login(user)

    response = client.post(f"/notifications/{notification.pk}/read/")

    assert (response.status_code, response["Location"]) == (302, "/notifications/")
    notification.refresh_from_db()
    other.refresh_from_db()
    assert (notification.read_at is not None, other.read_at) == (True, None)
    assert client.get("/notifications/?show=unread").context["notifications"] == [other]


def test_mark_all_read(client: Client, user):
    _notify(user, 3)
    mine_elsewhere = _notify(UserFactory())[0]
    client.force_login(user)

    response = client.post("/notifications/read-all/", {"show": "unread"})

    assert (response.status_code, response["Location"]) == (302, "/notifications/?show=unread")
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    mine_elsewhere.refresh_from_db()
    assert mine_elsewhere.read_at is None


def test_archive(client: Client, user):
    notification = _notify(user)[0]
    client.force_login(user)

    client.post(f"/notifications/{notification.pk}/archive/")

    notification.refresh_from_db()
    assert notification.archived_at is not None
    assert client.get("/notifications/").context["notifications"] == []
    assert client.get("/notifications/?show=archived").context["notifications"] == [notification]


@pytest.mark.parametrize("action", ["read", "archive"])
def test_someone_elses_notification_is_404_and_unchanged(client: Client, user, action: str):
    stranger = _notify(UserFactory())[0]
    client.force_login(user)

    response = client.post(f"/notifications/{stranger.pk}/{action}/")

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert (stranger.read_at, stranger.archived_at) == (None, None)


def test_actions_need_post(client: Client, user):
    notification = _notify(user)[0]
    client.force_login(user)

    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_header_badge_shows_the_unread_count(client: Client, user):
    _notify(user, 2)
    client.force_login(user)

    html = client.get("/").content.decode()

    assert "<span data-unread-count>2</span>" in html


# --- preferences ---------------------------------------------------------------------------
def test_preferences_show_every_topic_and_channel(client: Client, user):
    client.force_login(user)

    response = client.get("/notifications/preferences/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="pref:system.test:email" value="1" checked' in html
    assert 'name="pref:accounts.password_changed:sms" value="1">' in html  # default off


def test_preferences_save_only_what_changed_and_quiet_hours(client: Client, user):
    client.force_login(user)
    matrix = client.get("/notifications/preferences/").context["rows"]
    body = {c["name"]: "1" for row in matrix for c in row["channels"] if c["enabled"]}
    body.pop("pref:system.test:email")  # turn one off
    body["pref:accounts.password_changed:sms"] = "1"  # and one on
    body.update({"quiet_enabled": "on", "quiet_start": "22:30", "quiet_end": "06:45"})

    response = client.post("/notifications/preferences/", body)

    assert (response.status_code, response["Location"]) == (302, "/notifications/preferences/")
    assert sorted(
        NotificationPreference.objects.filter(user=user).values_list("topic", "channel", "enabled")
    ) == [("accounts.password_changed", "sms", True), ("system.test", "email", False)]
    quiet = QuietHours.objects.get(user=user)
    assert (quiet.enabled, quiet.start, quiet.end) == (True, time(22, 30), time(6, 45))


def test_preferences_refuse_equal_quiet_hours_and_store_nothing(client: Client, user):
    client.force_login(user)

    response = client.post(
        "/notifications/preferences/",
        {"quiet_enabled": "on", "quiet_start": "22:00", "quiet_end": "22:00"},
    )

    assert response.status_code == 400
    assert "Quiet hours must start and end at different times." in response.content.decode()
    assert NotificationPreference.objects.count() == 0
    assert QuietHours.objects.count() == 0


def test_preferences_refuse_a_bad_time(client: Client, user):
    client.force_login(user)

    response = client.post(
        "/notifications/preferences/", {"quiet_start": "25:00", "quiet_end": "07:00"}
    )

    assert response.status_code == 400
    assert response.context["quiet_form"].errors["quiet_start"]
    assert QuietHours.objects.count() == 0


def test_a_refused_form_keeps_the_choices_that_were_posted(client: Client, user):
    client.force_login(user)

    response = client.post(
        "/notifications/preferences/",
        {"pref:accounts.password_changed:sms": "1", "quiet_start": "x", "quiet_end": "07:00"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'name="pref:accounts.password_changed:sms" value="1" checked' in html
    assert 'name="pref:system.test:email" value="1">' in html


def test_preferences_page_reads_preferences_once(
    client: Client, user, django_assert_max_num_queries
):
    client.force_login(user)
    client.get("/notifications/preferences/")

    with django_assert_max_num_queries(10):
        assert client.get("/notifications/preferences/").status_code == 200
