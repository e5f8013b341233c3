from __future__ import annotations

from typing import Any

import pytest

from lifeline.accounts.tests.factories import UserFactory
from lifeline.content.enums import ChannelRole, ContentStatus, Visibility
from lifeline.content.models import Channel, ChannelMembership, Comment, Flag, Post, PostLike
from lifeline.content.services.channels import channel_create
from lifeline.content.services.comments import comment_create
from lifeline.content.services.posts import post_create
from lifeline.content.tests.conftest import client_for
from lifeline.content.tests.factories import member

pytestmark = pytest.mark.django_db

API = "/api/v1/content"


def test_a_member_creates_a_channel_another_joins_posts_replies_likes_and_flags(
    owner: Any, stranger: Any
) -> None:
    created = client_for(owner).post(
        f"{API}/channels/", {"name": "Зимняя рыбалка", "description": "Лёд"}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["slug"], body["my_role"], body["my_status"], body["member_count"]) == (
        "zimnyaya-rybalka",
        "owner",
        "active",
        1,
    )
    joined = client_for(stranger).post(f"{API}/channels/zimnyaya-rybalka/join/")
    assert (joined.status_code, joined.json()["my_role"], joined.json()["member_count"]) == (
        200,
        "member",
        2,
    )
    post = client_for(stranger).post(
        f"{API}/channels/zimnyaya-rybalka/posts/",
        {"title": "Лунка", "body": '<p>Hi<img src=x onerror="alert(1)"></p>'},
        format="json",
    )
    assert post.status_code == 201, post.json()
    assert post.json()["body"] == "<p>Hi</p>"
    post_id = post.json()["id"]
    parent = None
    ids = []
    for level in range(3):
        reply = client_for(owner if level % 2 else stranger).post(
            f"{API}/posts/{post_id}/comments/",
            {"body": f"level {level}", "parent": parent},
            format="json",
        )
        assert reply.status_code == 201, reply.json()
        parent = reply.json()["id"]
        ids.append(parent)
    assert client_for(owner).post(f"{API}/posts/{post_id}/like/").json() == {
        "liked": True,
        "like_count": 1,
    }
    assert client_for(owner).post(f"{API}/posts/{post_id}/like/").json()["like_count"] == 1
    assert client_for(owner).post(f"{API}/comments/{ids[2]}/like/").json()["like_count"] == 1
    flag = client_for(owner).post(
        f"{API}/flags/", {"comment": ids[0], "reason": "off_topic"}, format="json"
    )
    assert flag.status_code == 201, flag.json()
    thread = client_for(stranger).get(f"{API}/posts/{post_id}/comments/?sort=oldest").json()
    assert thread["count"] == 1
    root = thread["results"][0]
    assert (root["id"], root["depth"]) == (ids[0], 0)
    assert [(r["id"], r["depth"], r["parent_id"]) for r in root["replies"]] == [
        (ids[1], 1, ids[0]),
        (ids[2], 2, ids[1]),
    ]
    queue = client_for(owner).get(f"{API}/flags/").json()["results"]
    assert [(f["comment_id"], f["reason"], f["weight"]) for f in queue] == [
        (ids[0], "off_topic", 2)
    ]


def test_a_member_of_one_private_channel_cannot_read_another(owner: Any) -> None:
    first = channel_create(actor=owner, name="First", visibility=Visibility.PRIVATE)
    other_owner = UserFactory()
    second = channel_create(actor=other_owner, name="Second", visibility=Visibility.PRIVATE)
    post = post_create(actor=other_owner, channel=second, title="Secret", body="s")
    insider = member(first)
    client = client_for(insider)
    for url in (
        f"{API}/channels/{second.slug}/",
        f"{API}/channels/{second.slug}/posts/",
        f"{API}/posts/{post.pk}/",
        f"{API}/posts/{post.pk}/comments/",
    ):
        response = client.get(url)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), url
    for url in (f"{API}/posts/{post.pk}/like/", f"{API}/posts/{post.pk}/comments/"):
        assert client.post(url, {"body": "x"}, format="json").status_code == 404
    assert client.post(f"{API}/flags/", {"post": str(post.pk), "reason": "spam"}).status_code == (
        404
    )
    listed = client.get(f"{API}/channels/").json()["results"]
    assert [c["slug"] for c in listed] == ["first"]
    post.refresh_from_db()
    assert (post.like_count, post.comment_count, post.flag_score) == (0, 0, 0)
    assert (Comment.objects.count(), PostLike.objects.count(), Flag.objects.count()) == (0, 0, 0)


def test_asking_to_join_a_private_channel_shows_it_but_not_its_posts(
    private_channel: Any, owner: Any, stranger: Any
) -> None:
    post_create(actor=owner, channel=private_channel, title="Inside", body="b")
    asked = client_for(stranger).post(f"{API}/channels/{private_channel.slug}/join/")
    assert (asked.status_code, asked.json()["my_status"]) == (200, "requested")
    assert client_for(stranger).get(f"{API}/channels/{private_channel.slug}/").status_code == 200
    posts = client_for(stranger).get(f"{API}/channels/{private_channel.slug}/posts/")
    assert posts.status_code == 404
    approved = client_for(owner).post(
        f"{API}/channels/{private_channel.slug}/members/{stranger.pk}/approve/"
    )
    assert (approved.status_code, approved.json()["status"]) == (200, "active")
    posts = client_for(stranger).get(f"{API}/channels/{private_channel.slug}/posts/").json()
    assert [p["title"] for p in posts["results"]] == ["Inside"]


# Who may do what in a public channel: owner, admin, moderator, member, non-member, anonymous.
ROLES = ["owner", "admin", "moderator", "member", "non_member", "anonymous"]


def _actors(channel: Any, owner: Any) -> dict[str, Any]:
    return {
        "owner": owner,
        "admin": member(channel, ChannelRole.ADMIN),
        "moderator": member(channel, ChannelRole.MODERATOR),
        "member": member(channel),
        "non_member": UserFactory(),
        "anonymous": None,
    }


def _expected(role: str, allowed: set[str]) -> int:
    if role == "anonymous":
        return 401
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_matrix_post(channel: Any, owner: Any, role: str) -> None:
    actor = _actors(channel, owner)[role]
    response = client_for(actor).post(
        f"{API}/channels/{channel.slug}/posts/", {"title": "T", "body": "b"}, format="json"
    )
    want = {"owner": 201, "admin": 201, "moderator": 201, "member": 201}.get(role)
    assert response.status_code == (want or (401 if actor is None else 403))
    if want is None:
        assert Post.objects.count() == 0
        if actor is not None:
            assert response.json()["code"] == "content.not_a_member"


@pytest.mark.parametrize("role", ROLES)
def test_matrix_hide_a_comment(channel: Any, owner: Any, role: str) -> None:
    actors = _actors(channel, owner)
    post = post_create(actor=actors["member"], channel=channel, title="T", body="b")
    comment = comment_create(actor=actors["member"], post=post, body="c")
    response = client_for(actors[role]).post(f"{API}/comments/{comment.pk}/hide/")
    assert response.status_code == _expected(role, {"owner", "admin", "moderator"})
    comment.refresh_from_db()
    hidden = role in {"owner", "admin", "moderator"}
    assert comment.status == (ContentStatus.HIDDEN if hidden else ContentStatus.VISIBLE)


@pytest.mark.parametrize("role", ROLES)
def test_matrix_mute_a_member(channel: Any, owner: Any, role: str) -> None:
    actors = _actors(channel, owner)
    target = member(channel)
    response = client_for(actors[role]).post(
        f"{API}/channels/{channel.slug}/members/{target.pk}/mute/", {"minutes": 30}, format="json"
    )
    assert response.status_code == _expected(role, {"owner", "admin", "moderator"})
    muted = ChannelMembership.objects.get(channel=channel, user=target).muted_until
    assert (muted is not None) == (role in {"owner", "admin", "moderator"})


@pytest.mark.parametrize("role", ROLES)
def test_matrix_change_settings(channel: Any, owner: Any, role: str) -> None:
    actor = _actors(channel, owner)[role]
    response = client_for(actor).patch(
        f"{API}/channels/{channel.slug}/", {"description": "new"}, format="json"
    )
    assert response.status_code == _expected(role, {"owner", "admin"})
    channel.refresh_from_db()
    assert channel.description == ("new" if role in {"owner", "admin"} else "Fishing")


@pytest.mark.parametrize("role", ROLES)
def test_matrix_remove_a_member(channel: Any, owner: Any, role: str) -> None:
    actors = _actors(channel, owner)
    target = member(channel)
    response = client_for(actors[role]).delete(
        f"{API}/channels/{channel.slug}/members/{target.pk}/"
    )
    allowed = role in {"owner", "admin"}
    assert response.status_code == (204 if allowed else _expected(role, set()))
    assert ChannelMembership.objects.filter(channel=channel, user=target).exists() is not allowed


@pytest.mark.parametrize("role", ROLES)
def test_matrix_transfer_and_delete(channel: Any, owner: Any, role: str) -> None:
    actors = _actors(channel, owner)
    heir = actors["admin"]
    transfer = client_for(actors[role]).post(
        f"{API}/channels/{channel.slug}/transfer/", {"user": str(heir.pk)}, format="json"
    )
    expected = 200 if role == "owner" else _expected(role, set())
    if role == "admin":
        expected = 403
    assert transfer.status_code == expected
    new_owner = ChannelMembership.objects.get(channel=channel, role="owner").user_id
    assert new_owner == (heir.pk if role == "owner" else owner.pk)
    if role != "owner":
        deleted = client_for(actors[role]).delete(f"{API}/channels/{channel.slug}/")
        assert deleted.status_code == _expected(role, set())
        assert Channel.objects.get(pk=channel.pk).deleted_at is None


def test_anonymous_reads_public_channels_only(
    channel: Any, private_channel: Any, owner: Any
) -> None:
    post = post_create(actor=owner, channel=channel, title="Open", body="b")
    secret = post_create(actor=owner, channel=private_channel, title="Closed", body="b")
    anonymous = client_for(None)
    assert [c["slug"] for c in anonymous.get(f"{API}/channels/").json()["results"]] == ["rybalka"]
    assert anonymous.get(f"{API}/posts/{post.pk}/").json()["title"] == "Open"
    assert anonymous.get(f"{API}/posts/{secret.pk}/").status_code == 404


def test_bad_input_names_the_field_and_stores_nothing(channel: Any, owner: Any) -> None:
    client = client_for(owner)
    empty = client.post(
        f"{API}/channels/{channel.slug}/posts/",
        {"title": "T", "body": "<script>alert(1)</script>"},
        format="json",
    )
    assert (empty.status_code, empty.json()["code"], list(empty.json()["errors"])) == (
        400,
        "content.empty_body",
        ["body"],
    )
    flag = client.post(f"{API}/flags/", {"reason": "nonsense"}, format="json")
    assert flag.status_code == 400
    assert set(flag.json()["errors"]) == {"reason"}
    mute = client.post(
        f"{API}/channels/{channel.slug}/members/{owner.pk}/mute/", {"minutes": 0}, format="json"
    )
    assert (mute.status_code, list(mute.json()["errors"])) == (400, ["minutes"])
    role = client.patch(
        f"{API}/channels/{channel.slug}/members/{owner.pk}/", {"role": "owner"}, format="json"
    )
    assert role.status_code == 400
    assert Post.objects.count() == 0


def test_a_hidden_post_is_404_for_readers_and_visible_to_moderators(
    channel: Any, owner: Any, moderator: Any, reader: Any
) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    assert client_for(moderator).post(f"{API}/posts/{post.pk}/hide/").json()["status"] == "hidden"
    assert client_for(reader).get(f"{API}/posts/{post.pk}/").status_code == 404
    assert client_for(moderator).get(f"{API}/posts/{post.pk}/").status_code == 200
    again = client_for(moderator).post(f"{API}/posts/{post.pk}/hide/")
    assert (again.status_code, again.json()["code"]) == (409, "content.invalid_transition")
    restored = client_for(moderator).post(f"{API}/posts/{post.pk}/restore/")
    assert restored.json()["status"] == "visible"


def test_the_first_page_of_a_big_thread_takes_a_constant_number_of_queries(
    channel: Any, owner: Any, reader: Any, django_assert_num_queries: Any
) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")

    def grow(n: int) -> None:
        for _ in range(n):
            root = comment_create(actor=owner, post=post, body="root")
            reply = comment_create(actor=reader, post=post, body="r", parent=root)
            comment_create(actor=owner, post=post, body="rr", parent=reply)

    client = client_for(reader)
    url = f"{API}/posts/{post.pk}/comments/?limit=20"
    grow(3)
    # session-less API client: post, membership, site-moderator check, count, page,
    # replies, likes
    with django_assert_num_queries(7):
        small = client.get(url).json()
    grow(30)
    with django_assert_num_queries(7):
        big = client.get(url).json()
    assert (small["count"], big["count"], len(big["results"])) == (3, 33, 20)
    assert all(len(r["replies"]) == 2 for r in big["results"])


def test_the_channel_list_takes_a_constant_number_of_queries(
    owner: Any, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        channel_create(actor=owner, name=f"C{n}")
    client = client_for(owner)
    with django_assert_num_queries(3):
        first = client.get(f"{API}/channels/").json()
    for n in range(10):
        channel_create(actor=UserFactory(), name=f"D{n}")
    with django_assert_num_queries(3):
        second = client.get(f"{API}/channels/").json()
    assert (first["count"], second["count"]) == (3, 13)
    assert {c["my_role"] for c in second["results"]} == {"owner", None}


def test_the_post_list_and_the_flag_queue_take_a_constant_number_of_queries(
    channel: Any, owner: Any, reader: Any, django_assert_num_queries: Any
) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            post = post_create(actor=owner, channel=channel, title="T", body="b")
            comment = comment_create(actor=owner, post=post, body="c")
            client_for(reader).post(
                f"{API}/flags/", {"comment": comment.pk, "reason": "spam"}, format="json"
            )

    grow(2)
    reader_client, owner_client = client_for(reader), client_for(owner)
    # channel, membership, site-moderator check, page, images of the page, likes
    with django_assert_num_queries(6):
        small = reader_client.get(f"{API}/channels/{channel.slug}/posts/").json()
    # platform-admin check, marketplace moderator orgs, count, page (channels: a subquery)
    with django_assert_num_queries(4):
        queue_small = owner_client.get(f"{API}/flags/").json()
    grow(8)
    with django_assert_num_queries(6):
        big = reader_client.get(f"{API}/channels/{channel.slug}/posts/").json()
    with django_assert_num_queries(4):
        queue_big = owner_client.get(f"{API}/flags/").json()
    assert (len(small["results"]), len(big["results"])) == (2, 10)
    assert (queue_small["count"], queue_big["count"]) == (2, 10)
