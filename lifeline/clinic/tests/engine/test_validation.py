"""Server-side validation of answers and clinical inputs; evaluate refuses bad input whole."""

from __future__ import annotations

from typing import Any

import pytest

from lifeline.clinic.engine import ensure_valid, evaluate, validate_responses
from lifeline.clinic.engine.exceptions import InvalidResponses, UnknownInstrument
from lifeline.clinic.tests.engine.helpers import csi, dn4_total, hads


def test_complete_answers_are_valid() -> None:
    assert validate_responses("hads", hads(5, 5)) == {}
    assert validate_responses("csi", csi(40)) == {}
    assert validate_responses("dn4", dn4_total(3, None)) == {}
    assert validate_responses("dn4", dn4_total(3, 2), mode="clinician") == {}
    assert validate_responses("vas", {"vas": 0}) == {}
    assert validate_responses("vas", {"vas": 55.5}) == {}
    assert validate_responses("nrs", {"nrs": 10}) == {}


@pytest.mark.parametrize(
    ("instrument", "answers", "errors"),
    [
        ("vas", {"vas": 100.1}, {"vas": ["The value must be at most 100."]}),
        ("vas", {"vas": -1}, {"vas": ["The value must be at least 0."]}),
        ("vas", {"vas": "50"}, {"vas": ["Enter a number."]}),
        ("vas", {"vas": True}, {"vas": ["Enter a number."]}),
        ("nrs", {"nrs": 11}, {"nrs": ["The value must be at most 10."]}),
        ("nrs", {"nrs": 5.5}, {"nrs": ["Enter a whole number."]}),
        ("nrs", {}, {"nrs": ["This item is required."]}),
        ("vas", {"vas": float("nan")}, {"vas": ["Enter a number."]}),
        ("nrs", {"nrs": 3, "vas": 30}, {"vas": ["This item does not belong to the instrument."]}),
        (
            "nrs",
            "not-a-dict",
            {"non_field_errors": ["Answers must be an object of item ids and values."]},
        ),
    ],
)
def test_item_errors(instrument: str, answers: Any, errors: dict) -> None:
    assert validate_responses(instrument, answers) == errors


def test_option_must_belong_to_item() -> None:
    answers = hads(5, 5) | {"hads-3": "e", "hads-4": 2}
    assert validate_responses("hads", answers) == {
        "hads-3": ["Choose one of the options: a, b, c, d."],
        "hads-4": ["Choose one of the options: a, b, c, d."],
    }
    answers = csi(40) | {"csi-1": 5, "csi-2": True, "csi-3": "4"}
    assert validate_responses("csi", answers) == {
        "csi-1": ["Choose one of the options: 0, 1, 2, 3, 4."],
        "csi-2": ["Choose one of the options: 0, 1, 2, 3, 4."],
    }


def test_clinician_only_items_refused_in_patient_mode() -> None:
    answers = dn4_total(3, 1)
    assert validate_responses("dn4", answers) == {
        f"dn4-{i}": ["Only a clinician can answer this item."] for i in (8, 9, 10)
    }
    assert validate_responses("dn4", answers, mode="clinician") == {}
    assert validate_responses("painad", {"painad-1": 1}, partial=True) == {
        "painad-1": ["Only a clinician can answer this item."]
    }


def test_required_items_per_mode() -> None:
    # Patient mode: only interview items required. Clinician mode: all ten.
    assert validate_responses("dn4", dn4_total(2, None)) == {}
    assert validate_responses("dn4", dn4_total(2, None), mode="clinician") == {
        f"dn4-{i}": ["This item is required."] for i in (8, 9, 10)
    }
    assert validate_responses("dn4", dn4_total(2, None), mode="clinician", partial=True) == {}


def test_partial_skips_required_but_checks_values() -> None:
    assert validate_responses("hads", {"hads-1": "a"}, partial=True) == {}
    assert validate_responses("hads", {"hads-1": "z"}, partial=True) == {
        "hads-1": ["Choose one of the options: a, b, c, d."]
    }
    assert validate_responses("hads", {"hads-1": None}, partial=True) == {}


def test_calculated_items_cannot_be_answered() -> None:
    assert validate_responses("hads", {"hads-a": 7}, partial=True) == {
        "hads-a": ["This item is calculated and cannot be answered."]
    }


def test_csi_part_b_year_only_when_yes() -> None:
    base = csi(20)
    assert validate_responses("csi", base | {"csi-b-1": True, "csi-b-1-year": 2001}) == {}
    assert validate_responses("csi", base | {"csi-b-1": False, "csi-b-1-year": 2001}) == {
        "csi-b-1-year": ["Answer this only when the previous question is answered yes."]
    }
    assert validate_responses("csi", base | {"csi-b-1": True, "csi-b-1-year": 1800}) == {
        "csi-b-1-year": ["The value must be at least 1900."]
    }


def test_unknown_instrument_and_mode() -> None:
    with pytest.raises(UnknownInstrument):
        validate_responses("phq9", {})
    with pytest.raises(ValueError, match="mode"):
        validate_responses("vas", {"vas": 1}, mode="robot")


def test_ensure_valid_returns_canonical_answers() -> None:
    assert ensure_valid("dn4", {f"dn4-{i}": i == 1 for i in range(1, 8)}) == {
        f"dn4-{i}": "yes" if i == 1 else "no" for i in range(1, 8)
    }
    with pytest.raises(InvalidResponses) as exc:
        ensure_valid("vas", {"vas": 500})
    assert exc.value.errors == {"vas": ["The value must be at most 100."]}
    assert exc.value.http_status == 400


def test_evaluate_rejects_invalid_input_with_prefixed_errors() -> None:
    with pytest.raises(InvalidResponses) as exc:
        evaluate(
            {"vas": {"vas": 101}, "phq9": {}, "hads": {"hads-1": "q"}},
            {
                "age": "old",
                "crcl": 50,
                "sex": "x",
                "current_meds": [{"atc": 5}],
                "stroke_date": "yesterday",
            },
        )
    assert exc.value.errors == {
        "vas.vas": ["The value must be at most 100."],
        "phq9": ["Unknown instrument."],
        "hads.hads-1": ["Choose one of the options: a, b, c, d."],
        "clinical.age": ["Expected a number."],
        "clinical.crcl": ["Unknown clinical field."],
        "clinical.sex": ["Expected one of: male, female."],
        "clinical.current_meds": ["Item 0: invalid ATC code."],
        "clinical.stroke_date": ["Expected a date (YYYY-MM-DD)."],
    }


def test_evaluate_accepts_stored_record_aliases() -> None:
    r = evaluate(
        {"nrs": {"nrs": 4}},
        {
            "pain_distribution": "lesion_territory",
            "fall_or_trauma_new_pain": True,
            "systemic_symptoms": True,
            "mas": 2,
            "pain_duration_months": 7.5,
            "respondent": "caregiver",
            "stroke_type": "ischemic",
            "treatment_history": [
                {
                    "drug": "Pregabalin",
                    "response": 10,
                    "tolerated": True,
                    "adequate_trial": True,
                    "max_dose": 300,
                }
            ],
        },
    )
    assert [rf["rule_id"] for rf in r["red_flags"]] == ["RF-3", "RF-4"]


def test_evaluate_with_nothing() -> None:
    r = evaluate({}, {})
    assert set(r) == {
        "scores",
        "labels",
        "suggestions",
        "safety",
        "red_flags",
        "follow_up",
        "ruleset_version",
    }
    assert r["scores"]["pain"]["pain_0_10"] is None
    assert [lab["code"] for lab in r["labels"]] == ["UNCLASSIFIED"]


def test_malformed_previous_is_ignored_not_a_crash() -> None:
    for previous in (
        {"scores": "x"},
        {"hads": "x", "csi": {"total": "45"}},
        {"pain": {"pain_0_10": True}},
    ):
        r = evaluate({"nrs": {"nrs": 5}, "csi": csi(30), "hads": hads(5, 5)}, {}, previous=previous)
        assert [f for f in r["follow_up"] if f["kind"] == "change"] == []
