"""Assessment sessions (start, autosave, resume, submit), stored evaluations and decisions.

Submitting validates every instrument with the engine (invalid → 400 with per-item errors and
nothing stored), stores one `Score` per instrument and one `Evaluation` (spec §C.9) computed by
`engine.evaluate` — the same function as the stateless `POST /evaluate/`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic import engine, permissions
from lifeline.clinic.enums import (
    Administration,
    AssessmentMode,
    AssessmentStatus,
    DecisionAction,
    Respondent,
)
from lifeline.clinic.exceptions import (
    AssessmentNotDraft,
    ClinicForbidden,
    InvalidAnswers,
    PatientArchived,
)
from lifeline.clinic.models.assessments import Assessment, Evaluation, Score, SuggestionDecision
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.selectors.assessments import previous_scores, suggestion_key
from lifeline.clinic.services.clinical import clinical_snapshot
from lifeline.core.exceptions import InvalidInput

INSTRUMENTS: tuple[str, ...] = ("vas", "nrs", "dn4", "csi", "hads", "painad", "ncsr")
# Observational instruments: a clinician scores them (never the patient's own screen).
CLINICIAN_ONLY: frozenset[str] = frozenset({"painad", "ncsr"})
# A caregiver may answer for the patient only where the spec allows a proxy (§D.3): never
# the self-report questionnaires (HADS, CSI, DN4 interview).
PROXY_ALLOWED: frozenset[str] = frozenset({"vas", "nrs"})
DEFAULT_BATTERY: tuple[str, ...] = ("vas", "dn4", "csi", "hads")


def _check_instruments(instruments: Any, *, mode: str, respondent: str) -> list[str]:
    if not isinstance(instruments, list) or not instruments:
        raise InvalidInput(errors={"instruments": [_("Choose at least one instrument.")]})
    unknown = [name for name in instruments if name not in INSTRUMENTS]
    if unknown:
        raise InvalidInput(
            errors={"instruments": [_("Unknown instrument: %(name)s.") % {"name": unknown[0]}]}
        )
    if len(set(instruments)) != len(instruments):
        raise InvalidInput(errors={"instruments": [_("An instrument is listed twice.")]})
    if mode == AssessmentMode.PATIENT and CLINICIAN_ONLY.intersection(instruments):
        raise InvalidInput(
            errors={"instruments": [_("PAINAD and NCS-R are completed by a clinician.")]}
        )
    if respondent == Respondent.CAREGIVER and not PROXY_ALLOWED.issuperset(instruments):
        raise InvalidInput(
            errors={
                "respondent": [
                    _("A caregiver may answer only the pain intensity scales for the patient.")
                ]
            }
        )
    return list(instruments)


def _assessment_state(assessment: Assessment) -> dict[str, Any]:
    return {
        "instruments": assessment.instruments,
        "mode": assessment.mode,
        "respondent": assessment.respondent,
        "status": assessment.status,
    }


@transaction.atomic
def assessment_start(
    *,
    actor: User,
    patient: Patient,
    instruments: list[str] | None = None,
    mode: str | None = None,
    respondent: str | None = None,
    administration: str | None = None,
    language: str = "ru",
    prefill_from: Assessment | None = None,
    request: HttpRequest | None = None,
) -> tuple[Assessment, bool]:
    """Start a session, or resume the patient's open one with the same instruments.

    Returns (assessment, created). The patient starts patient-mode sessions for themself
    (respondent patient, or caregiver for the proxy-allowed scales); the patient's doctors
    start clinician-mode sessions (`prefill_from` copies a submitted session's answers, e.g.
    to add the DN4 examination items to the patient's interview answers). Without a `mode`,
    the patient's own session is a self-report and anyone else's a clinician session.
    """
    if patient.is_archived:
        raise PatientArchived()
    instruments = list(instruments or DEFAULT_BATTERY)
    if mode is None:
        self_report = permissions.is_patient_self(actor, patient)
        mode = AssessmentMode.PATIENT if self_report else AssessmentMode.CLINICIAN
    if mode == AssessmentMode.PATIENT:
        if not permissions.is_patient_self(actor, patient):
            raise ClinicForbidden()
        respondent = respondent or Respondent.PATIENT
        if respondent not in (Respondent.PATIENT, Respondent.CAREGIVER):
            raise InvalidInput(errors={"respondent": [_("Not allowed in patient mode.")]})
        administration = administration or Administration.SELF_TABLET
    elif mode == AssessmentMode.CLINICIAN:
        if not permissions.can_act_clinically(actor, patient):
            raise ClinicForbidden()
        respondent = respondent or Respondent.CLINICIAN
        administration = administration or Administration.INTERVIEW_IN_PERSON
    else:
        raise InvalidInput(errors={"mode": [_("Unknown mode.")]})
    if respondent not in Respondent.values:
        raise InvalidInput(errors={"respondent": [_("Unknown respondent.")]})
    if administration not in Administration.values:
        raise InvalidInput(errors={"administration": [_("Unknown administration mode.")]})
    if language not in ("ru", "en"):
        raise InvalidInput(errors={"language": [_("Unknown language.")]})
    instruments = _check_instruments(instruments, mode=mode, respondent=respondent)

    if prefill_from is None:
        open_session = (
            Assessment.objects.select_for_update()
            .filter(
                patient=patient,
                status=AssessmentStatus.DRAFT,
                mode=mode,
                respondent=respondent,
                instruments=instruments,
            )
            .order_by("-created_at")
            .first()
        )
        if open_session is not None:
            return open_session, False

    answers: dict[str, Any] = {}
    if prefill_from is not None:
        if (
            prefill_from.patient_id != patient.pk
            or prefill_from.status != AssessmentStatus.SUBMITTED
        ):
            raise InvalidInput(errors={"prefill_from": [_("Choose a submitted assessment.")]})
        answers = {
            name: dict(prefill_from.answers.get(name, {}))
            for name in instruments
            if name in prefill_from.answers
        }
    assessment = Assessment.objects.create(
        patient=patient,
        started_by=actor,
        instruments=instruments,
        mode=mode,
        respondent=respondent,
        administration=administration,
        language=language,
        answers=answers,
    )
    audit.record(
        actor=actor,
        action="clinic.assessment_started",
        target=assessment,
        organization=patient.organization_id,
        request=request,
        after=_assessment_state(assessment),
    )
    return assessment, True


def _may_answer(actor: User, assessment: Assessment) -> bool:
    if assessment.mode == AssessmentMode.PATIENT:
        return permissions.is_patient_self(actor, assessment.patient)
    return permissions.can_act_clinically(actor, assessment.patient)


def _per_item_errors(
    instrument: str, answers: dict[str, Any], *, mode: str, partial: bool
) -> dict[str, list[str]]:
    errors = engine.validate_responses(instrument, answers, mode=mode, partial=partial)
    return {f"{instrument}.{item}": list(messages) for item, messages in (errors or {}).items()}


def assessment_autosave(
    *,
    actor: User,
    assessment: Assessment,
    answers: dict[str, Any],
    position: dict[str, Any] | None = None,
) -> Assessment:
    """Merge answers into a draft (an answer of `null` clears it). Invalid → nothing stored."""
    if not _may_answer(actor, assessment):
        raise ClinicForbidden()
    if not isinstance(answers, dict):
        raise InvalidAnswers(errors={"answers": [_("Must be an object.")]})
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.DRAFT:
            raise AssessmentNotDraft()
        merged = {name: dict(items) for name, items in assessment.answers.items()}
        errors: dict[str, list[str]] = {}
        for instrument, items in answers.items():
            if instrument not in assessment.instruments:
                errors[str(instrument)] = [_("This instrument is not part of the assessment.")]
                continue
            if not isinstance(items, dict):
                errors[instrument] = [_("Must be an object of item answers.")]
                continue
            current = merged.setdefault(instrument, {})
            for item, value in items.items():
                if value is None:
                    current.pop(item, None)
                else:
                    current[item] = value
            errors.update(_per_item_errors(instrument, current, mode=assessment.mode, partial=True))
        if errors:
            raise InvalidAnswers(errors=errors)
        assessment.answers = merged
        if position is not None:
            if not isinstance(position, dict):
                raise InvalidInput(errors={"position": [_("Must be an object.")]})
            assessment.position = {k: position[k] for k in ("instrument", "item") if k in position}
        assessment.autosave_count += 1
        assessment.last_saved_at = timezone.now()
        assessment.save(
            update_fields=["answers", "position", "autosave_count", "last_saved_at", "updated_at"]
        )
    return assessment


def _inputs_hash(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def score_fields(result: dict[str, Any]) -> dict[str, Any]:
    """The queryable columns of a Score from the engine's score dict."""
    value = None
    for key in ("total", "score", "value"):
        value = _number(result.get(key))
        if value is not None:
            break
    if value is None:
        value = _number(result.get("interview_total"))
    band = result.get("band")
    if isinstance(band, dict):
        band = band.get("code") or band.get("id") or ""
    subscores: dict[str, Any] = {}
    raw_subscales = result.get("subscales") or result.get("subscores") or {}
    if isinstance(raw_subscales, dict):
        for name, sub in raw_subscales.items():
            if isinstance(sub, dict):
                subscores[name] = {
                    "score": _number(sub.get("total", sub.get("score"))),
                    "band": (sub.get("band") or {}).get("code")
                    if isinstance(sub.get("band"), dict)
                    else sub.get("band"),
                    "prorated": bool(sub.get("prorated", False)),
                }
            else:
                subscores[name] = {"score": _number(sub)}
    return {
        "value": value,
        "band": str(band or "")[:64],
        "subscores": subscores,
        "prorated": bool(result.get("prorated", False))
        or any(s.get("prorated") for s in subscores.values()),
        "provisional": bool(result.get("provisional", False)),
    }


def assessment_submit(
    *, actor: User, assessment: Assessment, request: HttpRequest | None = None
) -> Evaluation:
    """Validate everything, store per-instrument scores and the evaluation. All or nothing."""
    if not _may_answer(actor, assessment):
        raise ClinicForbidden()
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update().select_related("patient").get(pk=assessment.pk)
        )
        if assessment.status != AssessmentStatus.DRAFT:
            raise AssessmentNotDraft()
        patient = assessment.patient
        if patient.is_archived:
            raise PatientArchived()
        errors: dict[str, list[str]] = {}
        responses: dict[str, dict[str, Any]] = {}
        for instrument in assessment.instruments:
            answers = dict(assessment.answers.get(instrument, {}))
            errors.update(
                _per_item_errors(instrument, answers, mode=assessment.mode, partial=False)
            )
            responses[instrument] = answers
        if errors:
            raise InvalidAnswers(errors=errors)

        now = timezone.now()
        scores = {name: engine.score(name, answers) for name, answers in responses.items()}
        clinical = clinical_snapshot(patient)
        clinical.setdefault("respondent", assessment.respondent)
        if assessment.mode == AssessmentMode.CLINICIAN and "dn4" in responses:
            # The clinician ran (or reviewed, when prefilled) the DN4 interview items.
            clinical.setdefault("dn4_interview_confirmed", True)
        previous = previous_scores(patient)
        result = engine.evaluate(responses, clinical, previous=previous or None)
        for instrument, score_result in scores.items():
            Score.objects.create(
                assessment=assessment,
                patient=patient,
                instrument=instrument,
                instrument_version=str(score_result.get("version", "")),
                result=score_result,
                measured_at=now,
                **score_fields(score_result),
            )
        snapshot = {"responses": responses, "clinical": clinical, "previous": previous}
        red_flags = list(result.get("red_flags") or [])
        evaluation = Evaluation.objects.create(
            patient=patient,
            assessment=assessment,
            evaluated_by=actor,
            ruleset_version=str(result.get("ruleset_version") or engine.RULESET_VERSION),
            inputs_snapshot=snapshot,
            inputs_hash=_inputs_hash(snapshot),
            scores=result.get("scores") or scores,
            labels=list(result.get("labels") or []),
            suggestions=list(result.get("suggestions") or []),
            safety=list(result.get("safety") or []),
            red_flags=red_flags,
            follow_up=list(result.get("follow_up") or []),
            has_red_flags=bool(red_flags),
        )
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = now
        assessment.submitted_by = actor
        assessment.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        audit.record(
            actor=actor,
            action="clinic.assessment_submitted",
            target=assessment,
            organization=patient.organization_id,
            request=request,
            metadata={"evaluation_id": str(evaluation.pk), "instruments": assessment.instruments},
        )
        from lifeline.clinic.services.notifications import notify_assessment_submitted

        notify_assessment_submitted(assessment=assessment, evaluation=evaluation)
    from lifeline.clinic import metrics

    metrics.assessments_submitted.labels(mode=assessment.mode).inc()
    return evaluation


def _suggestion(
    evaluation: Evaluation, rule_id: str, option: str
) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """The one suggestion a decision names, or the field errors saying why there is none.

    Without an option, a rule that made a single suggestion names it; a rule with several
    options (T-6) needs the option.
    """
    of_rule = [
        s for s in evaluation.suggestions if isinstance(s, dict) and s.get("rule_id") == rule_id
    ]
    if not of_rule:
        return None, {"rule_id": [_("This evaluation has no such suggestion.")]}
    if option:
        match = [s for s in of_rule if str(s.get("option") or "") == option]
        if not match:
            return None, {"option": [_("This rule made no such suggestion in the evaluation.")]}
        return match[0], {}
    if len(of_rule) > 1:
        return None, {"option": [_("This rule made several suggestions: choose one.")]}
    return of_rule[0], {}


def _blocked(suggestion: dict[str, Any], evaluation: Evaluation) -> bool:
    entries = list(suggestion.get("safety") or [])
    rule_id, option = suggestion_key(suggestion)
    entries += [
        s
        for s in evaluation.safety
        if isinstance(s, dict)
        and (
            rule_id in (s.get("applies_to") or s.get("suggestions") or [])
            or (option and s.get("option") == option)
        )
    ]
    return any(isinstance(s, dict) and s.get("level") == "BLOCK" for s in entries)


@transaction.atomic
def decision_record(
    *,
    actor: User,
    evaluation: Evaluation,
    rule_id: str,
    action: str,
    reason: str = "",
    modification: str = "",
    option: str = "",
    request: HttpRequest | None = None,
) -> SuggestionDecision:
    """Append the physician's decision on one suggestion (accept / modify / reject).

    A suggestion is a rule id and an option (`selectors.suggestion_key`); the option may be
    left out only when the rule made one suggestion (it is then stored). Rejecting or
    modifying needs a reason; so does accepting a suggestion a safety rule blocks (an
    explicit override).
    """
    if not permissions.can_act_clinically(actor, evaluation.patient):
        raise ClinicForbidden()
    suggestion, errors = _suggestion(evaluation, rule_id, (option or "").strip())
    if action not in DecisionAction.values:
        errors["action"] = [_("Unknown action.")]
    reason = (reason or "").strip()
    modification = (modification or "").strip()
    if action in (DecisionAction.REJECTED, DecisionAction.MODIFIED) and not reason:
        errors["reason"] = [_("Give a reason.")]
    if action == DecisionAction.MODIFIED and not modification:
        errors["modification"] = [_("Describe the modification.")]
    if (
        suggestion is not None
        and action != DecisionAction.REJECTED
        and _blocked(suggestion, evaluation)
        and not reason
    ):
        errors["reason"] = [_("A safety rule blocks this option: give the override reason.")]
    if errors or suggestion is None:
        raise InvalidInput(errors=errors)
    option = suggestion_key(suggestion)[1][:200]
    decision = SuggestionDecision.objects.create(
        evaluation=evaluation,
        rule_id=rule_id,
        option=option,
        action=action,
        reason=reason,
        modification=modification,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="clinic.suggestion_decided",
        target=evaluation,
        organization=evaluation.patient.organization_id,
        request=request,
        metadata={"rule_id": rule_id, "option": option, "decision": action},
    )
    return decision
