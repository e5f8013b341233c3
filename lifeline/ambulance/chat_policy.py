"""Dispatcher ↔ crew messages in the messenger: a conversation about one ambulance call.

Registered in `AmbulanceConfig.ready()` as kind "ambulance.call" about an "ambulance.call":

* a dispatcher of the call's station or a crew member of the call's assigned team opens it
  from the call card (the call must have a team); the participants are the team's active
  members (role "crew") and the station's active dispatchers (role "dispatcher");
* a participant takes part while they still may see the call: a dispatcher of its station,
  or a member of the team it is assigned to now (a crew whose call went back to the queue or
  to another team no longer sees it); nobody else sees it (404), station admins included;
* beside the conversation: the call's number, status, criticality, address and team, and a
  link to the viewer's call card.

A dispatcher who joins the station later takes part in the call's next conversation (the
participants are fixed when one is opened).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models import TextChoices as _TextChoices
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from lifeline.access.enums import Role
from lifeline.access.selectors import member_user_ids
from lifeline.ambulance.exceptions import CallStateConflict
from lifeline.ambulance.models import Call, TeamMember
from lifeline.ambulance.permissions import stations_of
from lifeline.chat.policies import (
    ConversationPolicy,
    OpenPlan,
    PanelSection,
    Seat,
    SidePanel,
    register_conversation_policy,
)
from lifeline.core.exceptions import InvalidInput, NotFound

KIND = "ambulance.call"
SUBJECT_TYPE = "ambulance.call"


class CallChatRole(_TextChoices):
    DISPATCHER = "dispatcher", _("Dispatcher")
    CREW = "crew", _("Ambulance crew")


def _crew_team_ids(user: Any) -> QuerySet[Any, Any]:
    """The active teams `user` is a crew member of (a subquery)."""
    return TeamMember.objects.filter(
        user_id=user.pk, is_active=True, team__organization__in=stations_of(user, (Role.CREW,))
    ).values("team_id")


def _calls_for(user: Any) -> QuerySet[Call]:
    """Calls `user` may talk about: their stations' as a dispatcher, their team's as crew."""
    if not getattr(user, "is_authenticated", False):
        return Call.objects.none()
    return Call.objects.filter(
        Q(organization__in=stations_of(user, (Role.DISPATCHER,)))
        | Q(team_id__in=_crew_team_ids(user))
    )


class CallConversationPolicy(ConversationPolicy):
    subject_type = SUBJECT_TYPE

    def plan_open(
        self, *, actor: Any, subject_id: UUID | None, counterpart_id: Any | None
    ) -> OpenPlan:
        if subject_id is None:
            raise InvalidInput(
                code="chat.subject_required", errors={"subject_id": ["Give the call."]}
            )
        call = _calls_for(actor).filter(pk=subject_id).first()
        if call is None:
            raise NotFound()
        if call.team_id is None:
            raise CallStateConflict(gettext("The call has no team yet: assign one first."))
        crew = list(
            TeamMember.objects.filter(team_id=call.team_id, is_active=True)
            .order_by("id")
            .values_list("user_id", flat=True)
        )
        dispatchers = [
            user_id
            for user_id in member_user_ids(
                organization_id=call.organization_id, roles=[Role.DISPATCHER]
            ).order_by("user_id")
            if user_id not in crew
        ]
        return OpenPlan(
            subject_id=call.pk,
            organization_id=call.organization_id,
            seats=(
                *(Seat(user_id, CallChatRole.CREW) for user_id in crew),
                *(Seat(user_id, CallChatRole.DISPATCHER) for user_id in dispatchers),
            ),
        )

    def subject_ids_for(self, *, user: Any) -> QuerySet[Any]:
        return _calls_for(user).values("pk")

    def may_take_part(self, *, user: Any, conversation: Any) -> bool:
        return _calls_for(user).filter(pk=conversation.subject_id).exists()

    def subject_title_expression(self) -> Subquery:
        title = Concat(
            Value("№"),
            Cast("number", output_field=CharField()),
            Value(" · "),
            "address",
            output_field=CharField(),
        )
        return Subquery(
            Call.objects.filter(pk=OuterRef("subject_id"))
            .annotate(chat_title=title)
            .values("chat_title")[:1]
        )

    def side_panel(self, *, conversation: Any, viewer: Any) -> SidePanel | None:
        call = (
            Call.objects.filter(pk=conversation.subject_id)
            .select_related("team", "team__car")
            .first()
        )
        if call is None:
            return None
        rows = [
            (gettext("Status"), call.get_status_display()),
            (gettext("Criticality"), call.get_criticality_display()),
            (gettext("Address"), call.address),
            (pgettext("ambulance call", "Reason"), call.reason),
        ]
        if call.team is not None:
            rows.append((gettext("Team"), f"{call.team.name} · {call.team.car.plate}"))
        role = conversation.role_of(viewer)
        card = (
            reverse("ambulance-web:crew")
            if role == CallChatRole.CREW
            else reverse("ambulance-web:call", kwargs={"call_id": call.pk})
        )
        return SidePanel(
            title=gettext("Call №%(number)s") % {"number": call.number},
            sections=[PanelSection(heading=gettext("The call"), rows=rows)],
            links=((gettext("Open the call card"), card),),
        )


CALL_CONVERSATION_POLICY = CallConversationPolicy()


def register() -> None:
    """Called from `AmbulanceConfig.ready()`."""
    register_conversation_policy(KIND, CALL_CONVERSATION_POLICY)
