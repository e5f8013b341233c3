"""FHIR builders validated with an independent library (fhir.resources, R4B models)."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from lifeline.clinic.engine import codes, evaluate, score
from lifeline.clinic.engine.fhir import (
    bundle,
    condition,
    questionnaire_response,
    score_observations,
)
from lifeline.clinic.tests.engine.helpers import (
    KLIT_DEFINITE,
    csi,
    dn4,
    dn4_total,
    hads,
    safe_clinical,
)

WHEN = "2026-03-01T10:15:00+03:00"


def _qr(instrument: str, answers: dict, **kw: object) -> dict:
    resource = questionnaire_response(
        instrument,
        answers,
        id=f"qr-{instrument}",
        subject="Patient/p1",
        authored=WHEN,
        author="Patient/p1",
        **kw,  # type: ignore[arg-type]
    )
    QuestionnaireResponse.model_validate(resource)
    return resource


def test_hads_response_carries_codes_and_ordinal_values() -> None:
    qr = _qr("hads", {"hads-1": "a", "hads-2": "a"})
    assert qr["questionnaire"] == f"{codes.questionnaire_url('hads')}|1.0"
    (group,) = qr["item"]
    first, second = group["item"]
    assert first["answer"][0]["valueCoding"]["code"] == "a"
    assert first["answer"][0]["valueCoding"]["extension"] == [
        {"url": codes.EXT_ORDINAL, "valueDecimal": 3}
    ]
    assert second["answer"][0]["valueCoding"]["extension"] == [
        {"url": codes.EXT_ORDINAL, "valueDecimal": 0}
    ]


def test_dn4_exam_items_authored_by_clinician() -> None:
    qr = _qr("dn4", dn4({1, 8}), clinician="Practitioner/d1", lang="ru")
    interview, exam = qr["item"]
    assert interview["linkId"] == "dn4-interview"
    assert "extension" not in interview["item"][0]
    assert [i["linkId"] for i in exam["item"]] == ["dn4-8", "dn4-9", "dn4-10"]
    assert exam["item"][0]["extension"] == [
        {"url": codes.EXT_QR_AUTHOR, "valueReference": {"reference": "Practitioner/d1"}}
    ]


def test_numeric_and_nested_answers() -> None:
    assert _qr("vas", {"vas": 42.5})["item"][0]["answer"] == [{"valueDecimal": 42.5}]
    assert _qr("nrs", {"nrs": 7})["item"][0]["answer"] == [{"valueInteger": 7}]
    qr = _qr("csi", csi(20) | {"csi-b-2": True, "csi-b-2-year": 2015})
    part_b = qr["item"][1]
    assert part_b["item"][0]["answer"][0] == {
        "valueBoolean": True,
        "item": [
            {"linkId": "csi-b-2-year", "text": "Year diagnosed", "answer": [{"valueInteger": 2015}]}
        ],
    }
    assert (
        _qr("painad", {"painad-1": 1}, clinician="Practitioner/d1")["item"][0]["extension"][0][
            "url"
        ]
        == codes.EXT_QR_AUTHOR
    )


def _obs(result: dict) -> list[dict]:
    out = score_observations(
        result,
        id_prefix="a1",
        subject="Patient/p1",
        effective=WHEN,
        derived_from="QuestionnaireResponse/qr1",
        performer="Patient/p1",
    )
    for o in out:
        Observation.model_validate(o)
    return out


def test_hads_observations_match_spec_example() -> None:
    (a, d) = _obs(score("hads", hads(5, 9)))
    assert d["code"]["coding"][0] == {
        "system": codes.CS_INSTRUMENTS,
        "code": "hads-d",
        "display": "HADS depression subscale",
    }
    assert d["valueQuantity"] == {
        "value": 9,
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
    assert d["interpretation"][0]["coding"][0]["code"] == "hads-borderline"
    assert d["category"][0]["coding"][0]["code"] == "survey"
    assert d["derivedFrom"] == [{"reference": "QuestionnaireResponse/qr1"}]
    assert a["id"] == "a1-hads-a"
    assert a["valueQuantity"]["value"] == 5


def test_pain_and_screening_observations() -> None:
    (nrs,) = _obs(score("nrs", {"nrs": 10}))
    assert nrs["code"]["coding"][0]["code"] == "72514-3"
    assert nrs["interpretation"][0]["coding"][0]["code"] == "67849003"
    (vas,) = _obs(score("vas", {"vas": 62.5}))
    assert (
        vas["code"]["coding"][0]["code"],
        vas["valueQuantity"]["unit"],
        vas["valueQuantity"]["value"],
    ) == ("38214-3", "mm", 62.5)
    (dn4_obs,) = _obs(score("dn4", dn4({1, 2, 3, 8})))
    assert (
        dn4_obs["code"]["coding"][0]["code"],
        dn4_obs["interpretation"][0]["coding"][0]["code"],
    ) == ("dn4-total", "POS")
    (provisional,) = _obs(score("dn4", dn4_total(2, None)))
    assert provisional["code"]["coding"][0]["code"] == "dn4-interview-total"
    assert provisional["interpretation"][0]["coding"][0]["code"] == "NEG"
    assert provisional["note"][0]["text"].startswith("provisional")
    (csi_obs,) = _obs(score("csi", csi(46, missing=2)))
    assert (csi_obs["valueQuantity"]["value"], csi_obs["note"]) == (
        50,
        [{"text": "prorated, non-standard"}],
    )
    assert _obs(score("csi", csi(10, missing=5))) == []
    assert len(_obs(score("painad", {f"painad-{i}": 1 for i in range(1, 6)}))) == 1
    assert len(_obs(score("ncsr", {"ncsr-1": 1, "ncsr-2": 1, "ncsr-3": 1}))) == 1


def test_condition_only_for_confirmed_labels() -> None:
    r = evaluate(
        {"nrs": {"nrs": 7}, "dn4": dn4({1, 2, 3, 8, 9, 10})}, safe_clinical(**KLIT_DEFINITE)
    )
    label = next(lab for lab in r["labels"] if lab["code"] == "CPSP_definite")
    with pytest.raises(ValueError, match="clinician-confirmed"):
        condition(
            label,
            id="c1",
            subject="Patient/p1",
            recorded_date="2026-03-01",
            asserter="Practitioner/d1",
        )
    confirmed = label | {"status": "clinician_confirmed"}
    resource = condition(
        confirmed,
        id="c1",
        subject="Patient/p1",
        recorded_date="2026-03-01",
        asserter="Practitioner/d1",
        evidence=["Observation/a1-dn4"],
    )
    Condition.model_validate(resource)
    assert [c["code"] for c in resource["code"]["coding"]] == [
        "MG30.51",
        "247398009",
        "pain-mechanism",
        "cpsp-grade",
    ]
    assert resource["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert resource["evidence"] == [{"detail": [{"reference": "Observation/a1-dn4"}]}]
    with pytest.raises(ValueError, match="no Condition mapping"):
        condition(
            {"code": "ANXIETY_possible", "status": "clinician_confirmed"},
            id="c2",
            subject="Patient/p1",
            recorded_date="2026-03-01",
            asserter="Practitioner/d1",
        )


def test_bundle_round_trip() -> None:
    qr = _qr("hads", hads(5, 9))
    observations = _obs(score("hads", hads(5, 9)))
    result = bundle({"id": "p1", "gender": "female"}, qr, *observations, id="b1", timestamp=WHEN)
    model = Bundle.model_validate(result)
    assert model.type == "collection"
    assert [e.resource.get_resource_type() for e in model.entry] == [
        "Patient",
        "QuestionnaireResponse",
        "Observation",
        "Observation",
    ]
    assert result["entry"][0]["fullUrl"] == f"{codes.FHIR_BASE}/Patient/p1"
    # Read back: the HADS-D value survives serialisation.
    again = Bundle.model_validate_json(model.model_dump_json())
    assert again.entry[3].resource.valueQuantity.value == 9


def _calculated(instrument: str) -> dict[str, list[str]]:
    """linkId of each calculated item -> the items its FHIRPath expression sums."""
    import re

    from lifeline.clinic.engine import get_questionnaire

    out = {}
    for item in get_questionnaire(instrument, "en")["item"]:
        for ext in item.get("extension", []):
            if ext["url"] == codes.EXT_CALCULATED:
                expression = ext["valueExpression"]["expression"]
                assert expression.endswith(".answer.ordinalValue().aggregate($this + $total, 0)")
                out[item["linkId"]] = re.findall(r"'([^']+)'", expression)
    return out


def _qr_sum(qr: dict, link_ids: list[str]) -> float:
    total = 0.0

    def walk(items: list[dict]) -> None:
        nonlocal total
        for item in items:
            if item["linkId"] in link_ids:
                for answer in item.get("answer", []):
                    for ext in answer.get("valueCoding", {}).get("extension", []):
                        if ext["url"] == codes.EXT_ORDINAL:
                            total += ext["valueDecimal"]
            walk(item.get("item", []))
            for answer in item.get("answer", []):
                walk(answer.get("item", []))

    walk(qr["item"])
    return total


@pytest.mark.parametrize("seed", range(5))
def test_calculated_expressions_agree_with_server_scoring(seed: int) -> None:
    """Spec §B.4: the Questionnaire's calculatedExpression and the Python scoring agree."""
    import random

    rng = random.Random(seed)
    cases = {
        "dn4": (
            {f"dn4-{i}": rng.choice(["yes", "no"]) for i in range(1, 11)},
            {"dn4-total": "total", "dn4-interview-total": "interview_total"},
        ),
        "csi": ({f"csi-{i}": rng.randint(0, 4) for i in range(1, 26)}, {"csi-a-total": "total"}),
        "hads": (
            {f"hads-{i}": rng.choice("abcd") for i in range(1, 15)},
            {"hads-a": "hads_a", "hads-d": "hads_d"},
        ),
        "painad": (
            {f"painad-{i}": rng.randint(0, 2) for i in range(1, 6)},
            {"painad-total": "total"},
        ),
        "ncsr": ({f"ncsr-{i}": rng.randint(0, 3) for i in range(1, 4)}, {"ncsr-total": "total"}),
    }
    for instrument, (answers, mapping) in cases.items():
        qr = _qr(instrument, answers, clinician="Practitioner/d1")
        result = score(instrument, answers)
        expressions = _calculated(instrument)
        assert set(expressions) == set(mapping)
        for link_id, key in mapping.items():
            expected = result["subscales"][key]["score"] if instrument == "hads" else result[key]
            assert _qr_sum(qr, expressions[link_id]) == expected, (instrument, link_id)
