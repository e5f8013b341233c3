"""Assessment pages: start (patient or clinician mode), one question per screen with
autosave, review and submit, results. Results are audited; only the patient answers a
patient-mode assessment and only the care team a clinician-mode one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lifeline.audit import services as audit
from lifeline.clinic import permissions
from lifeline.clinic.enums import AssessmentMode, AssessmentStatus
from lifeline.clinic.exceptions import ClinicForbidden
from lifeline.clinic.models import Assessment
from lifeline.clinic.selectors import assessments as assessments_selectors
from lifeline.clinic.services import assessments as assessment_services
from lifeline.clinic.services.assessments import DEFAULT_BATTERY
from lifeline.clinic.web import forms
from lifeline.clinic.web.common import (
    INSTRUMENT_NAMES,
    domain_error_lines,
    error_lines,
    flash_errors,
    label,
    lang,
    user_of,
)
from lifeline.clinic.web.patients import patient_or_404
from lifeline.clinic.web.screens import Screen, assessment_screens, licensed_text_installed
from lifeline.core.exceptions import DomainError, NotFound


def _assessment_or_404(request: HttpRequest, assessment_id: Any) -> Assessment:
    try:
        return assessments_selectors.assessment_get_for(
            actor=user_of(request), assessment_id=assessment_id
        )
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["POST"])
def assessment_start(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = patient_or_404(request, patient_id)
    user = user_of(request)
    clinician = request.POST.get("mode") == AssessmentMode.CLINICIAN
    back = (
        redirect("clinic-web:patient-card", patient_id=patient.pk)
        if clinician
        else redirect("clinic-web:home")
    )
    form = forms.AssessmentStartForm(request.POST)
    if not form.is_valid():
        flash_errors(request, error_lines(form.errors))
        return back
    data = form.cleaned_data
    prefill = None
    if data["prefill_from"]:
        prefill = assessments_selectors.assessment_submitted_get_for(
            actor=user, patient=patient, assessment_id=data["prefill_from"]
        )
    try:
        assessment, _created = assessment_services.assessment_start(
            actor=user,
            patient=patient,
            instruments=data["instruments"] or list(DEFAULT_BATTERY),
            mode=AssessmentMode.CLINICIAN if clinician else AssessmentMode.PATIENT,
            respondent=data["respondent"] or None,
            language=lang(),
            prefill_from=prefill,
            request=request,
        )
    except ClinicForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        flash_errors(request, domain_error_lines(exc))
        return back
    return redirect("clinic-web:assessment-resume", assessment_id=assessment.pk)


@login_required
def assessment_resume(request: HttpRequest, assessment_id: Any) -> HttpResponse:
    assessment = _assessment_or_404(request, assessment_id)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect("clinic-web:assessment-results", assessment_id=assessment.pk)
    screens = assessment_screens(assessment, lang=lang())
    position = assessment.position or {}
    for index, screen in enumerate(screens):
        if screen.instrument == position.get("instrument") and screen.link_id == position.get(
            "item"
        ):
            return redirect(
                "clinic-web:assessment-question", assessment_id=assessment.pk, n=index + 1
            )
    for index, screen in enumerate(screens):
        if screen.link_id not in assessment.answers.get(screen.instrument, {}):
            return redirect(
                "clinic-web:assessment-question", assessment_id=assessment.pk, n=index + 1
            )
    return redirect("clinic-web:assessment-review", assessment_id=assessment.pk)


def _check_answerer(request: HttpRequest, assessment: Assessment) -> None:
    user = user_of(request)
    if assessment.mode == AssessmentMode.PATIENT:
        allowed = permissions.is_patient_self(user, assessment.patient)
    else:
        allowed = permissions.can_act_clinically(user, assessment.patient)
    if not allowed:
        raise PermissionDenied


@dataclass
class _Answers:
    """What `assessment_screens` reads of an assessment (to recompute enableWhen screens)."""

    instruments: list[str]
    mode: str
    answers: dict[str, Any]


def _with_answer(assessment: Assessment, screen: Screen, value: Any) -> _Answers:
    """The assessment's answers with one answer changed."""
    answers = {k: dict(v) for k, v in assessment.answers.items()}
    items = answers.setdefault(screen.instrument, {})
    if value is None:
        items.pop(screen.link_id, None)
    else:
        items[screen.link_id] = value
    return _Answers(instruments=assessment.instruments, mode=assessment.mode, answers=answers)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_question(request: HttpRequest, assessment_id: Any, n: int) -> HttpResponse:
    assessment = _assessment_or_404(request, assessment_id)
    _check_answerer(request, assessment)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect("clinic-web:assessment-results", assessment_id=assessment.pk)
    screens = assessment_screens(assessment, lang=lang())
    if not 1 <= n <= len(screens):
        return redirect("clinic-web:assessment-review", assessment_id=assessment.pk)
    screen = screens[n - 1]
    errors: list[str] = []
    if request.method == "POST":
        form = forms.AnswerForm(request.POST, screen=screen)
        if not form.is_valid():
            errors = error_lines(form.errors)
        else:
            response = _save_answer(request, assessment, screen, n, form.cleaned_data, errors)
            if response is not None:
                return response
    current = assessment.answers.get(screen.instrument, {}).get(screen.link_id)
    if screen.type == "boolean" and isinstance(current, bool):
        current = "true" if current else "false"
    return render(
        request,
        "clinic/care_question.html",
        {
            "assessment": assessment,
            "screen": screen,
            "n": n,
            "total": len(screens),
            "percent": int((n - 1) * 100 / max(len(screens), 1)),
            "current": "" if current is None else str(current),
            "errors": errors,
            "licensed_missing": not licensed_text_installed(screen.instrument),
            "lang": lang(),
        },
        status=400 if errors else 200,
    )


def _save_answer(
    request: HttpRequest,
    assessment: Assessment,
    screen: Screen,
    n: int,
    data: dict[str, Any],
    errors: list[str],
) -> HttpResponse | None:
    """Autosave one answer and the position of the next screen; the redirect onwards, or
    None with `errors` filled when the service refuses the answer."""
    value = data["value"]
    answers: dict[str, Any] = {}
    if value is not None or data["skip"]:
        answers = {screen.instrument: {screen.link_id: value}}
    following = assessment_screens(_with_answer(assessment, screen, value), lang=lang())
    position = (
        {"instrument": following[n].instrument, "item": following[n].link_id}
        if n < len(following)
        else {}
    )
    try:
        assessment_services.assessment_autosave(
            actor=user_of(request), assessment=assessment, answers=answers, position=position
        )
    except DomainError as exc:
        errors.extend(error_lines(exc.errors) or [str(exc.detail)])
        return None
    if n + 1 > len(following):
        return redirect("clinic-web:assessment-review", assessment_id=assessment.pk)
    return redirect("clinic-web:assessment-question", assessment_id=assessment.pk, n=n + 1)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_review(request: HttpRequest, assessment_id: Any) -> HttpResponse:
    assessment = _assessment_or_404(request, assessment_id)
    _check_answerer(request, assessment)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect("clinic-web:assessment-results", assessment_id=assessment.pk)
    screens = assessment_screens(assessment, lang=lang())
    missing = [
        (index + 1, screen)
        for index, screen in enumerate(screens)
        if screen.required and screen.link_id not in assessment.answers.get(screen.instrument, {})
    ]
    errors: list[str] = []
    if request.method == "POST" and not missing:
        try:
            assessment_services.assessment_submit(
                actor=user_of(request), assessment=assessment, request=request
            )
        except DomainError as exc:
            errors = domain_error_lines(exc)
        else:
            return redirect("clinic-web:assessment-results", assessment_id=assessment.pk)
    return render(
        request,
        "clinic/care_review.html",
        {"assessment": assessment, "missing": missing, "errors": errors, "total": len(screens)},
    )


def _score_row(score: Any) -> dict[str, Any]:
    result = score.result or {}
    subscales = []
    for name, sub in (result.get("subscales") or {}).items():
        if isinstance(sub, dict):
            subscales.append(
                {
                    "name": {"hads_a": _("Anxiety"), "hads_d": _("Depression")}.get(name, name),
                    "score": sub.get("score"),
                    "label": label(sub.get("band_label")),
                    "prorated": sub.get("prorated"),
                }
            )
    return {
        "name": INSTRUMENT_NAMES.get(score.instrument, score.instrument),
        "instrument": score.instrument,
        "value": score.value,
        "label": label(result.get("band_label")),
        "provisional": score.provisional,
        "prorated": score.prorated,
        "subscales": subscales,
        "notes": [
            label(note.get("text")) for note in result.get("notes", []) if isinstance(note, dict)
        ],
    }


@login_required
def assessment_results(request: HttpRequest, assessment_id: Any) -> HttpResponse:
    assessment = _assessment_or_404(request, assessment_id)
    user = user_of(request)
    audit.record_access(actor=user, target=assessment, request=request)
    if assessment.status != AssessmentStatus.SUBMITTED:
        return redirect("clinic-web:assessment-resume", assessment_id=assessment.pk)
    rows = [
        _score_row(score)
        for score in assessments_selectors.score_list_for(actor=user, assessment=assessment)
    ]
    evaluation = assessments_selectors.evaluation_for_assessment(assessment)
    is_clinician = not permissions.is_patient_self(user, assessment.patient)
    return render(
        request,
        "clinic/care_results.html",
        {
            "assessment": assessment,
            "rows": rows,
            "evaluation": evaluation if is_clinician else None,
            "is_clinician": is_clinician,
        },
    )
