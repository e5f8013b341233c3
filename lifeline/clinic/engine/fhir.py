"""Pure FHIR R4 builders (spec §B): QuestionnaireResponse, score Observations, Condition, Bundle.

Plain dicts in, plain dicts out (no database). References are strings such as
"Patient/123"; times are ISO 8601 strings. The per-patient export (the app's
`fhir_export`) assembles them; tests validate the output with `fhir.resources.R4B`.
"""

from __future__ import annotations

from typing import Any

from lifeline.clinic.engine import codes
from lifeline.clinic.engine.questionnaires import current_version, get_questionnaire
from lifeline.clinic.engine.validation import clean_answers

SURVEY = {"coding": [{"system": codes.OBS_CATEGORY, "code": "survey", "display": "Survey"}]}

# instrument -> (system, code, display) of its total score Observation.
SCORE_CODES: dict[str, tuple[str, str, str]] = {
    "nrs": (
        codes.LOINC,
        codes.LOINC_NRS,
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    ),
    "vas": (codes.LOINC, codes.LOINC_VAS, "Pain severity [Score] Visual analog score"),
    "dn4": (codes.CS_INSTRUMENTS, "dn4-total", "DN4 total score"),
    "dn4-interview": (
        codes.CS_INSTRUMENTS,
        "dn4-interview-total",
        "DN4 interview total score (provisional)",
    ),
    "csi": (codes.CS_INSTRUMENTS, "csi-a-total", "CSI part A total score"),
    "hads_a": (codes.CS_INSTRUMENTS, "hads-a", "HADS anxiety subscale"),
    "hads_d": (codes.CS_INSTRUMENTS, "hads-d", "HADS depression subscale"),
    "painad": (codes.CS_INSTRUMENTS, "painad-total", "PAINAD total score"),
    "ncsr": (codes.CS_INSTRUMENTS, "ncsr-total", "NCS-R total score"),
}

# Mechanism labels -> Condition codes (spec §B.1). Only clinician-confirmed labels export.
CONDITION_CODES: dict[str, list[dict[str, str]]] = {
    "CPSP": [
        {"system": codes.ICD11, "code": "MG30.51", "display": "Chronic central neuropathic pain"},
        {
            "system": codes.SNOMED,
            "code": codes.SNOMED_NEUROPATHIC_PAIN,
            "display": "Neuropathic pain",
        },
        {"system": codes.CS_INSTRUMENTS, "code": "pain-mechanism", "display": "neuropathic-cpsp"},
    ],
    "NEURO_SCREEN_POSITIVE": [
        {
            "system": codes.SNOMED,
            "code": codes.SNOMED_NEUROPATHIC_PAIN,
            "display": "Neuropathic pain",
        },
    ],
    "NOCIPLASTIC": [
        {"system": codes.ICD11, "code": "MG30.0", "display": "Chronic primary pain"},
        {"system": codes.CS_INSTRUMENTS, "code": "pain-mechanism", "display": "nociplastic"},
    ],
    "NOCICEPTIVE": [
        {
            "system": codes.ICD11,
            "code": "MG30.3",
            "display": "Chronic secondary musculoskeletal pain",
        },
        {"system": codes.CS_INSTRUMENTS, "code": "pain-mechanism", "display": "nociceptive"},
    ],
    "MIXED": [
        {"system": codes.CS_INSTRUMENTS, "code": "pain-mechanism", "display": "mixed"},
    ],
}


def _ref(reference: str | None) -> dict[str, str] | None:
    return {"reference": reference} if reference else None


def _answer(item: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = item["type"]
    if kind == "choice":
        option = next(o for o in item["answerOption"] if o["valueCoding"]["code"] == value)
        coding = dict(option["valueCoding"])
        coding["extension"] = [dict(e) for e in option.get("extension", [])]
        return {"valueCoding": coding}
    if kind == "integer":
        return {"valueInteger": int(value)}
    if kind == "decimal":
        return {"valueDecimal": float(value)}
    if kind == "boolean":
        return {"valueBoolean": bool(value)}
    return {"valueString": str(value)}


def questionnaire_response(
    instrument: str,
    answers: dict[str, Any],
    *,
    id: str,  # noqa: A002 - FHIR element name
    subject: str,
    authored: str,
    author: str | None = None,
    source: str | None = None,
    clinician: str | None = None,
    status: str = "completed",
    lang: str = "en",
    version: str | None = None,
) -> dict[str, Any]:
    """A QuestionnaireResponse mirroring the Questionnaire's item tree.

    Choice answers are Codings carrying the option's `ordinalValue`. Clinician-only items
    (DN4 8–10, PAINAD, NCS-R) get the item-level `questionnaireresponse-author` extension
    pointing at `clinician` when given.
    """
    version = version or current_version(instrument)
    q = get_questionnaire(instrument, lang, version)
    canonical = clean_answers(instrument, answers)

    def walk(nodes: list[dict[str, Any]], clinician_only: bool) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for node in nodes:
            if node.get("readOnly"):
                continue
            node_clin = clinician_only or any(
                e["url"] == codes.EXT_CLINICIAN_ONLY and e.get("valueBoolean")
                for e in node.get("extension", [])
            )
            children = walk(node.get("item", []), node_clin)
            link_id = node["linkId"]
            entry: dict[str, Any] = {"linkId": link_id, "text": node.get("text")}
            if node["type"] == "group":
                if not children:
                    continue
                entry["item"] = children
            elif link_id in canonical:
                answer = _answer(node, canonical[link_id])
                if children:
                    answer["item"] = children
                entry["answer"] = [answer]
                if node_clin and clinician:
                    entry["extension"] = [
                        {"url": codes.EXT_QR_AUTHOR, "valueReference": {"reference": clinician}}
                    ]
            else:
                continue
            out.append(entry)
        return out

    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": id,
        "language": lang,
        "questionnaire": f"{q['url']}|{version}",
        "status": status,
        "subject": {"reference": subject},
        "authored": authored,
    }
    if author:
        resource["author"] = {"reference": author}
    if source:
        resource["source"] = {"reference": source}
    resource["item"] = walk(q["item"], instrument in ("painad", "ncsr"))
    return resource


def _quantity(value: float, unit: str = "{score}") -> dict[str, Any]:
    number: int | float = int(value) if float(value).is_integer() else float(value)
    return {"value": number, "unit": unit, "system": codes.UCUM, "code": unit}


def _interpretation(system: str, code: str, display: str | None = None) -> list[dict[str, Any]]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return [{"coding": [coding]}]


def _observation(
    key: str,
    value: float,
    *,
    id: str,  # noqa: A002
    subject: str,
    effective: str,
    derived_from: str | None,
    performer: str | None,
    interpretation: list[dict[str, Any]] | None,
    notes: list[str],
    unit: str = "{score}",
) -> dict[str, Any]:
    system, code, display = SCORE_CODES[key]
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
        "subject": {"reference": subject},
        "effectiveDateTime": effective,
        "valueQuantity": _quantity(value, unit),
    }
    if performer:
        obs["performer"] = [{"reference": performer}]
    if interpretation:
        obs["interpretation"] = interpretation
    if derived_from:
        obs["derivedFrom"] = [{"reference": derived_from}]
    if notes:
        obs["note"] = [{"text": n} for n in notes]
    return obs


def score_observations(
    score_result: dict[str, Any],
    *,
    id_prefix: str,
    subject: str,
    effective: str,
    derived_from: str | None = None,
    performer: str | None = None,
) -> list[dict[str, Any]]:
    """Observations of one instrument's score (the dict returned by `score`).

    One Observation per score (HADS: HADS-A and HADS-D). Unscorable scores yield none;
    prorated or provisional ones say so in `note`.
    """
    instrument = score_result["instrument"]
    common: dict[str, Any] = {
        "subject": subject,
        "effective": effective,
        "derived_from": derived_from,
        "performer": performer,
    }
    out: list[dict[str, Any]] = []
    if instrument in ("nrs", "vas"):
        if score_result.get("total") is None:
            return []
        band = score_result["band"]
        interp = _interpretation(codes.SNOMED, score_result["snomed"], band)
        out.append(
            _observation(
                instrument,
                score_result["total"],
                id=f"{id_prefix}-{instrument}",
                interpretation=interp,
                notes=[],
                unit="mm" if instrument == "vas" else "{score}",
                **common,
            )
        )
    elif instrument == "dn4":
        result = score_result.get("result")
        if result is None:
            return []
        interp = _interpretation(codes.V3_INTERPRETATION, "POS" if result != "DN4_NEG" else "NEG")
        if score_result.get("total") is not None:
            out.append(
                _observation(
                    "dn4",
                    score_result["total"],
                    id=f"{id_prefix}-dn4",
                    interpretation=interp,
                    notes=[],
                    **common,
                )
            )
        else:
            out.append(
                _observation(
                    "dn4-interview",
                    score_result["interview_total"],
                    id=f"{id_prefix}-dn4-interview",
                    interpretation=interp,
                    notes=["provisional: examination items 8-10 missing"],
                    **common,
                )
            )
    elif instrument == "csi":
        if score_result.get("total") is None:
            return []
        interp = _interpretation(
            codes.CS_INSTRUMENTS, f"csi-{score_result['band']}", score_result["band"]
        )
        notes = ["prorated, non-standard"] if score_result.get("prorated") else []
        out.append(
            _observation(
                "csi",
                score_result["total"],
                id=f"{id_prefix}-csi",
                interpretation=interp,
                notes=notes,
                **common,
            )
        )
    elif instrument == "hads":
        for name, sub in score_result.get("subscales", {}).items():
            if sub.get("score") is None:
                continue
            interp = _interpretation(codes.CS_INSTRUMENTS, f"hads-{sub['band']}", sub["band"])
            notes = ["prorated (1 item missing)"] if sub.get("prorated") else []
            out.append(
                _observation(
                    name,
                    sub["score"],
                    id=f"{id_prefix}-{name.replace('_', '-')}",
                    interpretation=interp,
                    notes=notes,
                    **common,
                )
            )
    elif instrument in ("painad", "ncsr"):
        if score_result.get("total") is None:
            return []
        interp = _interpretation(
            codes.CS_INSTRUMENTS, f"{instrument}-{score_result['band']}", score_result["band"]
        )
        out.append(
            _observation(
                instrument,
                score_result["total"],
                id=f"{id_prefix}-{instrument}",
                interpretation=interp,
                notes=[],
                **common,
            )
        )
    return out


def _condition_family(code: str) -> str:
    for family in ("CPSP", "NEURO_SCREEN_POSITIVE", "NOCIPLASTIC", "NOCICEPTIVE", "MIXED"):
        if code.startswith(family):
            return family
    raise ValueError(f"Label {code!r} has no Condition mapping")


def condition(
    label: dict[str, Any],
    *,
    id: str,  # noqa: A002
    subject: str,
    recorded_date: str,
    asserter: str,
    evidence: list[str] | None = None,
    verification: str | None = None,
) -> dict[str, Any]:
    """A Condition for a clinician-confirmed mechanism label (never for a screening result)."""
    if label.get("status") != "clinician_confirmed":
        raise ValueError("Only clinician-confirmed labels become Conditions (spec §B.2)")
    code = label["code"]
    codings = [dict(c) for c in CONDITION_CODES[_condition_family(code)]]
    if code.startswith("CPSP_"):
        codings.append(
            {
                "system": codes.CS_INSTRUMENTS,
                "code": "cpsp-grade",
                "display": code.removeprefix("CPSP_"),
            }
        )
    verification = verification or ("provisional" if label.get("provisional") else "confirmed")
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": id,
        "clinicalStatus": {"coding": [{"system": codes.CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {
            "coding": [{"system": codes.CONDITION_VERIFICATION, "code": verification}]
        },
        "category": [
            {"coding": [{"system": codes.CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}
        ],
        "code": {
            "coding": codings,
            "text": label.get("title", {}).get("en", code)
            if isinstance(label.get("title"), dict)
            else code,
        },
        "subject": {"reference": subject},
        "recordedDate": recorded_date,
        "asserter": {"reference": asserter},
    }
    if evidence:
        resource["evidence"] = [{"detail": [{"reference": ref} for ref in evidence]}]
    return resource


def bundle(
    patient: dict[str, Any],
    *entries: dict[str, Any],
    id: str | None = None,  # noqa: A002
    timestamp: str | None = None,
) -> dict[str, Any]:
    """A `collection` Bundle: the Patient, then `entries` (Questionnaires by canonical URL)."""
    patient = dict(patient)
    patient.setdefault("resourceType", "Patient")
    resources = [patient, *entries]
    result: dict[str, Any] = {"resourceType": "Bundle", "type": "collection"}
    if id:
        result["id"] = id
    if timestamp:
        result["timestamp"] = timestamp
    result["entry"] = [
        {"fullUrl": f"{codes.FHIR_BASE}/{r['resourceType']}/{r['id']}", "resource": r}
        for r in resources
    ]
    return result
