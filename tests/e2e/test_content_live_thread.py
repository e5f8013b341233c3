"""A reader on a post page sees a new comment appear and a hidden one go, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from lifeline.content.enums import ChannelRole
from lifeline.content.services.channels import channel_create, channel_join
from lifeline.content.services.comments import comment_create, comment_hide
from lifeline.content.services.posts import post_create
from lifeline.content.tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_hidden_comment_goes_and_a_new_one_appears_live(page: Page, asgi_live_server):
    base = asgi_live_server.url
    owner = UserFactory()
    channel = channel_create(actor=owner, name="Рыбалка")
    reader = UserFactory(email="reader@example.test")
    moderator = member(channel, ChannelRole.MODERATOR)
    channel_join(actor=reader, channel=channel)
    post = post_create(actor=owner, channel=channel, title="Лунка", body="<p>Где клюёт?</p>")
    rude = comment_create(actor=owner, post=post, body="rude words")

    page.goto(f"{base}/login/")
    page.get_by_label("E-mail or phone number").fill(reader.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main form[method='post'] button[type='submit']").first.click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/channels/posts/{post.pk}/")
    expect(page.get_by_text("rude words")).to_be_visible()
    page.evaluate("() => { window.__sameDocument = true; }")
    page.wait_for_timeout(500)  # the socket connects

    asgi_live_server.call(comment_hide, actor=moderator, comment=rude)
    expect(page.get_by_text("rude words")).to_have_count(0)
    asgi_live_server.call(comment_create, actor=owner, post=post, body="На северном берегу")
    expect(page.get_by_text("На северном берегу")).to_be_visible()
    assert page.evaluate("() => window.__sameDocument") is True
