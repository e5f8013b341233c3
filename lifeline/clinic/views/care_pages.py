"""Clinic web pages: care part (patient home, assessments one question per screen, results;
doctor patient list, patient card, clinic assessments, suggestion review; invitations).

Reads go through the selectors (out of scope → 404), writes through the services (refused →
403 page or the form again with the error). Every page that shows a patient record,
an assessment or an evaluation is audited.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lifeline.accounts.models import User
from lifeline.accounts.services.registration import Names
from lifeline.audit import services as audit
from lifeline.clinic import permissions
from lifeline.clinic.enums import AssessmentMode, AssessmentStatus, DecisionAction, LabelAction
from lifeline.clinic.exceptions import ClinicForbidden
from lifeline.clinic.models.assessments import Assessment, Evaluation
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.selectors.assessments import (
    assessment_get_for,
    evaluation_for_assessment,
    evaluation_get_for,
    evaluation_labels,
    evaluation_suggestions,
    latest_scores,
    suggestion_key,
)
from lifeline.clinic.selectors.patients import (
    care_team_of,
    patient_for_user,
    patient_get_for,
    patient_list_for,
)
from lifeline.clinic.selectors.registration import invitation_get_by_token, legal_current
from lifeline.clinic.services import assessments as assessment_services
from lifeline.clinic.services import labels as label_services
from lifeline.clinic.services import registration
from lifeline.clinic.services.assessments import DEFAULT_BATTERY, INSTRUMENTS
from lifeline.clinic.views.care_screens import (
    assessment_screens,
    licensed_text_installed,
    parse_answer,
)
from lifeline.core.exceptions import DomainError, NotFound

INSTRUMENT_NAMES = {
    "vas": "VAS",
    "nrs": "NRS",
    "dn4": "DN4",
    "csi": "CSI",
    "hads": "HADS",
    "painad": "PAINAD",
    "ncsr": "NCS-R",
}


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _lang() -> str:
    return (get_language() or "ru")[:2] if (get_language() or "ru")[:2] in ("ru", "en") else "ru"


def _patient_or_404(request: HttpRequest, patient_id: Any) -> Patient:
    try:
        return patient_get_for(actor=_user(request), patient_id=patient_id)
    except NotFound as exc:
        raise Http404 from exc


def _assessment_or_404(request: HttpRequest, assessment_id: Any) -> Assessment:
    try:
        return assessment_get_for(actor=_user(request), assessment_id=assessment_id)
    except NotFound as exc:
        raise Http404 from exc


def _label(value: Any) -> str:
    """A bilingual engine label {"en":…, "ru":…} in the current language."""
    if isinstance(value, dict):
        return str(value.get(_lang()) or value.get("en") or "")
    return str(value or "")


# Pages: home and lists.


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    own = patient_for_user(user)
    staff = permissions.is_doctor(user) or bool(permissions.admin_organization_ids(user))
    if own is not None and not staff:
        return _patient_home(request, own)
    if staff:
        return _patient_list(request)
    return render(request, "clinic/care_no_access.html", status=200)


def _patient_home(request: HttpRequest, patient: Patient) -> HttpResponse:
    user = _user(request)
    audit.record_access(actor=user, target=patient, request=request)
    drafts = list(
        Assessment.objects.filter(
            patient=patient, status=AssessmentStatus.DRAFT, mode=AssessmentMode.PATIENT
        ).order_by("-created_at")[:5]
    )
    history = Paginator(
        Assessment.objects.filter(patient=patient, status=AssessmentStatus.SUBMITTED)
        .prefetch_related("scores")
        .order_by("-submitted_at"),
        10,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/care_patient_home.html",
        {
            "patient": patient,
            "drafts": drafts,
            "history": history,
            "latest": _latest_rows(patient),
            "battery": [INSTRUMENT_NAMES[i] for i in DEFAULT_BATTERY],
        },
    )


def _latest_rows(patient: Patient) -> list[dict[str, Any]]:
    rows = []
    for instrument, data in sorted(latest_scores(patient).items()):
        at = data.get("at")
        rows.append(
            {
                "name": INSTRUMENT_NAMES.get(instrument, instrument),
                **data,
                "measured_at": parse_datetime(at) if isinstance(at, str) else None,
            }
        )
    return rows


PAGE_SIZE = 25


def _encode_cursor(name: str, pk: Any) -> str:
    raw = json.dumps([name, str(pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(value: str) -> tuple[str, str] | None:
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
    patients = patient_list_for(actor=_user(request), search=query, archived=archived).order_by(
        "full_name", "id"
    )
    cursor = _decode_cursor(request.GET.get("after", ""))
    if cursor is not None:
        name, pk = cursor
        patients = patients.filter(Q(full_name__gt=name) | Q(full_name=name, id__gt=pk))
    rows = list(patients[: PAGE_SIZE + 1])
    next_cursor = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = _encode_cursor(rows[-1].full_name, rows[-1].pk)
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


@login_required
@require_http_methods(["GET", "POST"])
def patient_new(request: HttpRequest) -> HttpResponse:
    from lifeline.clinic.services import patients as patient_services

    user = _user(request)
    if not (permissions.is_doctor(user) or permissions.admin_organization_ids(user)):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    values = {
        key: request.POST.get(key, "")
        for key in ("full_name", "date_of_birth", "diagnosis", "email")
    }
    if request.method == "POST":
        data: dict[str, Any] = {k: v for k, v in values.items() if v}
        if data.get("date_of_birth"):
            from datetime import date

            try:
                data["date_of_birth"] = date.fromisoformat(data["date_of_birth"])
            except ValueError:
                errors["date_of_birth"] = [_("Enter a valid date.")]
        if not errors:
            try:
                patient = patient_services.patient_create(actor=user, data=data, request=request)
            except DomainError as exc:
                errors = exc.errors or {"__all__": [str(exc.detail)]}
            else:
                return redirect("clinic-web:patient-card", patient_id=patient.pk)
    return render(request, "clinic/care_patient_new.html", {"values": values, "errors": errors})


# Pages: patient card (doctor).


@login_required
def patient_card(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    user = _user(request)
    if permissions.is_patient_self(user, patient):
        return redirect("clinic-web:home")
    audit.record_access(actor=user, target=patient, request=request)
    assessments = Paginator(
        Assessment.objects.filter(patient=patient)
        .select_related("evaluation")
        .prefetch_related("scores")
        .order_by("-created_at", "-id"),
        10,
    ).get_page(request.GET.get("page"))
    assessments.object_list = list(assessments.object_list)  # evaluated once
    can_act = permissions.can_act_clinically(user, patient)
    is_admin = permissions.is_clinic_admin(user, patient.organization_id)
    return render(
        request,
        "clinic/care_patient_card.html",
        {
            "patient": patient,
            "latest": _latest_rows(patient),
            "assessments": assessments,
            "care_team": list(care_team_of(patient)),
            "can_act": can_act,
            "can_manage": can_act or is_admin,
            "is_admin": is_admin,
            "clinic_doctors": _clinic_doctors(patient) if is_admin else [],
            "instruments": [(i, INSTRUMENT_NAMES[i]) for i in INSTRUMENTS],
            "default_battery": DEFAULT_BATTERY,
        },
    )


def _clinic_doctors(patient: Patient) -> list[User]:
    """Approved doctors of the patient's clinic not yet on the care team (admin form)."""
    from lifeline.access.enums import Role
    from lifeline.access.models import Membership

    assigned = patient.care_team.values("doctor_id")
    doctor_ids = (
        Membership.objects.filter(
            organization_id=patient.organization_id, role=Role.DOCTOR, is_active=True
        )
        .exclude(user_id__in=assigned)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=doctor_ids).order_by("last_name", "full_name")[:200])


@login_required
@require_http_methods(["POST"])
def assessment_start(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    user = _user(request)
    clinician = request.POST.get("mode") == AssessmentMode.CLINICIAN
    instruments = [i for i in request.POST.getlist("instruments") if i in INSTRUMENTS]
    prefill = None
    if request.POST.get("prefill_from"):
        prefill = Assessment.objects.filter(
            patient=patient, pk=request.POST["prefill_from"], status=AssessmentStatus.SUBMITTED
        ).first()
    try:
        assessment, _created = assessment_services.assessment_start(
            actor=user,
            patient=patient,
            instruments=instruments or list(DEFAULT_BATTERY),
            mode=AssessmentMode.CLINICIAN if clinician else AssessmentMode.PATIENT,
            respondent=request.POST.get("respondent") or None,
            language=_lang(),
            prefill_from=prefill,
            request=request,
        )
    except ClinicForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        for messages_ in (exc.errors or {"": [str(exc.detail)]}).values():
            for message in messages_:
                messages.error(request, message)
        if clinician:
            return redirect("clinic-web:patient-card", patient_id=patient.pk)
        return redirect("clinic-web:home")
    return redirect("clinic-web:assessment-resume", assessment_id=assessment.pk)


# Pages: one question per screen.


@login_required
def assessment_resume(request: HttpRequest, assessment_id: Any) -> HttpResponse:
    assessment = _assessment_or_404(request, assessment_id)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect("clinic-web:assessment-results", assessment_id=assessment.pk)
    screens = assessment_screens(assessment, lang=_lang())
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
    user = _user(request)
    if assessment.mode == AssessmentMode.PATIENT:
        allowed = permissions.is_patient_self(user, assessment.patient)
    else:
        allowed = permissions.can_act_clinically(user, assessment.patient)
    if not allowed:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def assessment_question(request: HttpRequest, assessment_id: Any, n: int) -> HttpResponse:
    assessment = _assessment_or_404(request, assessment_id)
    _check_answerer(request, assessment)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect("clinic-web:assessment-results", assessment_id=assessment.pk)
    screens = assessment_screens(assessment, lang=_lang())
    if not 1 <= n <= len(screens):
        return redirect("clinic-web:assessment-review", assessment_id=assessment.pk)
    screen = screens[n - 1]
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "next")
        value = parse_answer(screen, request.POST.get("answer", ""))
        if action == "next" and value is None and screen.required:
            errors.append(_("Choose an answer to continue."))
        else:
            answers: dict[str, Any] = {}
            if value is not None or action == "skip":
                answers = {screen.instrument: {screen.link_id: None if action == "skip" else value}}
            following = assessment_screens(
                _with_answer(assessment, screen, None if action == "skip" else value), lang=_lang()
            )
            next_index = n + 1
            position = (
                {"instrument": following[n].instrument, "item": following[n].link_id}
                if n < len(following)
                else {}
            )
            try:
                assessment_services.assessment_autosave(
                    actor=_user(request), assessment=assessment, answers=answers, position=position
                )
            except DomainError as exc:
                errors.extend(m for ms in (exc.errors or {}).values() for m in ms)
                if not errors:
                    errors.append(str(exc.detail))
            else:
                if next_index > len(following):
                    return redirect("clinic-web:assessment-review", assessment_id=assessment.pk)
                return redirect(
                    "clinic-web:assessment-question", assessment_id=assessment.pk, n=next_index
                )
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
            "lang": _lang(),
        },
        status=400 if errors else 200,
    )


def _with_answer(assessment: Assessment, screen: Any, value: Any) -> Assessment:
    """A copy of the assessment with one answer changed (to recompute enableWhen screens)."""
    answers = {k: dict(v) for k, v in assessment.answers.items()}
    items = answers.setdefault(screen.instrument, {})
    if value is None:
        items.pop(screen.link_id, None)
    else:
        items[screen.link_id] = value
    copy = Assessment(instruments=assessment.instruments, mode=assessment.mode, answers=answers)
    return copy


@login_required
@require_http_methods(["GET", "POST"])
def assessment_review(request: HttpRequest, assessment_id: Any) -> HttpResponse:
    assessment = _assessment_or_404(request, assessment_id)
    _check_answerer(request, assessment)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect("clinic-web:assessment-results", assessment_id=assessment.pk)
    screens = assessment_screens(assessment, lang=_lang())
    missing = [
        (index + 1, screen)
        for index, screen in enumerate(screens)
        if screen.required and screen.link_id not in assessment.answers.get(screen.instrument, {})
    ]
    errors: list[str] = []
    if request.method == "POST" and not missing:
        try:
            assessment_services.assessment_submit(
                actor=_user(request), assessment=assessment, request=request
            )
        except DomainError as exc:
            errors = [m for ms in (exc.errors or {}).values() for m in ms] or [str(exc.detail)]
        else:
            return redirect("clinic-web:assessment-results", assessment_id=assessment.pk)
    return render(
        request,
        "clinic/care_review.html",
        {"assessment": assessment, "missing": missing, "errors": errors, "total": len(screens)},
    )


@login_required
def assessment_results(request: HttpRequest, assessment_id: Any) -> HttpResponse:
    assessment = _assessment_or_404(request, assessment_id)
    user = _user(request)
    audit.record_access(actor=user, target=assessment, request=request)
    if assessment.status != AssessmentStatus.SUBMITTED:
        return redirect("clinic-web:assessment-resume", assessment_id=assessment.pk)
    rows = []
    for score in assessment.scores.all().order_by("instrument"):
        result = score.result or {}
        subscales = []
        for name, sub in (result.get("subscales") or {}).items():
            if isinstance(sub, dict):
                subscales.append(
                    {
                        "name": {"hads_a": _("Anxiety"), "hads_d": _("Depression")}.get(name, name),
                        "score": sub.get("score"),
                        "label": _label(sub.get("band_label")),
                        "prorated": sub.get("prorated"),
                    }
                )
        rows.append(
            {
                "name": INSTRUMENT_NAMES.get(score.instrument, score.instrument),
                "instrument": score.instrument,
                "value": score.value,
                "label": _label(result.get("band_label")),
                "provisional": score.provisional,
                "prorated": score.prorated,
                "subscales": subscales,
                "notes": [
                    _label(note.get("text"))
                    for note in result.get("notes", [])
                    if isinstance(note, dict)
                ],
            }
        )
    evaluation = evaluation_for_assessment(assessment)
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


# Pages: suggestion review (doctor).


def _safety_view(entries: list[Any]) -> list[dict[str, Any]]:
    out = []
    for entry in entries or []:
        if isinstance(entry, dict):
            out.append(
                {
                    "rule_id": entry.get("rule_id") or entry.get("x_rule_id", ""),
                    "level": entry.get("level", ""),
                    "message": _label(entry.get("message") or entry.get("title")),
                }
            )
    return out


LABEL_STATUS_TEXT: dict[str, Any] = {
    "screening": gettext_lazy("screening result"),
    "clinician_confirmed": gettext_lazy("confirmed by the clinician"),
    "clinician_rejected": gettext_lazy("rejected by the clinician"),
}


def _labels_view(evaluation: Evaluation, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {
            "code": label.get("code", ""),
            "title": _label(label.get("title")) or label.get("code", ""),
            "status": label["status"],
            "status_text": LABEL_STATUS_TEXT.get(label["status"], label["status"]),
            "rule_id": label.get("rule_id", ""),
            "provisional": label.get("provisional", False),
            "reason": label.get("reason") or "",
            "history": [
                {
                    **d,
                    "created_at": parse_datetime(d["created_at"]),
                    "action": LabelAction(d["action"]).label,
                }
                for d in label["history"]
            ],
            "errors": errors.get(str(label.get("code", "")), []),
        }
        for label in evaluation_labels(evaluation)
    ]


def _label_decision_post(request: HttpRequest, user: User, evaluation: Evaluation) -> HttpResponse:
    code = request.POST.get("label_code", "")
    try:
        label_services.label_decision_record(
            actor=user,
            evaluation=evaluation,
            code=code,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except DomainError as exc:
        errors = {code: [m for ms in (exc.errors or {}).values() for m in ms]}
        return _evaluation_page(request, user, evaluation, label_errors=errors)
    messages.success(request, _("Decision recorded."))
    return redirect(
        reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": evaluation.pk})
        + f"#l-{code}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_review(request: HttpRequest, evaluation_id: Any) -> HttpResponse:
    user = _user(request)
    try:
        evaluation = evaluation_get_for(actor=user, evaluation_id=evaluation_id)
    except NotFound as exc:
        raise Http404 from exc
    return _evaluation_page(request, user, evaluation)


def _anchor(key: tuple[str, str]) -> str:
    """The page anchor of one suggestion (rule id + option: T-6 has three)."""
    rule_id, option = key
    return f"{rule_id}-{option}" if option else rule_id


def _evaluation_page(
    request: HttpRequest,
    user: User,
    evaluation: Evaluation,
    *,
    label_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    can_act = permissions.can_act_clinically(user, evaluation.patient)
    form_errors: dict[str, list[str]] = {}
    if request.method == "POST" and label_errors is None:
        if not can_act:
            raise PermissionDenied
        if "label_code" in request.POST:
            return _label_decision_post(request, user, evaluation)
        key = (request.POST.get("rule_id", ""), request.POST.get("option", ""))
        try:
            decision = assessment_services.decision_record(
                actor=user,
                evaluation=evaluation,
                rule_id=key[0],
                action=request.POST.get("action", ""),
                reason=request.POST.get("reason", ""),
                modification=request.POST.get("modification", ""),
                option=key[1],
                request=request,
            )
        except DomainError as exc:
            form_errors[_anchor(key)] = [m for ms in (exc.errors or {}).values() for m in ms]
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(
                reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": evaluation.pk})
                + f"#s-{_anchor(suggestion_key(decision))}"
            )
    audit.record_access(actor=user, target=evaluation, request=request)
    suggestions = []
    titles: dict[tuple[str, str], str] = {}
    for suggestion in evaluation_suggestions(evaluation):
        rule_id = str(suggestion.get("rule_id", ""))
        titles[suggestion["key"]] = _label(suggestion.get("title")) or suggestion.get("option", "")
        suggestions.append(
            {
                "rule_id": rule_id,
                "anchor": _anchor(suggestion["key"]),
                "title": titles[suggestion["key"]],
                "text": _label(suggestion.get("text")),
                "line": suggestion.get("line", ""),
                "evidence_tag": suggestion.get("evidence_tag", ""),
                "source_grade": suggestion.get("source_grade", ""),
                "citations": suggestion.get("citation_ids", []),
                "safety": _safety_view(suggestion.get("safety", [])),
                "displayed": suggestion.get("displayed", True),
                "reason_if_collapsed": _label(suggestion.get("reason_if_collapsed")),
                "decision": suggestion["decision"],
                "errors": form_errors.get(_anchor(suggestion["key"]), []),
                "option": suggestion.get("option", ""),
            }
        )
    labels = _labels_view(evaluation, label_errors or {})
    red_flags = [
        {
            "rule_id": flag.get("rule_id", ""),
            "severity": flag.get("severity", ""),
            "message": _label(flag.get("message") or flag.get("title")),
        }
        for flag in evaluation.red_flags
        if isinstance(flag, dict)
    ]
    follow_up = [
        {"rule_id": task.get("rule_id", ""), "message": _label(task.get("message"))}
        for task in evaluation.follow_up
        if isinstance(task, dict)
    ]
    return render(
        request,
        "clinic/care_evaluation.html",
        {
            "evaluation": evaluation,
            "patient": evaluation.patient,
            "labels": labels,
            "red_flags": red_flags,
            "emergency": any(f["severity"] == "emergency" for f in red_flags),
            "suggestions": suggestions,
            "safety": _safety_view(evaluation.safety),
            "follow_up": follow_up,
            # The log names the suggestion each decision is on (rule id + option).
            "history": [
                {"decision": d, "title": titles.get(suggestion_key(d), d.option)}
                for d in evaluation.decisions.all()
            ],
            "can_act": can_act,
            "actions": DecisionAction.choices,
            "label_actions": LabelAction.choices,
        },
        status=400 if form_errors or label_errors else 200,
    )


# Pages: invitation (anonymous).


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_get_by_token(token)
    except DomainError:
        return render(request, "clinic/care_invitation_invalid.html", status=410)
    documents = sorted(legal_current().values(), key=lambda d: d.kind)
    errors: list[str] = []
    if request.method == "POST":
        accepted = {d.kind: d.version for d in documents if request.POST.get(f"accept_{d.kind}")}
        password = request.POST.get("password", "")
        if password != request.POST.get("password_confirm", ""):
            errors.append(_("The passwords do not match."))
        else:
            try:
                patient = registration.invitation_accept(
                    token=token,
                    password=password,
                    names=Names(full_name=request.POST.get("full_name", "").strip()),
                    accepted_versions=accepted,
                    actor=request.user,
                    language=_lang(),
                    request=request,
                )
            except DomainError as exc:
                errors = [m for ms in (exc.errors or {}).values() for m in ms] or [str(exc.detail)]
            else:
                del patient
                messages.success(request, _("Registration complete. Sign in to continue."))
                if request.user.is_authenticated:
                    return redirect("clinic-web:home")
                return redirect("web:login")
    return render(
        request,
        "clinic/care_invitation.html",
        {"invitation": invitation, "documents": documents, "errors": errors},
        status=400 if errors else 200,
    )


# Pages: patient record edit (doctor / clinic admin).

CLINICAL_GROUPS: list[tuple[str, list[str]]] = [
    (
        "klit",
        [
            "onset_after_stroke",
            "distribution_matches_lesion",
            "sensory_signs_in_area",
            "lesion_on_imaging",
            "other_causes_excluded",
            "pain_confined_to_lesion_territory",
        ],
    ),
    ("nociceptive", ["hsp", "spasticity_pain", "msk_pain", "headache", "crps_signs"]),
    (
        "safety",
        [
            "self_report_reliable",
            "cardiac_history",
            "cardiac_conduction_disease",
            "arrhythmia",
            "heart_failure",
            "ecg_on_file",
            "angle_closure_glaucoma",
            "urinary_retention_bph",
            "epilepsy_or_poststroke_seizures",
            "falls_history",
            "orthostatic_hypotension",
            "cognitive_impairment",
            "hepatic_impairment",
            "uncontrolled_hypertension",
            "copd_or_resp_insufficiency",
            "substance_use_disorder",
            "pregnancy_or_breastfeeding",
            "suicidal_ideation",
            "hyponatremia",
            "hla_b1502_risk_ancestry",
            "hla_b1502_positive",
        ],
    ),
]
CLINICAL_NUMBERS = ["weight", "serum_creatinine", "crcl_cockcroft_gault", "egfr", "qtc_ms"]
RECORD_DATES = ("date_of_birth", "stroke_date", "pain_onset_date")


def _record_form_data(post: Any, patient: Patient) -> tuple[dict[str, Any], dict[str, list[str]]]:
    from datetime import date

    from lifeline.clinic.services.clinical import BODY_REGIONS

    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {
        "full_name": post.get("full_name", "").strip(),
        "diagnosis": post.get("diagnosis", ""),
        "sex": post.get("sex", "unknown"),
        "stroke_type": post.get("stroke_type", "unknown"),
        "lesion_side": post.get("lesion_side", "unknown"),
        "lesion_site": post.get("lesion_site", "")[:200],
        "pain_locations": [r for r in post.getlist("pain_locations") if r in BODY_REGIONS],
    }
    for field in RECORD_DATES:
        raw = post.get(field, "").strip()
        try:
            data[field] = date.fromisoformat(raw) if raw else None
        except ValueError:
            errors[field] = [_("Enter a valid date.")]
    clinical = dict(patient.clinical or {})
    for _group, names in CLINICAL_GROUPS:
        for name in names:
            value = post.get(f"c_{name}", "")
            if value in ("true", "false"):
                clinical[name] = value == "true"
            else:
                clinical.pop(name, None)
    for name in CLINICAL_NUMBERS:
        raw = post.get(f"c_{name}", "").strip().replace(",", ".")
        if not raw:
            clinical.pop(name, None)
            continue
        try:
            number = float(raw)
        except ValueError:
            errors[f"clinical.{name}"] = [_("Must be a number.")]
            continue
        clinical[name] = int(number) if name == "qtc_ms" and number.is_integer() else number
    meds = [m.strip() for m in post.get("c_current_meds", "").split(",") if m.strip()]
    if meds:
        clinical["current_meds"] = meds
    else:
        clinical.pop("current_meds", None)
    data["clinical"] = clinical
    return data, errors


@login_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, patient_id: Any) -> HttpResponse:
    from lifeline.clinic.enums import LesionSide, Sex, StrokeType
    from lifeline.clinic.services import patients as patient_services
    from lifeline.clinic.services.clinical import BODY_REGIONS

    patient = _patient_or_404(request, patient_id)
    user = _user(request)
    if not permissions.can_manage_record(user, patient):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = _record_form_data(request.POST, patient)
        if not errors:
            try:
                patient_services.patient_update(
                    actor=user, patient=patient, data=data, request=request
                )
            except DomainError as exc:
                errors = exc.errors or {"__all__": [str(exc.detail)]}
            else:
                messages.success(request, _("The record was saved."))
                return redirect("clinic-web:patient-card", patient_id=patient.pk)
    from lifeline.clinic.services.clinical import BODY_REGION_LABELS, CLINICAL_LABELS

    if request.method == "GET":
        audit.record_access(actor=user, target=patient, request=request)
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
        for group, names in CLINICAL_GROUPS
    ]
    meds = clinical.get("current_meds") or []
    return render(
        request,
        "clinic/care_patient_edit.html",
        {
            "patient": patient,
            "errors": errors,
            "groups": groups,
            "numbers": [
                (name, CLINICAL_LABELS[name], clinical.get(name, "")) for name in CLINICAL_NUMBERS
            ],
            "meds": ", ".join(
                m if isinstance(m, str) else m.get("name") or m.get("atc", "") for m in meds
            ),
            "regions": [(r, BODY_REGION_LABELS[r]) for r in BODY_REGIONS],
            "sexes": Sex.choices,
            "stroke_types": StrokeType.choices,
            "lesion_sides": LesionSide.choices,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["POST"])
def invitation_new(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = request.POST.get("email", "").strip()
    try:
        validate_email(email)
    except ValidationError:
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect("clinic-web:home")
    try:
        registration.invitation_create(
            actor=_user(request),
            patient_email=email,
            full_name=request.POST.get("full_name", "").strip()[:200],
            request=request,
        )
    except ClinicForbidden as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        for ms in (exc.errors or {"": [str(exc.detail)]}).values():
            for message in ms:
                messages.error(request, message)
    else:
        messages.success(request, _("The invitation was sent."))
    return redirect("clinic-web:home")


@login_required
@require_http_methods(["POST"])
def care_team_change(request: HttpRequest, patient_id: Any) -> HttpResponse:
    """A clinic admin assigns or unassigns a doctor from the patient card."""
    from lifeline.clinic.services import patients as patient_services

    patient = _patient_or_404(request, patient_id)
    try:
        doctor = User.objects.filter(pk=uuid.UUID(request.POST.get("doctor", ""))).first()
    except ValueError as exc:
        raise Http404 from exc
    if doctor is None:
        raise Http404
    try:
        if request.POST.get("action") == "unassign":
            patient_services.care_team_unassign(
                actor=_user(request), patient=patient, doctor=doctor, request=request
            )
        else:
            patient_services.care_team_assign(
                actor=_user(request), patient=patient, doctor=doctor, request=request
            )
    except ClinicForbidden as exc:
        raise PermissionDenied from exc
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        for ms in (exc.errors or {"": [str(exc.detail)]}).values():
            for message in ms:
                messages.error(request, message)
    else:
        messages.success(request, _("The care team was updated."))
    return redirect("clinic-web:patient-card", patient_id=patient.pk)


# Pages: doctor self-registration (anonymous).

DOCTOR_FIELDS = (
    "email",
    "last_name",
    "first_name",
    "middle_name",
    "specialty",
    "position",
    "workplace",
    "city",
    "area_of_interest",
    "organization",
)


@require_http_methods(["GET", "POST"])
def doctor_register(request: HttpRequest) -> HttpResponse:
    """Personal data → professional profile → legal documents → e-mail code (accounts)."""
    from lifeline.access.enums import OrganizationKind
    from lifeline.access.models import Organization
    from lifeline.core.api.throttling import AuthRateThrottle

    clinics = Organization.objects.filter(
        kind=OrganizationKind.CLINIC, is_active=True, is_demo=False
    ).order_by("name")[:500]
    documents = sorted(legal_current().values(), key=lambda d: d.kind)
    values = {field: request.POST.get(field, "").strip() for field in DOCTOR_FIELDS}
    errors: list[str] = []
    if request.method == "POST":
        if not AuthRateThrottle().allow_request(request, None):  # type: ignore[arg-type]
            errors.append(_("Too many attempts. Wait a minute and try again."))
        elif request.POST.get("password", "") != request.POST.get("password_confirm", ""):
            errors.append(_("The passwords do not match."))
        elif not values["email"] or not values["first_name"] or not values["last_name"]:
            errors.append(_("Fill in the e-mail, first name and last name."))
        else:
            try:
                registration.doctor_register(
                    email=values["email"],
                    password=request.POST.get("password", ""),
                    names=Names(
                        first_name=values["first_name"],
                        middle_name=values["middle_name"],
                        last_name=values["last_name"],
                    ),
                    profile={
                        key: values[key]
                        for key in (
                            "specialty",
                            "position",
                            "workplace",
                            "city",
                            "area_of_interest",
                        )
                    },
                    organization_id=values["organization"] or None,
                    accepted_versions={
                        d.kind: d.version for d in documents if request.POST.get(f"accept_{d.kind}")
                    },
                    language=_lang(),
                    request=request,
                )
            except DomainError as exc:
                errors = [m for ms in (exc.errors or {}).values() for m in ms] or [str(exc.detail)]
            else:
                messages.success(request, _("Check your e-mail for the verification code."))
                return redirect(
                    reverse("web:verify-email") + "?" + urlencode({"email": values["email"]})
                )
    return render(
        request,
        "clinic/care_doctor_register.html",
        {"values": values, "errors": errors, "clinics": clinics, "documents": documents},
        status=400 if errors else 200,
    )
