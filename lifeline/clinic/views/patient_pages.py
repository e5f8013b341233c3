"""The patient's own record page (`/clinic/me/record/`): the fields a patient reports
themselves (spec §C.2) through `services.patients.patient_self_update`, like the API."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic.engine.clinical import ADVERSE_EFFECTS, PAIN_DISTRIBUTIONS
from lifeline.clinic.selectors.patients import patient_for_user
from lifeline.clinic.services import patients as patient_services
from lifeline.clinic.services.clinical import BODY_REGION_LABELS, BODY_REGIONS
from lifeline.core.exceptions import DomainError

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
PAIN_QUESTIONS = ("new_pain_location", "pain_limits_daily_life")
NUMBERS = (("nrs_now", 0, 10), ("nrs_avg24h", 0, 10))


def _med_names(meds: Any) -> list[str]:
    return [
        m if isinstance(m, str) else str(m.get("name") or m.get("atc") or "") for m in meds or []
    ]


def _form_data(post: Any, patient: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {
        "email": post.get("email", "").strip(),
        "phone": post.get("phone", "").strip()[:32],
        "pain_locations": [r for r in post.getlist("pain_locations") if r in BODY_REGIONS],
    }
    raw = post.get("pain_onset_date", "").strip()
    try:
        data["pain_onset_date"] = date.fromisoformat(raw) if raw else None
    except ValueError:
        errors["pain_onset_date"] = [_("Enter a valid date.")]
    clinical: dict[str, Any] = {}
    for name, low, high in NUMBERS:
        value = post.get(name, "").strip()
        if not value:
            clinical[name] = None
        elif value.isdigit() and low <= int(value) <= high:
            clinical[name] = int(value)
        else:
            errors[f"clinical.{name}"] = [_("Choose a number from 0 to 10.")]
    distribution = post.get("pain_distribution", "")
    clinical["pain_distribution"] = distribution if distribution in PAIN_DISTRIBUTIONS else None
    current = patient.clinical or {}
    meds = [m.strip() for m in post.get("current_meds", "").split(",") if m.strip()]
    if meds != _med_names(current.get("current_meds")):  # unchanged text keeps doses
        clinical["current_meds"] = meds[:50] or None
    effects = [e for e in post.getlist("adverse_effects") if e in ADVERSE_EFFECTS]
    clinical["adverse_effects"] = effects or None
    for name in (*PAIN_QUESTIONS, *patient_services.PATIENT_RED_FLAGS):
        ticked = post.get(name) == "yes"
        if name in patient_services.PATIENT_RED_FLAGS and current.get(name) is True:
            continue  # reported: the care team clears it
        clinical[name] = True if ticked else (False if name in current else None)
    data["clinical"] = clinical
    return data, errors


@login_required
@require_http_methods(["GET", "POST"])
def my_record(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)
    patient = patient_for_user(user)
    if patient is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = _form_data(request.POST, patient)
        if not errors:
            try:
                patient_services.patient_self_update(actor=user, data=data, request=request)
            except DomainError as exc:
                errors = exc.errors or {"": [str(exc.detail)]}
            else:
                messages.success(request, _("Your answers were saved. Your doctor will see them."))
                return redirect("clinic-web:my-record")
    else:
        audit.record_access(actor=user, target=patient, request=request)
    patient.refresh_from_db()
    clinical = patient.clinical or {}
    meds = clinical.get("current_meds") or []
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
                (n, QUESTION_LABELS[n], clinical.get(n) is True) for n in PAIN_QUESTIONS
            ],
            "flags": [
                (n, QUESTION_LABELS[n], clinical.get(n) is True)
                for n in patient_services.PATIENT_RED_FLAGS
            ],
            "emergency": any(n in patient_services.EMERGENCY_RED_FLAGS for n in reported_flags),
            "crisis": "self_harm" in reported_flags,
            "meds": ", ".join(_med_names(meds)),
            "scale": range(11),
        },
        status=400 if errors else 200,
    )
