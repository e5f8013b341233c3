"""X-CBZ-1 (spec §C.6): carbamazepine when considered by the clinician or already taken."""

from __future__ import annotations

from typing import Any

import pytest

from lifeline.clinic.engine import evaluate
from lifeline.clinic.engine.exceptions import InvalidResponses
from lifeline.clinic.tests.engine.helpers import KLIT_DEFINITE, dn4, safe_clinical

CPSP = {"nrs": {"nrs": 6}, "dn4": dn4({1, 2, 3, 8, 9})}
NO_HLA_RISK = {"hla_b1502_risk_ancestry": False}


def run(**clinical: Any) -> dict[str, Any]:
    return evaluate(CPSP, safe_clinical(**KLIT_DEFINITE, **clinical))


def cbz(result: dict[str, Any]) -> list[tuple[str, list[str], list[str]]]:
    return [
        (f["level"], f["conditions"], f["missing"])
        for f in result["safety"]
        if f["rule_id"] == "X-CBZ-1"
    ]


def test_not_considered_not_taken_no_finding() -> None:
    r = run(**NO_HLA_RISK)
    assert cbz(r) == []
    sug = next(s for s in r["suggestions"] if s["option"] == "carbamazepine")
    assert sug["safety"] == []
    assert sug["displayed"] is False


def test_considered_all_known_and_negative_passes() -> None:
    r = run(considered_drugs=["carbamazepine"], **NO_HLA_RISK)
    assert cbz(r) == []
    sug = next(s for s in r["suggestions"] if s["option"] == "carbamazepine")
    assert sug["displayed"] is False  # still "not first-line for CPSP"
    assert sug["reason_if_collapsed"]["code"] == "not_for_this_indication"


@pytest.mark.parametrize("drug", ["apixaban", "rivaroxaban", "dabigatran", "edoxaban"])
def test_doac_blocks(drug: str) -> None:
    r = run(considered_drugs=["carbamazepine"], current_meds=[drug], **NO_HLA_RISK)
    assert cbz(r) == [("BLOCK", ["cbz_doac"], [])]
    (f,) = [f for f in r["safety"] if f["rule_id"] == "X-CBZ-1"]
    assert f["interacting_drugs"] == [drug]
    assert f["message"]["en"].startswith("Carbamazepine contraindicated or high risk: direct oral")
    assert f["message"]["ru"].startswith("Карбамазепин противопоказан")
    assert f["source"].startswith("SAFETY")


def test_warfarin_and_clopidogrel_warn() -> None:
    r = run(
        considered_drugs=["carbamazepine"], current_meds=["warfarin", "clopidogrel"], **NO_HLA_RISK
    )
    assert cbz(r) == [("WARN", ["cbz_warfarin", "cbz_clopidogrel"], [])]


def test_aspirin_alone_is_not_an_interaction() -> None:
    r = run(considered_drugs=["carbamazepine"], current_meds=["aspirin"], **NO_HLA_RISK)
    assert cbz(r) == []


def test_hyponatraemia_warns() -> None:
    r = run(considered_drugs=["carbamazepine"], hyponatremia=True, **NO_HLA_RISK)
    assert cbz(r) == [("WARN", ["hyponatremia"], [])]


def test_hla_positive_blocks() -> None:
    r = run(considered_drugs=["carbamazepine"], hla_b1502_positive=True)
    assert cbz(r) == [("BLOCK", ["hla_b1502_positive"], [])]


def test_hla_negative_passes_even_with_risk_ancestry() -> None:
    r = run(
        considered_drugs=["carbamazepine"],
        hla_b1502_risk_ancestry=True,
        hla_b1502_positive=False,
    )
    assert cbz(r) == []


def test_risk_ancestry_without_genotype_is_unchecked() -> None:
    r = run(considered_drugs=["carbamazepine"], hla_b1502_risk_ancestry=True)
    assert cbz(r) == [("SAFETY_UNCHECKED", [], ["hla_b1502_positive"])]


def test_unknown_ancestry_is_unchecked() -> None:
    r = run(considered_drugs=["carbamazepine"])
    assert cbz(r) == [("SAFETY_UNCHECKED", [], ["hla_b1502_risk_ancestry"])]


def test_unknown_meds_and_sodium_are_unchecked() -> None:
    data = safe_clinical(**KLIT_DEFINITE, considered_drugs=["carbamazepine"], **NO_HLA_RISK)
    data.pop("current_meds", None)
    data.pop("hyponatremia", None)
    r = evaluate(CPSP, data)
    (f,) = [f for f in r["safety"] if f["rule_id"] == "X-CBZ-1"]
    assert f["level"] == "SAFETY_UNCHECKED"
    assert f["missing"] == ["current_meds", "hyponatremia"]
    assert f["via"] == "X-GEN-3"


def test_taken_carbamazepine_is_checked_without_being_considered() -> None:
    r = run(current_meds=["carbamazepine", "apixaban"], **NO_HLA_RISK)
    assert cbz(r) == [("BLOCK", ["cbz_doac"], [])]


def test_considered_outside_cpsp_pathway_is_still_checked() -> None:
    r = evaluate(
        {"nrs": {"nrs": 4}},
        safe_clinical(
            hsp=True, considered_drugs=["carbamazepine"], hyponatremia=True, **NO_HLA_RISK
        ),
    )
    assert cbz(r) == [("WARN", ["hyponatremia"], [])]


def test_unknown_considered_drug_is_refused() -> None:
    with pytest.raises(InvalidResponses):
        run(considered_drugs=["carbamazepin"])
