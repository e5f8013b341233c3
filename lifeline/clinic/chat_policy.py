"""The clinic's conversations in the messenger: a patient and a doctor of their care team.

Registered in `ClinicConfig.ready()` as kind "clinic.care" about a "clinic.patient":

* a doctor opens with one of their patients (`patients_for_doctor`, the patient must have an
  account), a patient with a doctor of their care team (`care_team_doctors`);
* the patient always takes part; the doctor only while assigned (`doctor_may_see_patient`);
* clinic admins of the patient's organization read, never write (audited by the messenger);
* beside the conversation: the patient's name, age and latest scores (`latest_scores`);
* a conversation may refer to an assessment or an issued conclusion of the patient
  (`patient_record_shared`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models import TextChoices as _TextChoices
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lifeline.access.enums import Role
from lifeline.access.selectors import organizations_of
from lifeline.chat.policies import (
    ConversationPolicy,
    OpenPlan,
    PanelSection,
    Seat,
    SidePanel,
    register_conversation_policy,
)
from lifeline.clinic.models import Patient
from lifeline.clinic.selectors import assessments as assessments_selectors
from lifeline.clinic.selectors import patients as patients_selectors
from lifeline.core.exceptions import Conflict, InvalidInput, NotFound
from lifeline.core.selectors import get_or_not_found

KIND = "clinic.care"


class CareRole(_TextChoices):
    PATIENT = "patient", _("Patient")
    DOCTOR = "doctor", _("Doctor")


class CareTopic(_TextChoices):
    """Preset topics a patient picks when starting a conversation."""

    MEDICATION = "medication", _("Question about medication")
    SIDE_EFFECTS = "side_effects", _("Side effects")
    TEST_RESULTS = "test_results", _("Test results")
    APPOINTMENT = "appointment", _("Appointment")
    OTHER = "other", _("Other")


class CareReference(_TextChoices):
    """Records of the patient a conversation may refer to (kind + UUID, no FK)."""

    ASSESSMENT = "assessment", _("Assessment")
    CONCLUSION = "conclusion", _("Conclusion")


class CareTeamPolicy(ConversationPolicy):
    subject_type = "clinic.patient"
    subject_roles = frozenset({CareRole.PATIENT.value})
    responder_roles = frozenset({CareRole.DOCTOR.value})
    topics = CareTopic.choices
    reference_kinds = CareReference.choices
    api_v1 = True

    def plan_open(
        self, *, actor: Any, subject_id: UUID | None, counterpart_id: Any | None
    ) -> OpenPlan:
        if subject_id is not None:
            patient = get_or_not_found(patients_selectors.patients_for_doctor(actor), pk=subject_id)
            if patient.user_id is None:
                raise Conflict(code="chat.patient_without_account", detail="patient has no account")
            doctor_id = actor.pk
        elif counterpart_id is not None:
            found = patients_selectors.patient_for_user(actor)
            if found is None:
                raise NotFound()
            patient = found
            doctor_id = get_or_not_found(
                patients_selectors.care_team_doctors(patient), pk=counterpart_id
            ).pk
        else:
            raise InvalidInput(
                code="chat.counterpart_required",
                errors={"patient_id": ["A doctor gives patient_id, a patient gives doctor_id."]},
            )
        return OpenPlan(
            subject_id=patient.pk,
            organization_id=patient.organization_id,
            seats=(Seat(patient.user_id, CareRole.PATIENT), Seat(doctor_id, CareRole.DOCTOR)),
        )

    def subject_ids_for(self, *, user: Any) -> QuerySet[Any]:
        return patients_selectors.patients_for_doctor(user).values("pk")

    def may_take_part(self, *, user: Any, conversation: Any) -> bool:
        return patients_selectors.doctor_may_see_patient(user, conversation.subject_id)

    def observer_organizations(self, *, user: Any) -> QuerySet[Any]:
        return organizations_of(user=user, roles=[Role.CLINIC_ADMIN])

    def subject_title_expression(self) -> Subquery:
        return Subquery(Patient.objects.filter(pk=OuterRef("subject_id")).values("full_name")[:1])

    def reference_shared(self, *, subject_id: UUID, kind: str, record_id: UUID) -> bool:
        patient = Patient.objects.filter(pk=subject_id).first()
        return patient is not None and patients_selectors.patient_record_shared(
            patient=patient, kind=kind, record_id=record_id
        )

    def reference_url(self, *, kind: str, record_id: UUID) -> str | None:
        names = {
            "assessment": ("clinic-web:assessment-detail", "clinic-web:assessment"),
            "conclusion": ("clinic-web:conclusion-detail", "clinic-web:conclusion"),
        }
        for name in names.get(kind, ()):
            for kwarg in ("pk", "assessment_id", "conclusion_id", "id"):
                try:
                    return reverse(name, kwargs={kwarg: record_id})
                except NoReverseMatch:
                    continue
        return None

    def counterparts(self, *, actor: Any) -> list[dict[str, Any]]:
        """A doctor's patients with an account; a patient's care-team doctors."""
        result: list[dict[str, Any]] = [
            {"id": p.pk, "name": p.full_name, "kind": "patient"}
            for p in patients_selectors.patients_for_doctor(actor)
            .filter(user__isnull=False)
            .order_by("full_name")
        ]
        patient = patients_selectors.patient_for_user(actor)
        if patient is not None:
            result.extend(
                {"id": d.pk, "name": d.display_name, "kind": "doctor"}
                for d in patients_selectors.care_team_doctors(patient).order_by("full_name")
            )
        return result

    def is_subject_user(self, *, user: Any) -> bool:
        return patients_selectors.patient_for_user(user) is not None

    def side_panel(self, *, conversation: Any, viewer: Any) -> SidePanel | None:
        patient = Patient.objects.filter(pk=conversation.subject_id).first()
        if patient is None:
            return None
        facts = []
        if patient.age is not None:
            facts.append(gettext("Age: %(age)s") % {"age": patient.age})
        rows = []
        for instrument, score in sorted(assessments_selectors.latest_scores(patient).items()):
            value = str(score["score"])
            if score.get("band"):
                value += f" · {score['band']}"
            if score.get("at"):
                value += f" {str(score['at'])[:10]}"
            rows.append((instrument.upper(), value))
        return SidePanel(
            title=patient.full_name,
            facts=facts,
            sections=[
                PanelSection(
                    heading=gettext("Latest scores"),
                    rows=rows,
                    empty_text=gettext("No scores recorded yet."),
                )
            ],
        )


CARE_TEAM_POLICY = CareTeamPolicy()


def register() -> None:
    """Called from `ClinicConfig.ready()`."""
    register_conversation_policy(KIND, CARE_TEAM_POLICY)
