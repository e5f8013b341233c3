from __future__ import annotations

import pytest

from lifeline.notifications.enums import Channel
from lifeline.notifications.rendering import RenderedMessage, render_message
from lifeline.notifications.topics import (
    UnknownTopic,
    all_topics,
    get_topic,
    register_topic,
    unregister_topic,
)


def test_core_topics_are_registered():
    keys = {t.key for t in all_topics()}
    assert {"accounts.new_device_login", "accounts.password_changed", "system.test"} <= keys
    assert get_topic("system.test").critical_allowed is True
    assert get_topic("accounts.password_changed").default_channels == {
        Channel.IN_APP,
        Channel.EMAIL,
    }


def test_unknown_topic_is_an_error():
    with pytest.raises(UnknownTopic):
        get_topic("nobody.registered_this")


def test_registering_a_key_again_differently_is_refused():
    register_topic("tests.once", title="Once", default_channels=["in_app"])
    try:
        register_topic("tests.once", title="Once", default_channels=["in_app"])  # same: fine
        with pytest.raises(ValueError, match="already registered"):
            register_topic("tests.once", title="Once", default_channels=["email"])
    finally:
        unregister_topic("tests.once")


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (
            Channel.IN_APP,
            RenderedMessage(
                title="Sign-in from a new device",
                body="Your account was signed in from Safari on iPhone (IP address 192.0.2.1). "
                "If this was not you, change your password and end your other sessions.",
            ),
        ),
        (
            Channel.PUSH,
            RenderedMessage(
                title="Sign-in from a new device",
                body="Signed in from Safari on iPhone. Not you? Change your password.",
            ),
        ),
        (
            Channel.SMS,
            RenderedMessage(
                title="",
                body="Your account was signed in from Safari on iPhone (IP address 192.0.2.1). "
                "If this was not you, change your password and end your other sessions.",
            ),
        ),
    ],
)
def test_each_channel_uses_its_own_template_or_the_common_one(channel, expected):
    context = {"device": "Safari on iPhone", "ip_address": "192.0.2.1"}
    rendered = render_message(
        topic=get_topic("accounts.new_device_login"),
        channel=channel,
        context=context,
        language="en",
    )
    assert rendered == expected


def test_text_templates_are_not_html_escaped():
    rendered = render_message(
        topic=get_topic("accounts.new_device_login"),
        channel=Channel.EMAIL,
        context={"device": 'Chrome <"Work"> & Co', "ip_address": "192.0.2.1"},
        language="en",
    )
    assert rendered.body.startswith('Your account was signed in from Chrome <"Work"> & Co ')
    assert rendered.html_body == ""


@pytest.mark.parametrize(
    ("channel", "title", "body"),
    [
        (Channel.PUSH, "Lifeline", "You have a new message"),
        (
            Channel.EMAIL,
            "You have a new notification",
            "You have a new message. Sign in to Lifeline to read it.",
        ),
        (Channel.SMS, "", "Lifeline: you have a new message."),
    ],
)
def test_sensitive_topics_get_generic_text_outside_the_inbox(sensitive_topic, channel, title, body):
    topic = get_topic(sensitive_topic)
    rendered = render_message(topic=topic, channel=channel, context={"score": 9}, language="en")
    assert (rendered.title, rendered.body) == (title, body)
    in_app = render_message(
        topic=topic, channel=Channel.IN_APP, context={"score": 9}, language="en"
    )
    assert in_app.body == "Your pain score is 9."
