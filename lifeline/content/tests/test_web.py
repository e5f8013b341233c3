from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.content.enums import ContentStatus, Visibility
from lifeline.content.models import Channel, Comment, Flag, Post
from lifeline.content.services.channels import channel_create
from lifeline.content.services.comments import comment_create, comment_like
from lifeline.content.services.flags import flag_create
from lifeline.content.services.posts import post_create
from lifeline.content.tests.factories import member
from lifeline.content.web.views import THREADS_PER_PAGE, _thread_rows

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_home_tile_leads_to_the_channel_list(owner: Any) -> None:
    user = user_with_role(Role.BUYER)
    channel_create(actor=owner, name="Рыбалка")
    home = _client(user).get("/")
    assert 'href="/channels/"' in home.content.decode()
    page = _client(user).get("/channels/")
    assert page.status_code == 200
    assert "Рыбалка" in page.content.decode()


def test_a_member_creates_a_channel_and_a_post_through_the_pages(stranger: Any) -> None:
    client = _client(stranger)
    created = client.post(
        "/channels/new/", {"name": "Охота", "description": "", "visibility": "public"}
    )
    assert created.status_code == 302
    assert created["Location"] == "/channels/c/okhota/"
    posted = client.post(
        "/channels/c/okhota/posts/new/",
        {"title": "Первый", "body": "<p>Hi</p><script>alert(1)</script>"},
    )
    post = Post.objects.get()
    assert posted["Location"] == f"/channels/posts/{post.pk}/"
    assert post.body == "<p>Hi</p>"
    page = client.get(f"/channels/posts/{post.pk}/").content.decode()
    assert "<p>Hi</p>" in page
    assert "alert(1)" not in page


def test_replies_likes_and_flags_through_the_pages(channel: Any, owner: Any, reader: Any) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    client = _client(reader)
    client.post(f"/channels/posts/{post.pk}/comments/", {"body": "first"})
    root = Comment.objects.get()
    reply = client.post(
        f"/channels/posts/{post.pk}/comments/", {"body": "second", "parent": root.pk}
    )
    child = Comment.objects.get(parent=root)
    assert reply["Location"] == f"/channels/posts/{post.pk}/#comment-{child.pk}"
    assert child.depth == 1
    _client(owner).post(f"/channels/comments/{child.pk}/like/")
    child.refresh_from_db()
    assert child.like_count == 1
    _client(owner).post(f"/channels/flag/comment/{root.pk}/", {"reason": "spam"})
    assert Flag.objects.get().comment_id == root.pk


def test_a_stranger_gets_404_on_a_private_channels_pages(
    private_channel: Any, owner: Any, stranger: Any
) -> None:
    post = post_create(actor=owner, channel=private_channel, title="Secret", body="b")
    client = _client(stranger)
    assert client.get(f"/channels/c/{private_channel.slug}/").status_code == 404
    assert client.get(f"/channels/posts/{post.pk}/").status_code == 404
    assert client.post(f"/channels/posts/{post.pk}/comments/", {"body": "x"}).status_code == 404
    assert client.post(f"/channels/posts/{post.pk}/like/").status_code == 404
    post.refresh_from_db()
    assert (post.like_count, Comment.objects.count()) == (0, 0)


def test_settings_are_for_admins_only(channel: Any, owner: Any, reader: Any) -> None:
    assert _client(reader).get(f"/channels/c/{channel.slug}/settings/").status_code == 404
    page = _client(owner).get(f"/channels/c/{channel.slug}/settings/")
    assert page.status_code == 200
    _client(owner).post(
        f"/channels/c/{channel.slug}/members/{reader.pk}/role/", {"role": "moderator"}
    )
    assert channel.memberships.get(user=reader).role == "moderator"


def test_the_moderation_queue_restores_a_hidden_comment(
    channel: Any, owner: Any, moderator: Any, settings: Any
) -> None:
    settings.CONTENT_FLAG_HIDE_SCORE = 1
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    comment = comment_create(actor=owner, post=post, body="rude words")
    flag_create(actor=member(channel), comment=comment, reason="offensive")
    queue = _client(moderator).get("/channels/moderation/").content.decode()
    assert "rude words" in queue
    _client(moderator).post(f"/channels/comments/{comment.pk}/restore/", {"next": "moderation"})
    comment.refresh_from_db()
    assert comment.status == ContentStatus.VISIBLE
    assert "rude words" not in _client(moderator).get("/channels/moderation/").content.decode()


def test_deep_replies_are_collapsed_past_depth_five(channel: Any, owner: Any) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    parent = None
    for depth in range(8):
        parent = comment_create(actor=owner, post=post, body=f"level {depth}", parent=parent)
    sibling = comment_create(actor=owner, post=post, body="another root")
    page = _client(owner).get(f"/channels/posts/{post.pk}/?sort=oldest").content.decode()
    assert page.count("<details><summary>Continue this thread (3 replies)") == 1
    assert page.index("level 4") < page.index("Continue this thread") < page.index("level 5")
    assert page.index("level 7") < page.index("another root")
    rows = _thread_rows(list(Comment.objects.filter(post=post).order_by("path")))
    assert [(r["opens"], r["closes"]) for r in rows][5:] == [
        (True, False),
        (False, False),
        (False, True),
        (False, False),
    ]
    assert sibling.depth == 0


def test_anonymous_visitors_read_public_channels(channel: Any, owner: Any) -> None:
    post = post_create(actor=owner, channel=channel, title="Open post", body="b")
    assert "Open post" in _client().get(f"/channels/c/{channel.slug}/").content.decode()
    assert _client().get(f"/channels/posts/{post.pk}/").status_code == 200
    assert _client().get("/channels/new/").status_code == 302


def test_pages_render_in_russian(channel: Any, owner: Any) -> None:
    post_create(actor=owner, channel=channel, title="T", body="b")
    client = _client(owner)
    client.cookies["django_language"] = "ru"
    page = client.get("/channels/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Каналы" in page
    assert Channel.objects.get(pk=channel.pk).visibility == Visibility.PUBLIC


def _thread_of(post: Any, author: Any, replies: int) -> Comment:
    root = comment_create(actor=author, post=post, body="root")
    parent = root
    for n in range(replies):
        parent = comment_create(actor=author, post=post, body=f"reply {n}", parent=parent)
    return root


def test_the_thread_page_takes_the_same_queries_for_a_long_thread(
    channel: Any, owner: Any, reader: Any
) -> None:
    # given two posts, one with 3 comments, one with 40 (in 4 threads, replies 9 deep)
    small = post_create(actor=owner, channel=channel, title="Small", body="b")
    big = post_create(actor=owner, channel=channel, title="Big", body="b")
    _thread_of(small, reader, 2)
    for _ in range(4):
        _thread_of(big, reader, 9)
    moderator = _client(owner)  # the owner moderates: every action is on the page
    member_page = _client(reader)
    for client in (moderator, member_page):  # the first views count (writes)
        for post in (small, big):
            client.get(f"/channels/posts/{post.pk}/")
    # when
    counts = []
    for client in (moderator, member_page):
        for post in (small, big):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(f"/channels/posts/{post.pk}/")
            assert response.status_code == 200
            # The content module's reads (the shell's session and role reads vary by page).
            counts.append(
                sum(
                    q["sql"].startswith("SELECT") and '"content_' in q["sql"]
                    for q in captured.captured_queries
                )
            )
    # then: the post, its images, the page of threads and its count, their replies, the
    # liked ids, the membership
    assert counts[0] == counts[1]
    assert counts[2] == counts[3]
    assert counts[0] <= 10


def test_the_liked_ids_are_one_query_over_the_page_comments_only(
    channel: Any, owner: Any, reader: Any
) -> None:
    # given a post with one thread more than a page holds, oldest first
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    roots = [
        comment_create(actor=owner, post=post, body=f"root {n}")
        for n in range(THREADS_PER_PAGE + 1)
    ]
    reply = comment_create(actor=owner, post=post, body="reply", parent=roots[0])
    for comment in (roots[0], reply, roots[-1]):  # the last thread is on page 2
        comment_like(actor=reader, comment=comment)
    client = _client(reader)
    client.get(f"/channels/posts/{post.pk}/")  # the first view counts (writes)
    # when
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/channels/posts/{post.pk}/?sort=oldest")
    # then: one query for the liked marks, over exactly the page's comments
    likes = [q["sql"] for q in captured.captured_queries if '"content_commentlike"' in q["sql"]]
    assert len(likes) == 1
    asked = {int(n) for n in re.findall(r"\d+", likes[0].split(" IN (", 1)[1].split(")", 1)[0])}
    on_page = {r.pk for r in roots[:THREADS_PER_PAGE]} | {reply.pk}
    assert asked == on_page
    assert page.context["liked"] == {roots[0].pk, reply.pk}
    assert page.content.decode().count('aria-pressed="true" data-testid="comment-like"') == 2
    # the API's page asks the same way
    api = client.get(f"/api/v1/content/posts/{post.pk}/comments/?sort=oldest&limit=20").json()
    liked = {c["id"] for c in api["results"] if c["liked"]}
    liked |= {r["id"] for c in api["results"] for r in c["replies"] if r["liked"]}
    assert liked == {roots[0].pk, reply.pk}


def test_each_comment_gets_its_actions_as_plain_forms(
    channel: Any, owner: Any, reader: Any
) -> None:
    post = post_create(actor=owner, channel=channel, title="T", body="b")
    root = comment_create(actor=reader, post=post, body="mine")
    other = comment_create(actor=owner, post=post, body="theirs", parent=root)
    page = _client(reader).get(f"/channels/posts/{post.pk}/")
    body = page.content.decode()
    token = page.context["csrf_value"]
    for action in ("like", "delete"):
        assert f'action="/channels/comments/{root.pk}/{action}/"' in body
    assert f'action="/channels/comments/{other.pk}/like/"' in body
    assert f'action="/channels/comments/{other.pk}/delete/"' not in body  # not the reader's
    assert f'action="/channels/comments/{root.pk}/hide/"' not in body  # not a moderator
    assert f'action="/channels/flag/comment/{other.pk}/"' in body
    assert f'action="/channels/flag/comment/{root.pk}/"' not in body  # one's own
    tokens = re.findall(
        r'action="/channels/(?:comments/\d+/\w+|flag/comment/\d+)/">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        body,
    )
    assert tokens == [token] * 4  # like + delete of one's own, like + flag of the other
    assert 'id="id_reason"' not in body  # one flag form per comment, no repeated ids
    # The plain forms still work: the reader deletes their comment, flags the other.
    client = _client(reader)
    assert client.post(f"/channels/flag/comment/{other.pk}/", {"reason": "spam"}).status_code == 302
    assert Flag.objects.get().comment_id == other.pk
    client.post(f"/channels/comments/{root.pk}/delete/")
    root.refresh_from_db()
    assert root.status == ContentStatus.DELETED
