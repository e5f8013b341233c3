"""Patient pages: the clinic home (the patient's own home or the staff's patient list), a new
patient, the patient card, the doctor's record form, the care team, and the patient's own
record (`/clinic/me/record/`). Every page that shows a patient record is audited."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lifeline.audit import services as audit
from lifeline.clinic import permissions
from lifeline.clinic.engine.clinical import ADVERSE_EFFECTS, PAIN_DISTRIBUTIONS
from lifeline.clinic.enums import LesionSide, Sex, StrokeType
from lifeline.clinic.exceptions import ClinicForbidden
from lifeline.clinic.models import Patient
from lifeline.clinic.selectors import assessments as assessments_selectors
from lifeline.clinic.selectors import patients as patients_selectors
from lifeline.clinic.services import patients as patient_services
from lifeline.clinic.services.assessments import DEFAULT_BATTERY, INSTRUMENTS
from lifeline.clinic.services.clinical import BODY_REGION_LABELS, BODY_REGIONS, CLINICAL_LABELS
from lifeline.clinic.web import forms
from lifeline.clinic.web.common import (
    INSTRUMENT_NAMES,
    domain_error_lines,
    error_dict,
    flash_errors,
    user_of,
)
from lifeline.core.exceptions import DomainError, NotFound

PAGE_SIZE = 25


def patient_or_404(request: HttpRequest, patient_id: Any) -> Patient:
    try:
        return patients_selectors.patient_get_for(actor=user_of(request), patient_id=patient_id)
    except NotFound as exc:
        raise Http404 from exc


def latest_rows(patient: Patient) -> list[dict[str, Any]]:
    rows = []
    for instrument, data in sorted(assessments_selectors.latest_scores(patient).items()):
        at = data.get("at")
        rows.append(
            {
                "name": INSTRUMENT_NAMES.get(instrument, instrument),
                **data,
                "measured_at": parse_datetime(at) if isinstance(at, str) else None,
            }
        )
    return rows


# --- home ----------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    own = patients_selectors.patient_for_user(user)
    staff = permissions.is_doctor(user) or bool(permissions.admin_organization_ids(user))
    if own is not None and not staff:
        return _patient_home(request, own)
    if staff:
        return _patient_list(request)
    return render(request, "clinic/care_no_access.html", status=200)


def _patient_home(request: HttpRequest, patient: Patient) -> HttpResponse:
    user = user_of(request)
    audit.record_access(actor=user, target=patient, request=request)
    history = Paginator(
        assessments_selectors.assessment_history_list_for(actor=user, patient=patient), 10
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/care_patient_home.html",
        {
            "patient": patient,
            "drafts": assessments_selectors.assessment_draft_list_for(actor=user, patient=patient),
            "history": history,
            "latest": latest_rows(patient),
            "battery": [INSTRUMENT_NAMES[i] for i in DEFAULT_BATTERY],
        },
    )


def encode_cursor(name: str, pk: Any) -> str:
    raw = json.dumps([name, str(pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[str, str] | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        name, pk = json.loads(raw)
        return str(name), str(uuid.UUID(str(pk)))
    except (ValueError, TypeError):
        return None


def _patient_list(request: HttpRequest) -> HttpResponse:
    """Alphabetical keyset paging: constant cost on any page of 10 000 patients."""
    query = request.GET.get("q", "").strip()[:200]
    archived = request.GET.get("archived") == "1"
    cursor = decode_cursor(request.GET.get("after", ""))
    rows = patients_selectors.patient_page_for(
        actor=user_of(request), search=query, archived=archived, after=cursor, size=PAGE_SIZE
    )
    next_cursor = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = encode_cursor(rows[-1].full_name, rows[-1].pk)
    params = {"q": query} if query else {}
    if archived:
        params["archived"] = "1"
    return render(
        request,
        "clinic/care_patient_list.html",
        {
            "patients": rows,
            "q": query,
            "archived": archived,
            "next_url": "?" + urlencode({**params, "after": next_cursor}) if next_cursor else "",
            "first_url": ("?" + urlencode(params)) if cursor is not None else "",
        },
    )


# --- new patient, card, record form, care team ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def patient_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not (permissions.is_doctor(user) or permissions.admin_organization_ids(user)):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    values = {
        key: request.POST.get(key, "")
        for key in ("full_name", "date_of_birth", "diagnosis", "email")
    }
    if request.method == "POST":
        form = forms.PatientNewForm(request.POST)
        if not form.is_valid():
            errors = error_dict(form)
        else:
            try:
                patient = patient_services.patient_create(
                    actor=user, data=form.service_data(), request=request
                )
            except DomainError as exc:
                errors = exc.errors or {"__all__": [str(exc.detail)]}
            else:
                return redirect("clinic-web:patient-card", patient_id=patient.pk)
    return render(request, "clinic/care_patient_new.html", {"values": values, "errors": errors})


@login_required
def patient_card(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = patient_or_404(request, patient_id)
    user = user_of(request)
    if permissions.is_patient_self(user, patient):
        return redirect("clinic-web:home")
    audit.record_access(actor=user, target=patient, request=request)
    assessments = Paginator(
        assessments_selectors.assessment_card_list_for(actor=user, patient=patient), 10
    ).get_page(request.GET.get("page"))
    assessments.object_list = list(assessments.object_list)  # evaluated once
    can_act = permissions.can_act_clinically(user, patient)
    is_admin = permissions.is_clinic_admin(user, patient.organization_id)
    return render(
        request,
        "clinic/care_patient_card.html",
        {
            "patient": patient,
            "latest": latest_rows(patient),
            "assessments": assessments,
            "care_team": list(patients_selectors.care_team_of(patient)),
            "can_act": can_act,
            "can_manage": can_act or is_admin,
            "is_admin": is_admin,
            "clinic_doctors": (
                patients_selectors.clinic_doctor_list_for(actor=user, patient=patient)
                if is_admin
                else []
            ),
            "instruments": [(i, INSTRUMENT_NAMES[i]) for i in INSTRUMENTS],
            "default_battery": DEFAULT_BATTERY,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = patient_or_404(request, patient_id)
    user = user_of(request)
    if not permissions.can_manage_record(user, patient):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.PatientRecordForm(request.POST, clinical=patient.clinical or {})
        if not form.is_valid():
            errors = form.error_dict()
        else:
            try:
                patient_services.patient_update(
                    actor=user, patient=patient, data=form.service_data(), request=request
                )
            except DomainError as exc:
                errors = exc.errors or {"__all__": [str(exc.detail)]}
            else:
                messages.success(request, _("The record was saved."))
                return redirect("clinic-web:patient-card", patient_id=patient.pk)
    if request.method == "GET":
        audit.record_access(actor=user, target=patient, request=request)
    return render(
        request,
        "clinic/care_patient_edit.html",
        {"patient": patient, "errors": errors, **_record_form_context(patient)},
        status=400 if errors else 200,
    )


def _record_form_context(patient: Patient) -> dict[str, Any]:
    clinical = patient.clinical or {}
    group_titles = {
        "klit": _("Central post-stroke pain criteria (Klit)"),
        "nociceptive": _("Nociceptive pain"),
        "safety": _("Safety inputs"),
    }
    groups = [
        (
            group_titles[group],
            [
                (
                    name,
                    CLINICAL_LABELS[name],
                    "" if clinical.get(name) is None else str(clinical[name]).lower(),
                )
                for name in names
            ],
        )
        for group, names in forms.CLINICAL_GROUPS
    ]
    return {
        "groups": groups,
        "numbers": [
            (name, CLINICAL_LABELS[name], clinical.get(name, "")) for name in forms.CLINICAL_NUMBERS
        ],
        "meds": ", ".join(forms.med_names(clinical.get("current_meds"))),
        "regions": [(r, BODY_REGION_LABELS[r]) for r in BODY_REGIONS],
        "sexes": Sex.choices,
        "stroke_types": StrokeType.choices,
        "lesion_sides": LesionSide.choices,
    }


@login_required
@require_http_methods(["POST"])
def care_team_change(request: HttpRequest, patient_id: Any) -> HttpResponse:
    """A clinic admin assigns or unassigns a doctor from the patient card."""
    patient = patient_or_404(request, patient_id)
    user = user_of(request)
    form = forms.CareTeamForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        doctor = patients_selectors.care_team_candidate_get_for(
            actor=user, doctor_id=form.cleaned_data["doctor"]
        )
        change = (
            patient_services.care_team_unassign
            if form.cleaned_data["action"] == "unassign"
            else patient_services.care_team_assign
        )
        change(actor=user, patient=patient, doctor=doctor, request=request)
    except ClinicForbidden as exc:
        raise PermissionDenied from exc
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        flash_errors(request, domain_error_lines(exc))
    else:
        messages.success(request, _("The care team was updated."))
    return redirect("clinic-web:patient-card", patient_id=patient.pk)


# --- the patient's own record ----------------------------------------------------------------

DISTRIBUTION_LABELS = {
    "within_lesion_territory": gettext_lazy("On the side or area affected by the stroke"),
    "shoulder_only": gettext_lazy("Only the shoulder"),
    "joint_muscle": gettext_lazy("Joints or muscles"),
    "regional_beyond_territory": gettext_lazy("A larger area beyond the affected side"),
    "widespread": gettext_lazy("All over the body"),
}
EFFECT_LABELS = {
    "sedation": gettext_lazy("Drowsiness"),
    "falls": gettext_lazy("Falls"),
    "confusion": gettext_lazy("Confusion"),
    "palpitations": gettext_lazy("Palpitations"),
    "syncope": gettext_lazy("Fainting"),
    "rash": gettext_lazy("Skin rash"),
}
QUESTION_LABELS = {
    "new_pain_location": gettext_lazy("The pain appeared in a new place"),
    "pain_limits_daily_life": gettext_lazy("The pain strongly limits my daily life"),
    "new_focal_deficit": gettext_lazy("New weakness, numbness, or trouble speaking or seeing"),
    "sudden_severe_headache": gettext_lazy("A sudden, very severe headache"),
    "reduced_consciousness": gettext_lazy("Fainting or unusual drowsiness, confusion"),
    "acute_limb_swelling": gettext_lazy("A swollen, red or hot arm or leg, or calf pain"),
    "fall_or_trauma_with_new_pain": gettext_lazy("A fall or injury followed by new pain"),
    "self_harm": gettext_lazy("Thoughts of harming myself"),
}


@login_required
@require_http_methods(["GET", "POST"])
def my_record(request: HttpRequest) -> HttpResponse:
    """The fields a patient reports themselves (spec §C.2), through
    `patient_self_update` like the API."""
    user = user_of(request)
    patient = patients_selectors.patient_for_user(user)
    if patient is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.SelfRecordForm(request.POST, clinical=patient.clinical or {})
        if not form.is_valid():
            errors = error_dict(form)
        else:
            try:
                patient_services.patient_self_update(
                    actor=user, data=form.service_data(), request=request
                )
            except DomainError as exc:
                errors = exc.errors or {"": [str(exc.detail)]}
            else:
                messages.success(request, _("Your answers were saved. Your doctor will see them."))
                return redirect("clinic-web:my-record")
    else:
        audit.record_access(actor=user, target=patient, request=request)
    patient = patients_selectors.patient_refreshed_for(actor=user, patient=patient)
    clinical = patient.clinical or {}
    reported_flags = [n for n in patient_services.PATIENT_RED_FLAGS if clinical.get(n) is True]
    return render(
        request,
        "clinic/patient_my_record.html",
        {
            "patient": patient,
            "clinical": clinical,
            "errors": errors,
            "regions": [(r, BODY_REGION_LABELS[r]) for r in BODY_REGIONS],
            "distributions": [(d, DISTRIBUTION_LABELS[d]) for d in PAIN_DISTRIBUTIONS],
            "effects": [(e, EFFECT_LABELS[e]) for e in ADVERSE_EFFECTS],
            "pain_questions": [
                (n, QUESTION_LABELS[n], clinical.get(n) is True) for n in forms.PAIN_QUESTIONS
            ],
            "flags": [
                (n, QUESTION_LABELS[n], clinical.get(n) is True)
                for n in patient_services.PATIENT_RED_FLAGS
            ],
            "emergency": any(n in patient_services.EMERGENCY_RED_FLAGS for n in reported_flags),
            "crisis": "self_harm" in reported_flags,
            "meds": ", ".join(forms.med_names(clinical.get("current_meds"))),
            "scale": range(11),
        },
        status=400 if errors else 200,
    )
