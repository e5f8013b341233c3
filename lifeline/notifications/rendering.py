"""Turn (topic, channel, context) into text, in the recipient's language.

Templates live in `<topic.templates>/`: `title.txt` and `body.txt` are required and used by
every channel; a channel may override them with `email_subject.txt`, `email_body.txt`,
`email_body.html` (optional), `push_title.txt`, `push_body.txt` and `sms.txt`.
Text templates start with `{% autoescape off %}` (as Django's own e-mail templates do).
Sensitive topics get a generic text on every channel except the in-app inbox.

A notification keeps its topic and context (`data`); `inbox_text()` renders its inbox text
when it is shown, in the reader's language, so a notification created in one language (or
before a catalogue was compiled) reads in the language of the page or API request showing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import translation
from django.utils.translation import gettext

from lifeline.notifications.enums import Channel
from lifeline.notifications.topics import Topic, UnknownTopic, get_topic

if TYPE_CHECKING:
    from lifeline.notifications.models import Notification

TITLE_MAX_LENGTH = 200
SMS_MAX_LENGTH = 480


@dataclass(frozen=True)
class RenderedMessage:
    title: str
    body: str
    html_body: str = ""


def _one_line(text: str, limit: int = TITLE_MAX_LENGTH) -> str:
    return " ".join(text.split())[:limit]


def _render(names: list[str], context: Mapping[str, Any]) -> str:
    return select_template(names).render(dict(context)).strip()


def _generic(channel: Channel) -> RenderedMessage:
    if channel == Channel.EMAIL:
        return RenderedMessage(
            title=gettext("You have a new notification"),
            body=gettext("You have a new message. Sign in to Lifeline to read it."),
        )
    if channel == Channel.SMS:
        return RenderedMessage(title="", body=gettext("Lifeline: you have a new message."))
    return RenderedMessage(title=gettext("Lifeline"), body=gettext("You have a new message"))


def render_message(
    *, topic: Topic, channel: Channel | str, context: Mapping[str, Any], language: str
) -> RenderedMessage:
    """Render the texts of `topic` for `channel` in `language`."""
    channel = Channel(channel)
    base = topic.templates
    with translation.override(language):
        if topic.sensitive and channel != Channel.IN_APP:
            return _generic(channel)
        if channel == Channel.SMS:
            body = _render([f"{base}/sms.txt", f"{base}/body.txt"], context)
            return RenderedMessage(title="", body=_one_line(body, SMS_MAX_LENGTH))
        prefix = {Channel.EMAIL: "email_", Channel.PUSH: "push_"}.get(channel, "")
        title_name = "email_subject" if channel == Channel.EMAIL else f"{prefix}title"
        title = _render([f"{base}/{title_name}.txt", f"{base}/title.txt"], context)
        body = _render([f"{base}/{prefix}body.txt", f"{base}/body.txt"], context)
        html_body = ""
        if channel == Channel.EMAIL:
            try:
                html_body = render_to_string(f"{base}/email_body.html", dict(context))
            except TemplateDoesNotExist:
                html_body = ""
        return RenderedMessage(title=_one_line(title), body=body, html_body=html_body)


def inbox_text(notification: Notification) -> RenderedMessage:
    """The in-app title and body of `notification` in the active language (the reader's).

    Rendered from its topic's templates and stored context; the text stored at creation
    (in the recipient's language then) when the topic or its templates are gone.
    """
    try:
        topic = get_topic(notification.topic)
        return render_message(
            topic=topic,
            channel=Channel.IN_APP,
            context=notification.data,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    except (UnknownTopic, TemplateDoesNotExist):
        return RenderedMessage(title=notification.title, body=notification.body)
