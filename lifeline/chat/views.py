"""Web pages of the messenger: one screen for patients, one for doctors (and clinic admins).

The pages are shells: the conversation list, history and live updates come from the REST API
and `/ws/chat/` through `static/chat/chat.js`. The patient panel is a server-rendered fragment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lifeline.chat import conf, selectors, services
from lifeline.chat.enums import ConversationTopic
from lifeline.clinic.selectors.assessments import latest_scores
from lifeline.clinic.selectors.patients import patient_for_user
from lifeline.core.exceptions import NotFound

if TYPE_CHECKING:
    from lifeline.accounts.models import User


def _js_strings() -> dict[str, str]:
    return {
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "read": _("Read"),
        "edited": _("edited"),
        "deleted": _("Message deleted"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "reply": _("Reply"),
        "replying_to": _("Replying to"),
        "cancel": _("Cancel"),
        "save": _("Save"),
        "typing": _("is typing…"),
        "online": _("online"),
        "offline": _("offline"),
        "record": _("Record a voice message"),
        "stop": _("Stop recording"),
        "recording": _("Recording…"),
        "no_microphone": _("Voice recording is not available in this browser."),
        "waiting": _("waiting"),
        "overdue": _("reply overdue"),
        "unread": _("unread"),
        "no_conversations": _("No conversations yet."),
        "history": _("Edit history"),
        "voice_message": _("Voice message"),
        "error": _("Could not send. Please try again."),
        "confirm_delete": _("Delete this message?"),
        "earlier": _("Show earlier messages"),
        "you": _("You"),
        "observer": _("You can read this conversation but not write to it."),
        "open_reference": _("Open the referenced record"),
        "send_attachment": _("Send attachment"),
        "send_voice": _("Send voice message"),
    }


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The messenger: the patient's chat or the doctor's list + conversation + panel."""
    user = cast("User", request.user)
    patient = patient_for_user(user)
    config: dict[str, Any] = {
        "api": reverse("chat:conversation-list").rsplit("conversations/", 1)[0],
        "ws": "/ws/chat/",
        "user_id": str(request.user.pk),
        "is_patient": patient is not None,
        "panel_url": reverse("chat-web:panel", kwargs={"conversation_id": UUID(int=0)}),
        "max_text": conf.max_text_length(),
        "max_voice_seconds": conf.max_voice_seconds(),
        "conversation": request.GET.get("c", ""),
        "strings": _js_strings(),
        "debug": settings.DEBUG,
    }
    return render(
        request,
        "chat/home.html",
        {
            "is_patient": patient is not None,
            "topics": ConversationTopic.choices,
            "counterparts": selectors.counterparts_for(actor=request.user),
            "chat_config": config,
            "max_text": conf.max_text_length(),
        },
    )


@login_required
@require_GET
def panel(request: HttpRequest, conversation_id: UUID) -> HttpResponse:
    """The patient context panel beside a conversation (doctors and admins; audited)."""
    try:
        conversation = selectors.conversation_get_for(
            actor=request.user, conversation_id=conversation_id
        )
    except NotFound as exc:
        raise Http404 from exc
    services.conversation_record_read(
        actor=request.user, conversation=conversation, request=request
    )
    scores = latest_scores(conversation.patient)
    return render(
        request,
        "chat/panel.html",
        {
            "conversation": conversation,
            "patient": conversation.patient,
            "scores": sorted(scores.items()),
            "is_doctor": request.user.pk == conversation.doctor_id,
        },
    )
