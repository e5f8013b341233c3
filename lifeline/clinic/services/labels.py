"""The physician's decision on the engine's mechanism labels (spec §C.0.3, §B.2).

The engine flags; the clinician confirms or rejects each label. Decisions are an append-only
log (`LabelDecision`): the latest row per (evaluation, code) is current. Only a confirmed
label becomes a FHIR Condition and a confirmed classification in the conclusion (they read
`selectors.evaluation_labels`).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic import permissions
from lifeline.clinic.enums import LabelAction
from lifeline.clinic.exceptions import ClinicForbidden
from lifeline.clinic.models.assessments import Evaluation, LabelDecision
from lifeline.core.exceptions import InvalidInput


def label_codes(evaluation: Evaluation) -> list[str]:
    return [
        str(label.get("code"))
        for label in evaluation.labels or []
        if isinstance(label, dict) and label.get("code")
    ]


@transaction.atomic
def label_decision_record(
    *,
    actor: User,
    evaluation: Evaluation,
    code: str,
    action: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> LabelDecision:
    """Append the physician's confirmation or rejection of one label of `evaluation`.

    Only a doctor of the patient's care team may decide (403 otherwise); the code must be one
    of the evaluation's labels and a rejection needs a reason (400, nothing stored).
    """
    if not permissions.can_act_clinically(actor, evaluation.patient):
        raise ClinicForbidden()
    errors: dict[str, list[str]] = {}
    if code not in label_codes(evaluation):
        errors["code"] = [_("This evaluation has no such label.")]
    if action not in LabelAction.values:
        errors["action"] = [_("Unknown action.")]
    reason = (reason or "").strip()
    if action == LabelAction.REJECTED and not reason:
        errors["reason"] = [_("Give a reason for rejecting the label.")]
    if errors:
        raise InvalidInput(errors=errors)
    decision = LabelDecision.objects.create(
        evaluation=evaluation, code=code, action=action, reason=reason, actor=actor
    )
    audit.record(
        actor=actor,
        action="clinic.label_decided",
        target=evaluation,
        organization=evaluation.patient.organization_id,
        request=request,
        metadata={"code": code, "decision": action},
    )
    return decision
