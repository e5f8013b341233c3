"""Issue 19 §2, the parts built in the second pass: avatars and post images through the files
service, trust levels that unlock links and images, per-channel notification levels and
@mentions through notify_many, and view counters without a row per view."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifeline.accounts.tests.factories import UserFactory
from lifeline.content.enums import NotificationLevel, Visibility
from lifeline.content.models import ChannelMembership, Post, PostImage, Reader, ReadingDay
from lifeline.content.services import media
from lifeline.content.services import views as view_services
from lifeline.content.services.channels import (
    channel_create,
    channel_join,
    notification_level_set,
)
from lifeline.content.services.comments import comment_create, comment_like
from lifeline.content.services.posts import post_create
from lifeline.content.tests.conftest import client_for
from lifeline.content.tests.factories import ChannelFactory, member
from lifeline.content.trust import trust_of
from lifeline.core.exceptions import DomainError
from lifeline.files.models import StoredFile
from lifeline.files.tests.samples import png
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db

API = "/api/v1/content"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return root


def _png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), content_type="image/png")


def _blobs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _read(user: Any, n: int, minutes: int | None = None) -> None:
    """`n` posts read, and (unless given) two minutes of reading per post, in one channel."""
    Reader.objects.update_or_create(user=user, defaults={"posts_read": n})
    ReadingDay.objects.update_or_create(
        user=user,
        channel=ChannelFactory(),
        day=date(2026, 1, 1),
        defaults={"seconds": 60 * (2 * n if minutes is None else minutes)},
    )


def _notified(topic: str) -> list[Any]:
    return sorted(
        str(u)
        for u in Notification.objects.filter(topic=topic).values_list("recipient_id", flat=True)
    )


# --- avatars ---------------------------------------------------------------------------------


def test_an_admin_sets_the_avatar_of_a_private_channel_only_members_see_it(
    owner: Any, private_channel: Any, stranger: Any
) -> None:
    reader = member(private_channel)
    response = client_for(owner).put(
        f"{API}/channels/{private_channel.slug}/avatar/", {"file": _png()}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["avatar_url"] == f"/channels/c/{private_channel.slug}/avatar/"
    private_channel.refresh_from_db()
    stored = private_channel.avatar
    assert (stored.kind, stored.content_type, stored.attached_label) == (
        "image",
        "image/png",
        "content.channel",
    )
    url = f"/channels/c/{private_channel.slug}/avatar/"
    inside = Client()
    inside.force_login(reader)
    got = inside.get(url)
    assert (got.status_code, got["Content-Type"]) == (200, "image/png")
    assert b"".join(got.streaming_content).startswith(b"\x89PNG")
    outside = Client()
    outside.force_login(stranger)
    assert outside.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_member_cannot_change_the_avatar_and_nothing_is_stored(
    channel: Any, reader: Any, media_root: Path
) -> None:
    response = client_for(reader).put(
        f"{API}/channels/{channel.slug}/avatar/", {"file": _png()}, format="multipart"
    )
    assert (response.status_code, response.json()["code"]) == (403, "content.forbidden")
    channel.refresh_from_db()
    assert channel.avatar_id is None
    assert StoredFile.objects.filter(deleted_at__isnull=True).count() == 0


def test_a_new_avatar_replaces_the_old_one_and_a_text_file_is_refused(
    owner: Any, channel: Any
) -> None:
    media.avatar_set(actor=owner, channel=channel, upload=_png())
    first = channel.avatar
    media.avatar_set(actor=owner, channel=channel, upload=_png())
    first.refresh_from_db()
    assert first.is_deleted
    refused = client_for(owner).put(
        f"{API}/channels/{channel.slug}/avatar/",
        {"file": SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")},
        format="multipart",
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "files.type_not_allowed")
    assert client_for(owner).delete(f"{API}/channels/{channel.slug}/avatar/").status_code == 204
    channel.refresh_from_db()
    assert channel.avatar_id is None


# --- trust levels: links and images --------------------------------------------------------


def test_trust_levels_come_from_reading_writing_and_likes(channel: Any, reader: Any) -> None:
    assert trust_of(reader, channel).level == 0
    _read(reader, 5)
    assert trust_of(reader, channel).level == 1
    _read(reader, 20)
    first = post_create(actor=reader, channel=channel, title="a", body="one")
    post_create(actor=reader, channel=channel, title="b", body="two")
    comment_create(actor=reader, post=first, body="three")
    assert trust_of(reader, channel).level == 1  # no like received yet
    Post.objects.filter(pk=first.pk).update(like_count=1)
    trust = trust_of(reader, channel)
    assert (trust.level, trust.posts_read, trust.written, trust.likes_received) == (2, 20, 3, 1)


def test_channel_staff_have_the_top_level_in_their_channel_only(
    channel: Any, moderator: Any
) -> None:
    other = channel_create(actor=UserFactory(), name="Other")
    assert (trust_of(moderator, channel).level, trust_of(moderator, other).level) == (2, 0)


def test_a_new_member_cannot_post_a_link_and_nothing_is_stored(channel: Any, reader: Any) -> None:
    response = client_for(reader).post(
        f"{API}/channels/{channel.slug}/posts/",
        {"title": "Spam", "body": '<a href="https://example.com">buy</a>'},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "content.links_not_allowed")
    assert list(response.json()["errors"]) == ["body"]
    assert Post.objects.count() == 0
    _read(reader, 5)
    allowed = client_for(reader).post(
        f"{API}/channels/{channel.slug}/posts/",
        {"title": "Ok", "body": '<a href="https://example.com">read</a>'},
        format="json",
    )
    assert allowed.status_code == 201
    assert 'href="https://example.com"' in allowed.json()["body"]


def test_a_new_member_cannot_comment_a_link(channel: Any, owner: Any, reader: Any) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    response = client_for(reader).post(
        f"{API}/posts/{post.pk}/comments/",
        {"body": '<a href="https://example.com">x</a>'},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "content.links_not_allowed")
    assert post.comments.count() == 0


def test_images_need_trust_level_two_and_a_refusal_stores_nothing(
    channel: Any, reader: Any, media_root: Path
) -> None:
    _read(reader, 5)
    response = client_for(reader).post(
        f"{API}/channels/{channel.slug}/posts/",
        {"title": "Pics", "body": "look", "images": [_png()]},
        format="multipart",
    )
    assert (response.status_code, response.json()["code"]) == (403, "content.images_not_allowed")
    assert (Post.objects.count(), PostImage.objects.count(), StoredFile.objects.count()) == (
        0,
        0,
        0,
    )
    assert _blobs(media_root) == []


def test_a_trusted_member_posts_images_served_only_to_readers(
    owner: Any, private_channel: Any, stranger: Any
) -> None:
    response = client_for(owner).post(
        f"{API}/channels/{private_channel.slug}/posts/",
        {"title": "Pics", "body": "look", "images": [_png("a.png"), _png("b.png")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    images = list(PostImage.objects.order_by("position"))
    assert [i.position for i in images] == [0, 1]
    assert response.json()["image_urls"] == [f"/channels/images/{i.pk}/" for i in images]
    assert {i.file.attached_label for i in images} == {"content.postimage"}
    reader = member(private_channel)
    inside = Client()
    inside.force_login(reader)
    assert inside.get(f"/channels/images/{images[0].pk}/").status_code == 200
    outside = Client()
    outside.force_login(stranger)
    assert outside.get(f"/channels/images/{images[0].pk}/").status_code == 404
    assert Client().get(f"/channels/images/{images[0].pk}/").status_code == 404
    # The generic files endpoint asks the same question.
    assert client_for(stranger).get(f"/api/v1/files/{images[0].file_id}/").status_code == 404


def test_more_than_four_images_are_refused(owner: Any, channel: Any) -> None:
    response = client_for(owner).post(
        f"{API}/channels/{channel.slug}/posts/",
        {"title": "Pics", "body": "look", "images": [_png() for _ in range(5)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["images"]
    assert Post.objects.count() == 0


# --- notification levels and mentions ------------------------------------------------------


def test_watchers_hear_of_new_posts_normal_members_do_not_muted_hear_nothing(
    owner: Any, channel: Any
) -> None:
    watcher = member(channel, notification_level=NotificationLevel.WATCHING)
    normal = member(channel)
    muted = member(channel, notification_level=NotificationLevel.MUTED)
    ChannelMembership.objects.filter(user=muted).update(handle="muted-one")
    post_create(actor=owner, channel=channel, title="News", body="hello @muted-one")
    assert _notified("content.post_created") == [str(watcher.pk)]
    assert _notified("content.mention") == []
    assert normal.pk not in {n.recipient_id for n in Notification.objects.all()}


def test_a_mention_notifies_the_member_once_with_the_most_specific_topic(
    owner: Any, channel: Any
) -> None:
    named = member(channel, notification_level=NotificationLevel.WATCHING)
    ChannelMembership.objects.filter(user=named).update(handle="anna")
    post = post_create(
        actor=owner, channel=channel, title="Hi", body="<p>@anna, @anna and mail a@anna.ru</p>"
    )
    notes = list(Notification.objects.filter(recipient=named))
    assert [(n.topic, n.data["post_id"]) for n in notes] == [("content.mention", str(post.pk))]
    assert notes[0].data["channel_name"] == "Рыбалка"


def test_a_reply_notifies_the_parent_author_not_the_writer(owner: Any, channel: Any) -> None:
    writer = member(channel)
    post = post_create(actor=owner, channel=channel, title="Q", body="?")
    parent = comment_create(actor=writer, post=post, body="first")
    assert _notified("content.reply") == [str(owner.pk)]  # a comment on the owner's post
    Notification.objects.all().delete()
    comment_create(actor=owner, post=post, body="answer", parent=parent)
    assert _notified("content.reply") == [str(writer.pk)]


def test_a_private_channel_never_tells_outsiders(owner: Any, private_channel: Any) -> None:
    asked = UserFactory(full_name="Out Sider")
    channel_join(actor=asked, channel=private_channel)  # a request, not a member
    handle = ChannelMembership.objects.get(user=asked).handle
    assert handle == "out-sider"
    post_create(actor=owner, channel=private_channel, title="S", body=f"@{handle}")
    assert Notification.objects.count() == 0


def test_handles_are_unique_in_a_channel_and_never_made_from_the_email(channel: Any) -> None:
    a = member(channel, user=UserFactory(full_name="Иван Петров"))
    b = member(channel, user=UserFactory(full_name="Иван Петров"))
    c = member(channel, user=UserFactory(full_name="", first_name="", last_name=""))
    handles = dict(ChannelMembership.objects.values_list("user_id", "handle"))
    assert (handles[a.pk], handles[b.pk]) == ("ivan-petrov", "ivan-petrov-2")
    assert handles[c.pk] == "member"


def test_the_level_is_set_by_the_api_and_validated(
    channel: Any, reader: Any, stranger: Any
) -> None:
    url = f"{API}/channels/{channel.slug}/notifications/"
    ok = client_for(reader).put(url, {"level": "watching"}, format="json")
    assert (ok.status_code, ok.json()["my_notification_level"]) == (200, "watching")
    bad = client_for(reader).put(url, {"level": "loud"}, format="json")
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["level"])
    assert ChannelMembership.objects.get(user=reader).notification_level == "watching"
    outsider = client_for(stranger).put(url, {"level": "muted"}, format="json")
    assert (outsider.status_code, outsider.json()["code"]) == (403, "content.not_a_member")
    with pytest.raises(DomainError):
        notification_level_set(actor=stranger, channel=channel, level="muted")


def test_the_trust_endpoint_tells_what_is_unlocked(channel: Any, reader: Any) -> None:
    _read(reader, 6)
    body = client_for(reader).get(f"{API}/channels/{channel.slug}/trust/").json()
    assert body == {
        "level": 1,
        "posts_read": 6,
        "read_minutes": 12,
        "written": 0,
        "likes_received": 0,
        "may_link": True,
        "may_post_images": False,
    }


# --- views ---------------------------------------------------------------------------------


def test_views_count_once_per_reader_and_window_without_a_row_per_view(
    owner: Any, channel: Any, reader: Any, stranger: Any, settings: Any
) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    calls = [
        (reader, None),
        (reader, None),
        (stranger, None),
        (None, "10.0.0.1"),
        (None, "10.0.0.1"),
        (None, "10.0.0.2"),
        (None, None),
        (owner, None),
    ]
    counted = [
        view_services.post_view(post=post, user=user or AnonymousUser(), ip=ip)
        for user, ip in calls
    ]
    assert counted == [True, False, True, True, False, True, False, True]
    post.refresh_from_db()
    assert post.view_count == 5
    # The author's own view does not count as reading; others' do, once per window.
    assert dict(Reader.objects.values_list("user_id", "posts_read")) == {
        reader.pk: 1,
        stranger.pk: 1,
    }


def test_the_post_api_counts_a_view(owner: Any, channel: Any, reader: Any) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    assert client_for(reader).get(f"{API}/posts/{post.pk}/").json()["view_count"] == 1
    assert client_for(reader).get(f"{API}/posts/{post.pk}/").json()["view_count"] == 1


def test_liking_a_comment_counts_toward_trust(owner: Any, channel: Any, reader: Any) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    comment = comment_create(actor=reader, post=post, body="c")
    comment_like(actor=owner, comment=comment)
    assert trust_of(reader, channel).likes_received == 1


# --- reading time --------------------------------------------------------------------------


def test_reading_time_is_one_row_per_day_and_never_faster_than_the_clock(
    owner: Any, channel: Any, reader: Any, time_machine: Any
) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    other = post_create(actor=owner, channel=channel, title="U", body="c")
    url = f"{API}/posts/{post.pk}/reading/"
    client = client_for(reader)
    time_machine.move_to("2026-03-02T10:00:00Z", tick=False)
    assert client.post(url, {"seconds": 30}, format="json").json() == {"counted": 30}
    # A second report at once (another tab, a replay) adds only the slack.
    assert client.post(url, {"seconds": 30}, format="json").json() == {"counted": 2}
    time_machine.move_to("2026-03-02T10:00:30Z", tick=False)
    again = client.post(f"{API}/posts/{other.pk}/reading/", {"seconds": 30}, format="json")
    assert again.json() == {"counted": 30}
    assert list(ReadingDay.objects.values_list("user_id", "channel_id", "day", "seconds")) == [
        (reader.pk, channel.pk, date(2026, 3, 2), 62)
    ]


def test_a_reading_report_out_of_range_or_outside_the_readers_scope_stores_nothing(
    owner: Any, reader: Any, stranger: Any
) -> None:
    private = channel_create(actor=owner, name="Closed", visibility=Visibility.PRIVATE)
    hidden = post_create(actor=owner, channel=private, title="T", body="b")
    url = f"{API}/posts/{hidden.pk}/reading/"
    assert client_for(stranger).post(url, {"seconds": 30}, format="json").status_code == 404
    assert client_for(None).post(url, {"seconds": 30}, format="json").status_code == 401
    for seconds in (0, 61, "x"):
        bad = client_for(owner).post(url, {"seconds": seconds}, format="json")
        assert (bad.status_code, list(bad.json()["errors"])) == (400, ["seconds"])
    assert ReadingDay.objects.count() == 0


def test_reading_time_is_needed_for_each_trust_level(channel: Any, reader: Any) -> None:
    _read(reader, 5, minutes=4)
    assert trust_of(reader, channel).level == 0
    ReadingDay.objects.filter(user=reader).update(seconds=5 * 60)
    assert (trust_of(reader, channel).level, trust_of(reader, channel).read_minutes) == (1, 5)
