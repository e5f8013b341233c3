"""Web pages of the messenger: one screen for patients, one for doctors (and clinic admins).

The pages are shells: the conversation list, history and live updates come from the REST API
and `/ws/chat/` through `static/chat/chat.js`. The patient panel is a server-rendered fragment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lifeline.chat import conf, policies, selectors, services
from lifeline.core.exceptions import DomainError, NotFound

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
        "card_loading": _("Loading…"),
        "card_unavailable": _("This record is no longer available."),
    }


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The messenger: the subject's chat (a patient) or the list + conversation + panel."""
    user = cast("User", request.user)
    kind = policies.api_v1_kind()
    policy = policies.policy_for(kind) if kind is not None else None
    is_patient = policy is not None and policy.is_subject_user(user=user)
    config: dict[str, Any] = {
        "api": reverse("chat:conversation-list").rsplit("conversations/", 1)[0],
        "ws": "/ws/chat/",
        "user_id": str(request.user.pk),
        "is_patient": is_patient,
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
            "is_patient": is_patient,
            "topics": policy.topics if policy is not None else (),
            "counterparts": (
                selectors.counterparts_for(actor=request.user, kind=kind) if kind else []
            ),
            "chat_config": config,
            "max_text": conf.max_text_length(),
        },
    )


@login_required
@require_GET
def panel(request: HttpRequest, conversation_id: UUID) -> HttpResponse:
    """What the kind's policy shows beside a conversation (e.g. the patient; audited)."""
    try:
        conversation = selectors.conversation_get_for(
            actor=request.user, conversation_id=conversation_id
        )
    except NotFound as exc:
        raise Http404 from exc
    services.conversation_record_read(
        actor=request.user, conversation=conversation, request=request
    )
    policy = policies.policy_for(conversation.kind)
    return render(
        request,
        "chat/panel.html",
        {
            "conversation": conversation,
            "panel": policy.side_panel(conversation=conversation, viewer=request.user),
            "is_responder": conversation.role_of(request.user) in policy.responder_roles,
        },
    )


@login_required
@require_POST
def open_conversation(request: HttpRequest) -> HttpResponse:
    """Open (or find) the conversation of `kind` about `subject_id` and show it in the
    messenger: the domain's pages link here (e.g. the ambulance call card's "Messages").

    Out of the actor's scope is 404 (the kind's policy decides); another refusal goes back
    to the page it came from with the reason.
    """
    try:
        subject_id = UUID(request.POST.get("subject_id", ""))
    except ValueError as exc:
        raise Http404 from exc
    try:
        conversation, _created = services.conversation_open(
            actor=request.user, kind=request.POST.get("kind", ""), subject_id=subject_id
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(back)
        return redirect("chat-web:home")
    return HttpResponseRedirect(f"{reverse('chat-web:home')}?c={conversation.pk}")
