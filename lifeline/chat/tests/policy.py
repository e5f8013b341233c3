"""A conversation policy for the messenger's own tests: no domain, state in memory.

It mirrors the shape of a real one (a subject with an account, responders assigned to it,
organization admins who read) so the messenger is tested without any domain app; the
clinic's policy has its own tests (`lifeline/clinic/tests/test_chat_policy.py`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Case as SqlCase
from django.db.models import CharField, QuerySet, Value, When

from lifeline.access.enums import Role
from lifeline.access.models import Membership
from lifeline.access.selectors import organizations_of
from lifeline.chat.policies import ConversationPolicy, OpenPlan, PanelSection, Seat, SidePanel
from lifeline.core.exceptions import Conflict, InvalidInput, NotFound

KIND = "test.care"
SUBJECT_TYPE = "test.case"


@dataclass
class Case:
    """A subject: someone with (or without) an account, in an organization."""

    user: Any
    organization_id: Any
    full_name: str
    pk: UUID = field(default_factory=uuid.uuid4)
    doctors: list[Any] = field(default_factory=list)


class CareTestPolicy(ConversationPolicy):
    subject_type = SUBJECT_TYPE
    subject_roles = frozenset({"patient"})
    responder_roles = frozenset({"doctor"})
    topics = (
        ("medication", "Question about medication"),
        ("side_effects", "Side effects"),
        ("test_results", "Test results"),
        ("appointment", "Appointment"),
        ("other", "Other"),
    )
    reference_kinds = (("assessment", "Assessment"), ("conclusion", "Conclusion"))
    api_v1 = True

    def __init__(self) -> None:
        self.cases: dict[UUID, Case] = {}
        self.records: set[tuple[UUID, str, UUID]] = set()

    # --- test set-up ---
    def add_case(self, *, user: Any, organization_id: Any, full_name: str) -> Case:
        case = Case(user=user, organization_id=organization_id, full_name=full_name)
        self.cases[case.pk] = case
        return case

    def _case_of(self, user: Any) -> Case | None:
        return next(
            (c for c in self.cases.values() if c.user is not None and c.user.pk == user.pk),
            None,
        )

    def _assigned(self, case_id: Any, user: Any) -> bool:
        case = self.cases.get(case_id)
        return case is not None and any(d.pk == user.pk for d in case.doctors)

    # --- the policy ---
    def plan_open(
        self, *, actor: Any, subject_id: UUID | None, counterpart_id: Any | None
    ) -> OpenPlan:
        if subject_id is not None:
            if not self._assigned(subject_id, actor):
                raise NotFound()
            case = self.cases[subject_id]
            if case.user is None:
                raise Conflict(code="chat.patient_without_account", detail="no account")
            doctor_id = actor.pk
        elif counterpart_id is not None:
            found = self._case_of(actor)
            if found is None or not any(d.pk == counterpart_id for d in found.doctors):
                raise NotFound()
            case, doctor_id = found, counterpart_id
        else:
            raise InvalidInput(code="chat.counterpart_required")
        return OpenPlan(
            subject_id=case.pk,
            organization_id=case.organization_id,
            seats=(Seat(case.user.pk, "patient"), Seat(doctor_id, "doctor")),
        )

    def subject_ids_for(self, *, user: Any) -> Any:
        return [c.pk for c in self.cases.values() if self._assigned(c.pk, user)]

    def may_take_part(self, *, user: Any, conversation: Any) -> bool:
        # One statement, like a real policy's check.
        return self._assigned(conversation.subject_id, user) and (
            Membership.objects.filter(
                user=user, organization_id=conversation.organization_id
            ).exists()
        )

    def observer_organizations(self, *, user: Any) -> QuerySet[Any]:
        return organizations_of(user=user, roles=[Role.CLINIC_ADMIN])

    def subject_title_expression(self) -> Any:
        whens = [When(subject_id=c.pk, then=Value(c.full_name)) for c in self.cases.values()]
        return SqlCase(*whens, default=Value(""), output_field=CharField())

    def reference_shared(self, *, subject_id: UUID, kind: str, record_id: UUID) -> bool:
        return (subject_id, kind, record_id) in self.records

    def reference_url(self, *, kind: str, record_id: UUID) -> str | None:
        return f"/records/{kind}/{record_id}/"

    def counterparts(self, *, actor: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            {"id": c.pk, "name": c.full_name, "kind": "patient"}
            for c in sorted(self.cases.values(), key=lambda c: c.full_name)
            if c.user is not None and self._assigned(c.pk, actor)
        ]
        own = self._case_of(actor)
        if own is not None:
            rows.extend(
                {"id": d.pk, "name": d.display_name, "kind": "doctor"}
                for d in sorted(own.doctors, key=lambda d: d.full_name)
            )
        return rows

    def is_subject_user(self, *, user: Any) -> bool:
        return self._case_of(user) is not None

    def side_panel(self, *, conversation: Any, viewer: Any) -> SidePanel | None:
        case = self.cases.get(conversation.subject_id)
        if case is None:
            return None
        return SidePanel(
            title=case.full_name,
            sections=[PanelSection(heading="Latest scores", empty_text="No scores recorded yet.")],
        )
