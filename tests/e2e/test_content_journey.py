"""Channels journey (issue 19, Done when): a member creates a channel, another joins and
posts; they reply to each other three levels deep, like and flag; a moderator hides the
flagged comment from the moderation queue and a reader with the post open sees it go without
a reload. In Russian on a phone and in English on a desktop; every page is checked for
console errors, CSP violations, failed requests and sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.content.enums import ChannelRole, ContentStatus
from lifeline.content.models import Channel, ChannelMembership, Comment, CommentLike, Flag, Post
from tests.e2e.people import Person

pytestmark = pytest.mark.django_db(transaction=True)

NAME = {"ru": "Зимняя рыбалка", "en": "Winter fishing"}
SLUG = {"ru": "zimnyaya-rybalka", "en": "winter-fishing"}


def _reply(person: Person, comment: Comment, text: str) -> None:
    item = person.page.locator(f"#comment-{comment.pk}")
    item.locator("details.content-reply > summary").first.click()
    item.locator(f"#reply-{comment.pk}").fill(text)
    item.locator("[data-testid=reply-submit]").first.click()
    person.page.wait_for_load_state()


@pytest.mark.parametrize(("language", "width"), [("ru", "phone"), ("en", "desktop")])
def test_create_join_post_reply_like_flag_hide(
    browser: Browser, asgi_live_server: Any, language: str, width: str
) -> None:
    base = asgi_live_server.url
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    buyer = user_with_role(Role.BUYER, market, full_name="Bea Buyer")
    seller = user_with_role(Role.SELLER, market, full_name="Sam Seller")
    moderator = user_with_role(Role.MODERATOR, market, full_name="Mo Moderator")
    visitor = user_with_role(Role.BUYER, market, full_name="Rita Reader")

    # The buyer creates a channel from the channel list.
    owner = Person(browser, base, buyer, language, width)
    owner.visit("/channels/")
    owner.page.get_by_role(
        "link", name={"ru": "Новый канал", "en": "New channel"}[language]
    ).first.click()
    form = owner.page.get_by_test_id("channel-form")
    form.locator('[name="name"]').fill(NAME[language])
    form.locator('[name="description"]').fill("Лёд, лунки и снасти")
    form.locator("button[type=submit]").click()
    owner.page.wait_for_url(f"{base}/channels/c/{SLUG[language]}/")
    owner.assert_clean("channel created")
    channel = Channel.objects.get()
    assert ChannelMembership.objects.get(channel=channel, user=buyer).role == ChannelRole.OWNER

    # The seller joins and posts.
    member = Person(browser, base, seller, language, width)
    member.visit(f"/channels/c/{channel.slug}/")
    member.page.get_by_test_id("join").click()
    member.page.wait_for_load_state()
    member.page.get_by_test_id("new-post").click()
    post_form = member.page.get_by_test_id("post-form")
    post_form.locator('[name="title"]').fill("Где клюёт окунь?")
    post_form.locator('[name="body"]').fill("<p>Ищу места на северном берегу.</p>")
    post_form.locator("button[type=submit]").click()
    member.page.wait_for_url(f"{base}/channels/posts/*/")
    member.assert_clean("post published")
    post = Post.objects.get()
    assert (post.author_id, post.title) == (seller.pk, "Где клюёт окунь?")

    # Replies three levels deep: owner comments, seller replies, owner, seller.
    owner.visit(f"/channels/posts/{post.pk}/")
    owner.page.get_by_test_id("comment-form").locator('[name="body"]').fill("У старой мельницы.")
    owner.page.get_by_test_id("comment-form").locator("button[type=submit]").click()
    owner.page.wait_for_load_state()
    top = Comment.objects.get(depth=0)
    member.visit(f"/channels/posts/{post.pk}/")
    _reply(member, top, "А на какую приманку?")
    second = Comment.objects.get(depth=1)
    owner.visit(f"/channels/posts/{post.pk}/")
    _reply(owner, second, "На мормышку.")
    third = Comment.objects.get(depth=2)
    member.visit(f"/channels/posts/{post.pk}/")
    _reply(member, third, "Купите мою мормышку со скидкой, пишите в личку!")
    spam = Comment.objects.get(depth=3)
    assert [c.depth for c in Comment.objects.order_by("path")] == [0, 1, 2, 3]
    member.assert_clean("three levels deep")

    # The owner likes the first reply and flags the spam.
    owner.visit(f"/channels/posts/{post.pk}/")
    owner.page.locator(f"#comment-{second.pk} [data-testid=comment-like]").click()
    owner.page.wait_for_load_state()
    assert CommentLike.objects.filter(comment=second, user=buyer).exists()
    expect(owner.page.locator(f"#comment-{second.pk} [data-testid=comment-like]")).to_contain_text(
        "1"
    )
    flag = owner.page.locator(f"#comment-{spam.pk} details.content-flag")
    flag.locator("summary").click()
    flag.locator('[name="reason"]').select_option("spam")
    flag.get_by_test_id("flag-submit").click()
    owner.page.wait_for_load_state()
    assert Flag.objects.get().comment_id == spam.pk
    owner.assert_clean("liked and flagged")

    # A reader (not a member: the channel is public) keeps the post open; the site moderator
    # hides the spam from the queue. (Channel staff would still see it, marked hidden.)
    reader = Person(browser, base, visitor, language, width)
    reader.visit(f"/channels/posts/{post.pk}/")
    expect(reader.page.locator(f"#comment-{spam.pk}")).to_be_visible()
    reader.page.evaluate("() => { window.__sameDocument = true; }")
    reader.page.wait_for_timeout(500)  # the socket connects
    mod = Person(browser, base, moderator, language, width)
    mod.visit("/channels/moderation/")
    expect(mod.page.get_by_test_id("queue")).to_contain_text("мормышку со скидкой")
    mod.page.get_by_test_id("queue-hide").first.click()
    mod.page.wait_for_load_state()
    mod.assert_clean("moderation queue")
    assert Comment.objects.get(pk=spam.pk).status == ContentStatus.HIDDEN
    expect(reader.page.locator(f"#comment-{spam.pk}")).to_have_count(0)
    assert reader.page.evaluate("() => window.__sameDocument") is True
    reader.assert_clean("hidden live")
    for person in (owner, member, mod, reader):
        person.context.close()
