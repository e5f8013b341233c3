"""Unread counts per channel and the "tracking" notification level (issue 19 §2, Discourse's
muted / normal / tracking / watching).

Every step runs at a fixed clock time (time_machine, not ticking), so "published after the
last read" is exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifeline.accounts.tests.factories import UserFactory
from lifeline.content.enums import ContentStatus, NotificationLevel, Visibility
from lifeline.content.models import Channel, ChannelMembership, Comment, Post
from lifeline.content.services.channels import (
    channel_create,
    channel_join,
    channel_mark_read,
    notification_level_set,
)
from lifeline.content.services.comments import comment_create
from lifeline.content.services.posts import post_create
from lifeline.content.tests.conftest import client_for
from lifeline.content.tests.factories import member
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db

API = "/api/v1/content"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@contextmanager
def at(minute: int) -> Iterator[None]:
    with time_machine.travel(T0 + timedelta(minutes=minute), tick=False):
        yield


def _unread(user: Any) -> dict[str, int | None]:
    """The `unread` field of every channel in the API list, as `user` sees it."""
    response = client_for(user).get(f"{API}/channels/")
    assert response.status_code == 200
    return {c["slug"]: c["unread"] for c in response.json()["results"]}


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(author: Any, channel: Any, title: str) -> Post:
    return post_create(actor=author, channel=channel, title=title, body="<p>text</p>")


def test_the_count_is_others_new_posts_since_the_member_last_opened_the_channel() -> None:
    with at(0):
        owner, reader = UserFactory(), UserFactory()
        channel = channel_create(actor=owner, name="Рыбалка")
        channel_join(actor=reader, channel=channel)
    with at(1):
        _post(owner, channel, "A")
    with at(2):
        _post(owner, channel, "B")
    with at(3):
        _post(reader, channel, "Mine")  # one's own posts never count
    with at(4):
        hidden = _post(owner, channel, "Hidden")
        Post.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    assert _unread(reader) == {channel.slug: 2}
    assert _unread(owner) == {channel.slug: 1}  # the reader's post
    assert _unread(None) == {channel.slug: None}  # anonymous: no count
    detail = client_for(reader).get(f"{API}/channels/{channel.slug}/").json()
    assert detail["unread"] == 2

    # Opening the channel page marks the posts of the last visit new, then the channel read.
    with at(5):
        page = _web(reader).get(f"/channels/c/{channel.slug}/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="post-new"') == 2  # A and B
    assert _unread(reader) == {channel.slug: 0}
    # Another member's state does not move.
    assert _unread(owner) == {channel.slug: 1}
    marks = dict(ChannelMembership.objects.values_list("user_id", "last_read_at"))
    assert marks == {owner.pk: None, reader.pk: T0 + timedelta(minutes=5)}

    with at(6):
        _post(owner, channel, "C")
    assert _unread(reader) == {channel.slug: 1}
    with at(7):
        again = _web(reader).get(f"/channels/c/{channel.slug}/").content.decode()
    assert again.count('data-testid="post-new"') == 1  # only C is new since minute 5
    assert _unread(reader) == {channel.slug: 0}


def test_tracking_and_watching_also_count_replies_in_my_discussions() -> None:
    with at(0):
        owner = UserFactory()
        channel = channel_create(actor=owner, name="Клуб")
        tracker, normal, watcher, muted, other = (UserFactory() for _ in range(5))
        for user, level in (
            (tracker, NotificationLevel.TRACKING),
            (normal, NotificationLevel.NORMAL),
            (watcher, NotificationLevel.WATCHING),
            (muted, NotificationLevel.MUTED),
            (other, NotificationLevel.NORMAL),
        ):
            channel_join(actor=user, channel=channel)
            notification_level_set(actor=user, channel=channel, level=level)
    with at(1):
        trackers_post = _post(tracker, channel, "The tracker's question")
        owners_post = _post(owner, channel, "The owner's news")
        unrelated = _post(owner, channel, "Nobody else's")
    with at(2):
        comment_create(actor=watcher, post=owners_post, body="the watcher takes part")
        comment_create(actor=normal, post=owners_post, body="the normal member takes part")
    with at(3):
        for user in (tracker, normal, watcher, muted):
            channel_mark_read(actor=user, channel=channel)
    with at(4):
        comment_create(actor=owner, post=trackers_post, body="a reply to the tracker")
        comment_create(actor=tracker, post=trackers_post, body="the tracker's own")
        comment_create(actor=owner, post=owners_post, body="one")
        comment_create(actor=owner, post=owners_post, body="two")
        hidden = comment_create(actor=other, post=owners_post, body="hidden later")
        Comment.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
        comment_create(actor=other, post=unrelated, body="in a post they took no part in")
    with at(5):
        _post(owner, channel, "A new post")

    counts = {
        name: _unread(user)[channel.slug]
        for name, user in (
            ("tracker", tracker),
            ("normal", normal),
            ("watcher", watcher),
            ("muted", muted),
        )
    }
    # tracker: their post's reply + the new post; normal: the new post only; watcher: the two
    # visible replies in the owner's post + the new post; muted: no count.
    assert counts == {"tracker": 2, "normal": 1, "watcher": 3, "muted": None}


def test_marking_read_changes_only_ones_own_rows_and_refuses_outsiders() -> None:
    with at(0):
        owner, reader, neighbour, stranger = (UserFactory() for _ in range(4))
        first = channel_create(actor=owner, name="First")
        second = channel_create(actor=owner, name="Second")
        elsewhere = channel_create(actor=owner, name="Elsewhere")
        secret = channel_create(actor=owner, name="Secret", visibility=Visibility.PRIVATE)
        for channel in (first, second):
            channel_join(actor=reader, channel=channel)
        channel_join(actor=neighbour, channel=first)
    with at(1):
        for channel in (first, second, elsewhere, secret):
            _post(owner, channel, f"News of {channel.name}")
    assert _unread(reader) == {"first": 1, "second": 1, "elsewhere": None}

    with at(2):
        response = client_for(reader).post(f"{API}/read-all/")
    assert (response.status_code, response.json()) == (200, {"channels": 2})
    assert _unread(reader) == {"first": 0, "second": 0, "elsewhere": None}
    assert _unread(neighbour)["first"] == 1

    with at(3):
        _post(owner, first, "More")
    with at(4):
        one = client_for(reader).post(f"{API}/channels/first/read/")
    assert (one.status_code, one.json()["unread"]) == (200, 0)
    assert _unread(neighbour)["first"] == 2

    before = dict(ChannelMembership.objects.values_list("pk", "last_read_at"))
    refused = client_for(stranger).post(f"{API}/channels/first/read/")
    assert (refused.status_code, refused.json()["code"]) == (403, "content.not_a_member")
    assert client_for(stranger).post(f"{API}/channels/secret/read/").status_code == 404
    assert client_for(None).post(f"{API}/read-all/").status_code == 401
    assert client_for(None).post(f"{API}/channels/first/read/").status_code == 401
    assert client_for(stranger).post(f"{API}/read-all/").json() == {"channels": 0}
    assert dict(ChannelMembership.objects.values_list("pk", "last_read_at")) == before


def test_the_channel_list_page_shows_counts_and_marks_all_read() -> None:
    with at(0):
        owner, reader = UserFactory(), UserFactory()
        loud = channel_create(actor=owner, name="Loud")
        quiet = channel_create(actor=owner, name="Quiet")
        for channel in (loud, quiet):
            channel_join(actor=reader, channel=channel)
        notification_level_set(actor=reader, channel=quiet, level=NotificationLevel.MUTED)
    with at(1):
        for n in range(3):
            _post(owner, loud, f"L{n}")
            _post(owner, quiet, f"Q{n}")
    client = _web(reader)
    page = client.get("/channels/?mine=1").content.decode()
    badges = re.findall(r'data-testid="unread">([^<]+)<', page)
    assert badges == ["3 unread"]  # the muted channel shows none
    in_russian = _web(reader)
    in_russian.cookies["django_language"] = "ru"
    russian = in_russian.get("/channels/?mine=1", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert re.findall(r'data-testid="unread">([^<]+)<', russian) == ["3 непрочитанных"]
    with at(2):
        response = client.post("/channels/read/")
    assert (response.status_code, response["Location"]) == (302, "/channels/?mine=1")
    assert 'data-testid="unread"' not in client.get("/channels/?mine=1").content.decode()
    assert set(
        ChannelMembership.objects.filter(user=reader).values_list("last_read_at", flat=True)
    ) == {T0 + timedelta(minutes=2)}
    assert ChannelMembership.objects.get(user=owner, channel=loud).last_read_at is None


def test_the_channel_list_with_counts_takes_a_constant_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    with at(0):
        owner, reader = UserFactory(), UserFactory()

    def grow(n: int, minute: int) -> None:
        with at(minute):
            for _ in range(n):
                channel = channel_create(actor=owner, name="C")
                channel_join(actor=reader, channel=channel)
                notification_level_set(
                    actor=reader, channel=channel, level=NotificationLevel.TRACKING
                )
        with at(minute + 1):
            for channel in Channel.objects.filter(memberships__user=reader):
                post = post_create(actor=owner, channel=channel, title="T", body="b")
                comment_create(actor=reader, post=post, body="mine")
                comment_create(actor=owner, post=post, body="a reply")

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = web.get("/channels/?mine=1")
        assert page.status_code == 200
        return sum('"content_' in q["sql"] for q in captured.captured_queries)

    web = _web(reader)
    grow(2, 0)
    client = client_for(reader)
    with django_assert_num_queries(3):  # count, page, my memberships with their counts
        small = client.get(f"{API}/channels/").json()
    small_page = page_queries()
    grow(10, 10)
    with django_assert_num_queries(3):
        big = client.get(f"{API}/channels/").json()
    big_page = page_queries()
    # The first two channels got two rounds of posts (1 post + 1 reply each), the rest one.
    assert sorted(c["unread"] for c in small["results"]) == [2, 2]
    assert sorted(c["unread"] for c in big["results"]) == [2] * 10 + [4, 4]
    assert small_page == big_page


def test_tracking_notifies_like_normal_replies_and_mentions_not_every_post(
    owner: Any, channel: Any
) -> None:
    tracker = member(channel, notification_level=NotificationLevel.TRACKING)
    ChannelMembership.objects.filter(user=tracker).update(handle="tracker")
    post = post_create(actor=owner, channel=channel, title="News", body="<p>hello</p>")
    assert not Notification.objects.filter(recipient=tracker).exists()
    post_create(actor=owner, channel=channel, title="Ping", body="<p>@tracker look</p>")
    mine = comment_create(actor=tracker, post=post, body="mine")
    comment_create(actor=owner, post=post, body="answer", parent=mine)
    topics = sorted(Notification.objects.filter(recipient=tracker).values_list("topic", flat=True))
    assert topics == ["content.mention", "content.reply"]


def test_the_level_form_offers_tracking(channel: Any, reader: Any) -> None:
    url = f"{API}/channels/{channel.slug}/notifications/"
    ok = client_for(reader).put(url, {"level": "tracking"}, format="json")
    assert (ok.status_code, ok.json()["my_notification_level"]) == (200, "tracking")
    page = _web(reader).get(f"/channels/c/{channel.slug}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<option value="tracking" selected>' in page.content.decode()
