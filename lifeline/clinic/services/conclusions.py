"""Writes of conclusions: build, edit, issue (with its PDF) and amend, plus the display texts
of the conclusion snapshot (instrument, band and label names).

Callers pass objects already loaded through `selectors/` (so the actor may see them); the
services check what the actor may *do* (care team for writes) and the invariants.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic.enums import (
    ConclusionStatus,
)
from lifeline.clinic.exceptions import (
    ClinicForbidden,
    ConclusionInvalid,
    ConclusionNotDraft,
    ConclusionNotIssued,
)
from lifeline.clinic.models.assessments import Evaluation, Score
from lifeline.clinic.models.catalogue import CatalogueItem
from lifeline.clinic.models.conclusions import Conclusion, ConclusionItem, ConclusionVersion
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.pdf import ConclusionDocument, ScoreLine, TreatmentLine, render_conclusion_pdf
from lifeline.clinic.selectors.analytics import hads_subscale
from lifeline.clinic.selectors.assessments import evaluation_confirmed_labels
from lifeline.clinic.selectors.catalogue import catalogue_by_code
from lifeline.clinic.selectors.patients import patients_actionable_by
from lifeline.files import services as files
from lifeline.files.enums import FileKind
from lifeline.notifications.services import notify

logger = logging.getLogger(__name__)


MAX_CONCLUSION_ITEMS = 50


# --- display texts -----------------------------------------------------------------------
INSTRUMENT_NAMES: dict[str, Any] = {
    "vas": _("VAS (0–100 mm)"),
    "nrs": _("NRS (0–10)"),
    "dn4": _("DN4"),
    "dn4_interview": _("DN4 interview"),
    "csi": _("CSI (part A)"),
    "hads": _("HADS"),
    "hads_a": _("HADS anxiety"),
    "hads_d": _("HADS depression"),
    "painad": _("PAINAD"),
    "ncsr": _("NCS-R"),
}


BAND_NAMES: dict[str, Any] = {
    "none": _("no pain"),
    "mild": _("mild"),
    "moderate": _("moderate"),
    "severe": _("severe"),
    "positive": _("positive (neuropathic component likely)"),
    "dn4_pos": _("positive (neuropathic component likely)"),
    "dn4_neg": _("negative"),
    "dn4_int_pos": _("positive, provisional (interview only)"),
    "negative": _("negative"),
    "provisional_positive": _("positive, provisional (interview only)"),
    "subclinical": _("subclinical"),
    "extreme": _("extreme"),
    "normal": _("normal"),
    "borderline": _("borderline (possible case)"),
    "abnormal": _("abnormal (probable case)"),
}


LABEL_STATUS_NAMES: dict[str, Any] = {
    "screening": _("screening result"),
    "clinician_confirmed": _("confirmed by the clinician"),
    "clinician_rejected": _("rejected by the clinician"),
}


PROVISIONAL = _("provisional")


LABEL_NAMES: dict[str, Any] = {
    "CPSP_POSSIBLE": _("Central post-stroke pain, possible"),
    "CPSP_PROBABLE": _("Central post-stroke pain, probable"),
    "CPSP_DEFINITE": _("Central post-stroke pain, definite"),
    "NEURO_SCREEN_POSITIVE": _("Neuropathic screening positive"),
    "NOCICEPTIVE": _("Nociceptive pain"),
    "NOCIPLASTIC_POSSIBLE": _("Nociplastic pain, possible"),
    "NOCIPLASTIC_PROBABLE": _("Nociplastic pain, probable"),
    "MIXED": _("Mixed pain"),
    "UNCLASSIFIED": _("Unclassified: clinical assessment needed"),
    "NO_CURRENT_PAIN": _("No current pain"),
    "ANXIETY_POSSIBLE": _("Anxiety, possible"),
    "ANXIETY_PROBABLE": _("Anxiety, probable"),
    "DEPRESSION_POSSIBLE": _("Depression, possible"),
    "DEPRESSION_PROBABLE": _("Depression, probable"),
}


def _fmt_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def display_band(band: str) -> str:
    return str(BAND_NAMES.get(band.lower(), band)) if band else ""


def bilingual(value: Any, language: str) -> str:
    """An engine text: a plain string or {"en": ..., "ru": ...}."""
    if isinstance(value, Mapping):
        return str(value.get(language[:2]) or value.get("en") or "")
    return str(value or "")


def display_label(label: Any, language: str = "en") -> str:
    if isinstance(label, dict):
        code = str(label.get("code") or "")
        known = LABEL_NAMES.get(code.upper())
        text = str(known) if known else (bilingual(label.get("title"), language) or code)
        status = LABEL_STATUS_NAMES.get(str(label.get("status") or ""))
        return f"{text} ({status})" if status else text
    return str(LABEL_NAMES.get(str(label).upper(), label))


def _score_entries(evaluation: Evaluation | None, patient: Patient) -> list[dict[str, Any]]:
    """Per-instrument scores for the document: the evaluation's assessment scores if stored,
    else the evaluation's own `scores` dict."""
    if evaluation is not None and evaluation.assessment_id is not None:
        stored = list(Score.objects.filter(assessment_id=evaluation.assessment_id))
        if stored:
            return [
                {
                    "instrument": s.instrument,
                    "value": s.value,
                    "band": s.band,
                    "subscores": s.subscores,
                    "provisional": s.provisional,
                    "band_label": (s.result or {}).get("band_label") or "",
                }
                for s in sorted(stored, key=lambda s: s.instrument)
            ]
    entries = []
    for instrument, result in sorted(((evaluation.scores if evaluation else None) or {}).items()):
        if not isinstance(result, Mapping):
            entries.append({"instrument": instrument, "value": result, "band": ""})
            continue
        value = next(
            (result[k] for k in ("value", "total", "score") if result.get(k) is not None), None
        )
        band = next((str(result[k]) for k in ("band", "label") if result.get(k)), "")
        entries.append(
            {
                "instrument": instrument,
                "value": value,
                "band": band,
                "subscores": result.get("subscales") or result.get("subscores") or {},
                "provisional": bool(result.get("provisional")),
                "band_label": result.get("band_label") or "",
            }
        )
    return entries


def _snapshot(evaluation: Evaluation | None, patient: Patient) -> dict[str, Any]:
    return {
        "evaluation_id": str(evaluation.pk) if evaluation else None,
        "ruleset_version": evaluation.ruleset_version if evaluation else "",
        "scores": _score_entries(evaluation, patient),
        # Only the labels the clinician confirmed (LabelDecision): the engine's are screening
        # results, and a rejected label is not the patient's.
        "labels": [
            {k: v for k, v in label.items() if k not in ("history", "engine_status")}
            for label in (evaluation_confirmed_labels(evaluation) if evaluation else [])
        ],
        "suggestion_rule_ids": sorted(
            {
                str(s.get("rule_id"))
                for s in (evaluation.suggestions if evaluation else [])
                if isinstance(s, Mapping)
            }
        ),
    }


# --- conclusions -------------------------------------------------------------------------
@dataclass(frozen=True)
class ConclusionItemInput:
    catalogue_code: str = ""
    rule_id: str = ""
    title: str = ""
    scheme: str = ""


def _require_care_team(actor: User, patient: Patient) -> None:
    """Only an approved doctor on the patient's care team writes documents (403 otherwise)."""
    if not patients_actionable_by(actor).filter(pk=patient.pk).exists():
        raise ClinicForbidden()


def _validated_items(
    items: Sequence[ConclusionItemInput], *, snapshot: Mapping[str, Any], language: str
) -> list[ConclusionItem]:
    if len(items) > MAX_CONCLUSION_ITEMS:
        raise ConclusionInvalid(errors={"items": [str(_("Too many items."))]})
    catalogue = catalogue_by_code(i.catalogue_code for i in items if i.catalogue_code)
    allowed_rules = set(snapshot.get("suggestion_rule_ids") or [])
    errors: dict[str, list[str]] = {}
    rows: list[ConclusionItem] = []
    for index, item in enumerate(items):
        problems = []
        entry: CatalogueItem | None = None
        if item.catalogue_code:
            entry = catalogue.get(item.catalogue_code)
            if entry is None or not entry.is_active:
                problems.append(str(_("Unknown catalogue code.")))
        if item.rule_id and snapshot.get("evaluation_id") and item.rule_id not in allowed_rules:
            problems.append(str(_("This rule made no suggestion in the evaluation.")))
        title = item.title.strip() or (entry.name(language) if entry else "")
        if not title:
            problems.append(str(_("Give a title or a catalogue code.")))
        if problems:
            errors[f"items[{index}]"] = problems
            continue
        scheme = (
            item.scheme.strip()
            if item.scheme.strip()
            else (entry.default_scheme(language) if entry else "")
        )
        rows.append(
            ConclusionItem(
                position=index,
                catalogue_item=entry,
                rule_id=item.rule_id,
                title=title[:300],
                scheme=scheme[:2000],
            )
        )
    if errors:
        raise ConclusionInvalid(errors=errors)
    return rows


def conclusion_create(
    *,
    actor: User,
    patient: Patient,
    evaluation: Evaluation | None = None,
    items: Sequence[ConclusionItemInput] = (),
    free_text: str = "",
    language: str = "ru",
    request: HttpRequest | None = None,
) -> Conclusion:
    """Start a draft conclusion for `patient` from `evaluation` (its scores and labels are
    copied). Only a doctor on the patient's care team may; nothing is stored on refusal."""
    _require_care_team(actor, patient)
    if evaluation is not None and evaluation.patient_id != patient.pk:
        raise ConclusionInvalid(errors={"evaluation_id": [str(_("Not this patient's."))]})
    snapshot = _snapshot(evaluation, patient)
    rows = _validated_items(items, snapshot=snapshot, language=language)
    with transaction.atomic():
        conclusion = Conclusion.objects.create(
            patient=patient,
            organization_id=patient.organization_id,
            doctor=actor,
            evaluation=evaluation,
            language=language,
            free_text=free_text,
            snapshot=snapshot,
        )
        for row in rows:
            row.conclusion = conclusion
        ConclusionItem.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="clinic.conclusion_created",
            target=conclusion,
            request=request,
            metadata={"patient_id": str(patient.pk), "items": len(rows)},
        )
    return conclusion


def conclusion_update(
    *,
    actor: User,
    conclusion: Conclusion,
    items: Sequence[ConclusionItemInput] | None = None,
    free_text: str | None = None,
    request: HttpRequest | None = None,
) -> Conclusion:
    """Replace the items and/or the free text of a draft."""
    _require_care_team(actor, conclusion.patient)
    rows = (
        _validated_items(items, snapshot=conclusion.snapshot, language=conclusion.language)
        if items is not None
        else None
    )
    with transaction.atomic():
        locked = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
        if locked.status != ConclusionStatus.DRAFT:
            raise ConclusionNotDraft()
        fields = ["updated_at"]
        if free_text is not None:
            locked.free_text = free_text
            fields.append("free_text")
        locked.save(update_fields=fields)
        if rows is not None:
            locked.items.all().delete()
            for row in rows:
                row.conclusion = locked
            ConclusionItem.objects.bulk_create(rows)
        audit.record(
            actor=actor, action="clinic.conclusion_updated", target=locked, request=request
        )
    return locked


def _doctor_display_name(user: User) -> str:
    return str(getattr(user, "full_name", "") or user.get_full_name() or user)


def conclusion_document(conclusion: Conclusion, *, issued_on: date) -> ConclusionDocument:
    """The printable content of `conclusion` (plain data for pdf.py)."""
    language = conclusion.language
    patient = conclusion.patient
    with override(language):
        scores = []
        for entry in conclusion.snapshot.get("scores", []):
            instrument = str(entry.get("instrument", ""))
            value = entry.get("value")
            text = "—" if value is None else _fmt_number(value)
            subscores = entry.get("subscores") or {}
            band = bilingual(entry.get("band_label"), language) or display_band(
                str(entry.get("band") or "")
            )
            if instrument == "hads" and subscores:
                parts, bands = [], []
                for which, key in (("anxiety", "hads_a"), ("depression", "hads_d")):
                    value_sub, band_sub = hads_subscale(subscores, which)
                    if value_sub is not None:
                        parts.append(f"{INSTRUMENT_NAMES[key]}: {_fmt_number(value_sub)}")
                        bands.append(
                            f"{INSTRUMENT_NAMES[key]}: {display_band(band_sub)}" if band_sub else ""
                        )
                text = ", ".join(parts) or text
                band = "; ".join(b for b in bands if b) or band
            if entry.get("provisional"):
                band = f"{band} ({PROVISIONAL})".strip()
            scores.append(
                ScoreLine(str(INSTRUMENT_NAMES.get(instrument, instrument.upper())), text, band)
            )
        labels = [
            display_label(label, language)
            for label in conclusion.snapshot.get("labels", [])
            # Only confirmed labels: snapshots taken before this rule may hold the others.
            if isinstance(label, dict) and label.get("status") == "clinician_confirmed"
        ]
        return ConclusionDocument(
            patient_name=patient.full_name,
            patient_birth_date=getattr(patient, "date_of_birth", None),
            diagnosis=getattr(patient, "diagnosis", "") or "",
            issued_on=issued_on,
            doctor_name=_doctor_display_name(conclusion.doctor),
            organization_name=conclusion.organization.name,
            scores=scores,
            classification=labels,
            treatments=[
                TreatmentLine(title=i.title, scheme=i.scheme, rule_id=i.rule_id)
                for i in conclusion.items.all()
            ],
            free_text=conclusion.free_text,
            version=conclusion.version,
            reference=str(conclusion.pk),
            language=language,
        )


def conclusion_issue(
    *, actor: User, conclusion: Conclusion, request: HttpRequest | None = None
) -> ConclusionVersion:
    """Render the PDF, store it through the files service and freeze the content as the next
    version. The patient is notified (in-app only: the topic is sensitive)."""
    _require_care_team(actor, conclusion.patient)
    if conclusion.status != ConclusionStatus.DRAFT:
        raise ConclusionNotDraft()
    now = timezone.now()
    document = conclusion_document(conclusion, issued_on=timezone.localdate(now))
    pdf_bytes = render_conclusion_pdf(document)
    upload = ContentFile(pdf_bytes, name=f"conclusion-{conclusion.pk}-v{conclusion.version}.pdf")
    stored = files.file_upload(
        actor=actor,
        uploaded_file=upload,
        kind=FileKind.DOCUMENT,
        organization=conclusion.organization,
        attach_to=conclusion,
        request=request,
    )
    try:
        with transaction.atomic():
            locked = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
            if locked.status != ConclusionStatus.DRAFT or locked.version != conclusion.version:
                raise ConclusionNotDraft()
            content = {
                "snapshot": locked.snapshot,
                "free_text": locked.free_text,
                "items": [
                    {
                        "catalogue_code": i.catalogue_item.code if i.catalogue_item else "",
                        "rule_id": i.rule_id,
                        "title": i.title,
                        "scheme": i.scheme,
                    }
                    for i in locked.items.select_related("catalogue_item")
                ],
                "doctor": document.doctor_name,
                "issued_on": document.issued_on.isoformat(),
            }
            version = ConclusionVersion.objects.create(
                conclusion=locked,
                number=locked.version,
                content=content,
                pdf=stored,
                issued_by=actor,
            )
            locked.status = ConclusionStatus.ISSUED
            locked.issued_at = now
            locked.save(update_fields=["status", "issued_at", "updated_at"])
            audit.record(
                actor=actor,
                action="clinic.conclusion_issued",
                target=locked,
                request=request,
                metadata={"version": locked.version, "file_id": str(stored.pk)},
            )
            if locked.patient.user_id is not None and locked.patient.user is not None:
                notify(
                    locked.patient.user,
                    "clinic.conclusion_issued",
                    {"conclusion_id": str(locked.pk), "version": locked.version},
                )
    except BaseException:
        files.file_delete(actor=actor, file=stored)
        raise
    conclusion.status, conclusion.issued_at = ConclusionStatus.ISSUED, now
    logger.info("clinic.conclusion_issued", extra={"conclusion_id": str(conclusion.pk)})
    return version


def conclusion_amend(
    *, actor: User, conclusion: Conclusion, request: HttpRequest | None = None
) -> Conclusion:
    """Open the next draft version of an issued conclusion (issued versions stay)."""
    _require_care_team(actor, conclusion.patient)
    with transaction.atomic():
        locked = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
        if locked.status != ConclusionStatus.ISSUED:
            raise ConclusionNotIssued()
        locked.status = ConclusionStatus.DRAFT
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        audit.record(
            actor=actor,
            action="clinic.conclusion_amended",
            target=locked,
            request=request,
            metadata={"version": locked.version},
        )
    return locked
