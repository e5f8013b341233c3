from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from lifeline.audit.models import AuditEvent
from lifeline.content.enums import ContentStatus, FlagStatus
from lifeline.content.exceptions import (
    AlreadyFlagged,
    ContentForbidden,
    EmptyBody,
    InvalidParent,
    NotAMember,
    NotOpen,
    OwnContent,
)
from lifeline.content.models import Comment, Flag, Post
from lifeline.content.permissions import can_moderate
from lifeline.content.richtext import sanitize
from lifeline.content.selectors.posts import (
    root_comments_for,
    thread_for,
    wilson_lower_bound,
)
from lifeline.content.services import comments as comment_svc
from lifeline.content.services import flags as flag_svc
from lifeline.content.services import posts as post_svc
from lifeline.content.tests.factories import member

pytestmark = pytest.mark.django_db

# Known XSS payloads (OWASP filter-evasion cheat sheet and friends).
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<style>@import "javascript:alert(1)";</style>',
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    '<a href="#" onmouseover="alert(1)">x</a>',
    '<video><source onerror="alert(1)"></video>',
    "<!--<script>alert(1)</script>-->",
]
FORBIDDEN = ("<script", "onerror", "onload", "onclick", "onfocus", "ontoggle", "onmouseover",
             "javascript:", "vbscript:", "data:", "<iframe", "<object", "<embed", "<style",
             "<img", "<svg", "<form", "<meta", "<base", "<link", "style=")  # fmt: skip


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_script_handler_or_javascript_link_survives(payload: str) -> None:
    cleaned = sanitize(f"<p>before</p>{payload}<p>after</p>").lower()
    for needle in FORBIDDEN:
        assert needle not in cleaned, (payload, cleaned)
    assert "<p>before</p>" in cleaned


def test_safe_formatting_and_links_survive() -> None:
    cleaned = sanitize('<p><strong>Hi</strong> <a href="https://example.com/x">link</a></p>')
    assert cleaned == (
        '<p><strong>Hi</strong> <a href="https://example.com/x" '
        'rel="nofollow noopener noreferrer ugc">link</a></p>'
    )


def test_a_post_body_is_stored_sanitised(channel: Any, owner: Any) -> None:
    post = post_svc.post_create(
        actor=owner, channel=channel, title=" T ", body='<p onclick="x()">ok</p><script>1</script>'
    )
    post.refresh_from_db()
    assert (post.title, post.body) == ("T", "<p>ok</p>")


def test_a_body_that_is_only_unsafe_markup_is_refused(channel: Any, owner: Any) -> None:
    with pytest.raises(EmptyBody):
        post_svc.post_create(actor=owner, channel=channel, title="T", body="<script>x</script>")
    assert Post.objects.count() == 0


def test_non_members_cannot_post(channel: Any, stranger: Any) -> None:
    with pytest.raises(NotAMember):
        post_svc.post_create(actor=stranger, channel=channel, title="T", body="b")
    assert Post.objects.count() == 0


def test_only_the_author_edits(channel: Any, owner: Any, reader: Any) -> None:
    post = post_svc.post_create(actor=reader, channel=channel, title="T", body="b")
    with pytest.raises(ContentForbidden):
        post_svc.post_update(actor=owner, post=post, body="changed")
    post_svc.post_update(actor=reader, post=post, body="<b>new</b>")
    post.refresh_from_db()
    assert post.body == "<b>new</b>"
    assert post.edited_at is not None


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_author_or_moderator_soft_deletes_with_an_audit_entry(
    channel: Any, reader: Any, moderator: Any, who: str
) -> None:
    post = post_svc.post_create(actor=reader, channel=channel, title="T", body="b")
    actor = reader if who == "author" else moderator
    post_svc.post_delete(actor=actor, post=post)
    post.refresh_from_db()
    assert post.status == ContentStatus.DELETED
    event = AuditEvent.objects.get(action="content.post_deleted")
    assert (str(event.actor_id), event.metadata["by_author"]) == (str(actor.pk), who == "author")


def test_another_member_cannot_delete(channel: Any, reader: Any) -> None:
    post = post_svc.post_create(actor=reader, channel=channel, title="T", body="b")
    with pytest.raises(ContentForbidden):
        post_svc.post_delete(actor=member(channel), post=post)
    post.refresh_from_db()
    assert post.status == ContentStatus.VISIBLE


def _thread(channel: Any, author: Any) -> tuple[Post, list[Comment]]:
    post = post_svc.post_create(actor=author, channel=channel, title="T", body="b")
    out: list[Comment] = []
    parent = None
    for depth in range(8):
        parent = comment_svc.comment_create(
            actor=author, post=post, body=f"level {depth}", parent=parent
        )
        out.append(parent)
    return post, out


def test_comments_thread_to_any_depth_with_a_path(channel: Any, owner: Any) -> None:
    post, chain = _thread(channel, owner)
    assert [c.depth for c in chain] == list(range(8))
    assert all(c.root_id == chain[0].pk for c in chain)
    assert chain[3].path == "".join(f"{c.pk:012d}." for c in chain[:4])
    post.refresh_from_db()
    assert post.comment_count == 8


def test_a_reply_must_be_to_a_comment_of_the_same_post(channel: Any, owner: Any) -> None:
    _, chain = _thread(channel, owner)
    other = post_svc.post_create(actor=owner, channel=channel, title="O", body="b")
    with pytest.raises(InvalidParent):
        comment_svc.comment_create(actor=owner, post=other, body="x", parent=chain[0])
    assert Comment.objects.filter(post=other).count() == 0


def test_the_thread_loads_in_two_queries_in_every_sort(
    channel: Any, owner: Any, reader: Any, django_assert_num_queries: Any
) -> None:
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    a = comment_svc.comment_create(actor=owner, post=post, body="a")
    b = comment_svc.comment_create(actor=owner, post=post, body="b")
    a1 = comment_svc.comment_create(actor=owner, post=post, body="a1", parent=a)
    a2 = comment_svc.comment_create(actor=owner, post=post, body="a2", parent=a)
    a2x = comment_svc.comment_create(actor=owner, post=post, body="a2x", parent=a2)
    comment_svc.comment_like(actor=reader, comment=b)
    comment_svc.comment_like(actor=reader, comment=a2)
    expected = {
        "oldest": [a, a1, a2, a2x, b],
        "newest": [b, a, a2, a2x, a1],
        "best": [b, a, a2, a2x, a1],
    }
    can_moderate(reader, post.channel)  # the reader's role, looked up once per request
    for sort, order in expected.items():
        with django_assert_num_queries(2):
            roots = list(root_comments_for(actor=reader, post=post, sort=sort))
            thread = thread_for(actor=reader, post=post, roots=roots, sort=sort)
        assert [c.pk for c in thread] == [c.pk for c in order], sort


def test_wilson_lower_bound_ranks_more_evidence_higher() -> None:
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(10, 0) > wilson_lower_bound(1, 0) > 0
    assert wilson_lower_bound(10, 1) > wilson_lower_bound(2, 0)
    assert round(wilson_lower_bound(5, 1), 4) == 0.4365


def test_likes_are_idempotent_and_counted_in_the_database(
    channel: Any, owner: Any, reader: Any
) -> None:
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    assert post_svc.post_like(actor=reader, post=post) is True
    assert post_svc.post_like(actor=reader, post=post) is False
    post_svc.post_like(actor=owner, post=post)
    post.refresh_from_db()
    assert post.like_count == 2
    assert post_svc.post_unlike(actor=reader, post=post) is True
    assert post_svc.post_unlike(actor=reader, post=post) is False
    post.refresh_from_db()
    assert post.like_count == 1


def test_likes_of_a_stale_object_never_overwrite_the_counter(channel: Any, owner: Any) -> None:
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    stale = Post.objects.get(pk=post.pk)
    likers = [member(channel) for _ in range(5)]
    for user in likers:
        post_svc.post_like(actor=user, post=stale)  # the same stale instance every time
    assert Post.objects.get(pk=post.pk).like_count == 5


def test_the_command_rebuilds_counters(channel: Any, owner: Any, reader: Any) -> None:
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    comment = comment_svc.comment_create(actor=owner, post=post, body="c")
    post_svc.post_like(actor=reader, post=post)
    comment_svc.comment_like(actor=reader, comment=comment)
    flag_svc.flag_create(actor=reader, comment=comment, reason="spam")
    Post.objects.update(like_count=99, comment_count=99, flag_score=9)
    Comment.objects.update(like_count=42, flag_score=7, flag_count=7)
    call_command("content_rebuild_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115
    post.refresh_from_db()
    comment.refresh_from_db()
    channel.refresh_from_db()
    assert (post.like_count, post.comment_count, post.flag_score) == (1, 1, 0)
    assert (comment.like_count, comment.flag_score, comment.flag_count) == (1, 1, 1)
    assert channel.member_count == 2


def test_flags_hide_past_the_threshold_and_trusted_flags_weigh_more(
    channel: Any, owner: Any, moderator: Any, settings: Any
) -> None:
    settings.CONTENT_FLAG_HIDE_SCORE = 3
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    flag_svc.flag_create(actor=member(channel), post=post, reason="spam")
    post.refresh_from_db()
    assert (post.flag_score, post.status) == (1, ContentStatus.VISIBLE)
    flag = flag_svc.flag_create(actor=moderator, post=post, reason="offensive")  # weight 2
    post.refresh_from_db()
    assert (flag.weight, post.flag_score, post.status) == (2, 3, ContentStatus.HIDDEN)
    assert AuditEvent.objects.filter(action="content.post_auto_hidden").count() == 1


def test_flagging_twice_or_ones_own_is_refused(channel: Any, owner: Any, reader: Any) -> None:
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    with pytest.raises(OwnContent):
        flag_svc.flag_create(actor=owner, post=post, reason="spam")
    flag_svc.flag_create(actor=reader, post=post, reason="spam")
    with pytest.raises(AlreadyFlagged):
        flag_svc.flag_create(actor=reader, post=post, reason="other")
    post.refresh_from_db()
    assert (Flag.objects.count(), post.flag_score) == (1, 1)


def test_restore_dismisses_flags_and_remove_upholds_them(
    channel: Any, owner: Any, moderator: Any, settings: Any
) -> None:
    settings.CONTENT_FLAG_HIDE_SCORE = 1
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    comment = comment_svc.comment_create(actor=owner, post=post, body="c")
    flag_svc.flag_create(actor=member(channel), comment=comment, reason="spam")
    comment.refresh_from_db()
    assert comment.status == ContentStatus.HIDDEN
    comment_svc.comment_restore(actor=moderator, comment=comment)
    comment.refresh_from_db()
    assert (comment.status, comment.flag_score) == (ContentStatus.VISIBLE, 0)
    assert Flag.objects.get().status == FlagStatus.DISMISSED
    flag_svc.flag_create(actor=member(channel), comment=comment, reason="offensive")
    comment_svc.comment_delete(actor=moderator, comment=comment)
    assert list(Flag.objects.order_by("id").values_list("status", flat=True)) == [
        FlagStatus.DISMISSED,
        FlagStatus.UPHELD,
    ]
    post.refresh_from_db()
    assert post.comment_count == 0


def test_no_comment_on_a_hidden_post(channel: Any, owner: Any, moderator: Any) -> None:
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    post_svc.post_hide(actor=moderator, post=post)
    with pytest.raises(NotOpen):
        comment_svc.comment_create(actor=owner, post=post, body="x")
    assert Comment.objects.count() == 0


def test_members_with_many_likes_received_are_trusted_flaggers(
    channel: Any, owner: Any, settings: Any
) -> None:
    settings.CONTENT_TRUSTED_LIKES_RECEIVED = 2
    popular = member(channel)
    liked = post_svc.post_create(actor=popular, channel=channel, title="L", body="b")
    for _ in range(2):
        post_svc.post_like(actor=member(channel), post=liked)
    target = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    assert flag_svc.flag_create(actor=popular, post=target, reason="spam").weight == 2
    newcomer = member(channel)
    assert flag_svc.flag_create(actor=newcomer, post=target, reason="spam").weight == 1


def test_the_database_best_order_matches_the_wilson_bound(channel: Any, owner: Any) -> None:
    post = post_svc.post_create(actor=owner, channel=channel, title="T", body="b")
    votes = [(0, 0), (1, 0), (5, 1), (3, 3), (10, 2), (2, 0), (0, 2)]
    for likes, flags in votes:
        comment = comment_svc.comment_create(actor=owner, post=post, body=f"{likes}/{flags}")
        Comment.objects.filter(pk=comment.pk).update(like_count=likes, flag_count=flags)
    ordered = [c.body for c in root_comments_for(actor=owner, post=post, sort="best")]
    expected = sorted(votes, key=lambda v: -wilson_lower_bound(*v))
    assert ordered == [f"{likes}/{flags}" for likes, flags in expected]
    best = root_comments_for(actor=owner, post=post, sort="best").first()
    assert best is not None
    assert round(best.best, 6) == round(wilson_lower_bound(10, 2), 6)
