"""Scoring per spec §A: boundaries at every threshold, proration, per-option scores."""

from __future__ import annotations

import pytest

from lifeline.clinic.engine import evaluate, score
from lifeline.clinic.tests.engine.helpers import csi, dn4_total, hads, hads_letter, safe_clinical


@pytest.mark.parametrize(
    ("interview", "exam", "total", "result"),
    [
        (3, 0, 3, "DN4_NEG"),
        (3, 1, 4, "DN4_POS"),
        (2, 1, 3, "DN4_NEG"),
        (4, 0, 4, "DN4_POS"),
        (7, 3, 10, "DN4_POS"),
        (0, 0, 0, "DN4_NEG"),
    ],
)
def test_dn4_cutoff_3_4(interview: int, exam: int, total: int, result: str) -> None:
    r = score("dn4", dn4_total(interview, exam))
    assert (r["total"], r["interview_total"], r["result"], r["provisional"], r["status"]) == (
        total,
        interview,
        result,
        False,
        "complete",
    )


@pytest.mark.parametrize(
    ("interview", "result"), [(2, "DN4_NEG"), (3, "DN4_INT_POS"), (7, "DN4_INT_POS")]
)
def test_dn4_interview_cutoff_2_3_is_provisional(interview: int, result: str) -> None:
    r = score("dn4", dn4_total(interview, None))
    assert (r["total"], r["interview_total"], r["result"], r["provisional"], r["status"]) == (
        None,
        interview,
        result,
        True,
        "partial",
    )


def test_dn4_with_full_exam_ignores_the_interview_cutoff() -> None:
    # Interview 3/7 would be provisional-positive, but with the exam the DN4-10 rule decides.
    assert score("dn4", dn4_total(3, 0))["result"] == "DN4_NEG"


def test_dn4_partial_exam_falls_back_to_interview() -> None:
    answers = dn4_total(3, None) | {"dn4-8": "yes"}
    r = score("dn4", answers)
    assert (r["total"], r["result"], r["missing"]) == (None, "DN4_INT_POS", ["dn4-9", "dn4-10"])


def test_dn4_missing_interview_item_is_not_scorable() -> None:
    answers = dn4_total(5, 3)
    del answers["dn4-4"]
    r = score("dn4", answers)
    assert (r["status"], r["total"], r["interview_total"], r["result"]) == (
        "not_scorable",
        None,
        None,
        None,
    )


def test_dn4_accepts_booleans() -> None:
    answers = {f"dn4-{i}": i <= 4 for i in range(1, 11)}
    assert score("dn4", answers)["total"] == 4


@pytest.mark.parametrize(
    ("total", "band", "high"),
    [
        (0, "subclinical", False),
        (29, "subclinical", False),
        (30, "mild", False),
        (39, "mild", False),
        (40, "moderate", True),
        (49, "moderate", True),
        (50, "severe", True),
        (59, "severe", True),
        (60, "extreme", True),
        (100, "extreme", True),
    ],
)
def test_csi_bands(total: int, band: str, high: bool) -> None:
    r = score("csi", csi(total))
    assert (r["total"], r["band"], r["high"], r["status"], r["prorated"]) == (
        total,
        band,
        high,
        "complete",
        False,
    )
    assert ("CSI_HIGH" in r["flags"]) is high


def test_csi_proration_up_to_two_missing() -> None:
    r = score("csi", csi(46, missing=2))  # mean 2 over 23 items → 50
    assert (r["total"], r["band"], r["status"], r["prorated"], r["missing"]) == (
        50,
        "severe",
        "partial",
        True,
        ["csi-24", "csi-25"],
    )
    assert "csi_prorated" in [n["code"] for n in r["notes"]]


def test_csi_proration_rounds_half_up() -> None:
    r = score("csi", csi(33, missing=1))  # 33 / 24 × 25 = 34.375 → 34
    assert r["total"] == 34
    r = score("csi", csi(30, missing=2))  # 30 / 23 × 25 = 32.6 → 33
    assert r["total"] == 33


def test_csi_three_missing_not_scored() -> None:
    r = score("csi", csi(40, missing=3))
    assert (r["status"], r["total"], r["band"]) == ("not_scorable", None, None)


def test_csi_stroke_confounded_subtotal_and_part_b() -> None:
    answers = {f"csi-{i}": 1 for i in range(1, 26)} | {
        "csi-b-3": True,
        "csi-b-3-year": 2019,
        "csi-b-4": False,
    }
    r = score("csi", answers)
    assert r["total"] == 25
    assert r["stroke_confounded_subtotal"] == 11
    assert r["stroke_confounded_items"] == [
        f"csi-{i}" for i in (2, 5, 6, 8, 12, 13, 16, 17, 18, 21, 23)
    ]
    assert r["part_b"] == [{"item": "csi-b-3", "year": 2019}]


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "normal"),
        (7, "normal"),
        (8, "borderline"),
        (10, "borderline"),
        (11, "abnormal"),
        (21, "abnormal"),
    ],
)
def test_hads_bands(value: int, band: str) -> None:
    r = score("hads", hads(value, value))
    for name in ("hads_a", "hads_d"):
        assert (r["subscales"][name]["score"], r["subscales"][name]["band"]) == (value, band)
    assert r["total"] is None  # no meaningless whole-test total


def test_hads_flags() -> None:
    assert score("hads", hads(8, 11))["flags"] == ["ANXIETY_possible", "DEPRESSION_probable"]
    assert score("hads", hads(7, 10))["flags"] == ["DEPRESSION_possible"]


@pytest.mark.parametrize("item", range(1, 15))
def test_hads_per_option_scores_follow_printed_order(item: int) -> None:
    first_scores_3 = item in {1, 3, 5, 6, 8, 10, 11, 13}
    expected = [3, 2, 1, 0] if first_scores_3 else [0, 1, 2, 3]
    got = [
        score("hads", {f"hads-{item}": letter})["item_scores"][f"hads-{item}"] for letter in "abcd"
    ]
    assert got == expected


def test_hads_proration_one_missing() -> None:
    r = score("hads", hads(12, 5, missing_a=1))  # 12 × 7/6 = 14
    sub = r["subscales"]["hads_a"]
    assert (sub["score"], sub["status"], sub["prorated"], sub["band"]) == (
        14,
        "partial",
        True,
        "abnormal",
    )
    assert r["prorated"] is True
    r = score("hads", hads(3, 5, missing_a=1))  # 3 × 7/6 = 3.5 → 4 (half up)
    assert r["subscales"]["hads_a"]["score"] == 4


def test_hads_letter_helper_matches_spec_example() -> None:
    assert hads_letter(2, 0) == "a"
    assert hads_letter(1, 3) == "a"


@pytest.mark.parametrize(
    ("value", "band", "snomed"),
    [
        (0, "none", "301379001"),
        (1, "mild", "40196000"),
        (3, "mild", "40196000"),
        (4, "moderate", "50415004"),
        (6, "moderate", "50415004"),
        (7, "severe", "76948002"),
        (9, "severe", "76948002"),
        (10, "severe", "67849003"),
    ],
)
def test_nrs_bands(value: int, band: str, snomed: str) -> None:
    r = score("nrs", {"nrs": value})
    assert (r["total"], r["pain_0_10"], r["band"], r["snomed"]) == (value, value, band, snomed)


@pytest.mark.parametrize(
    ("mm", "band"),
    [
        (0, "none"),
        (0.4, "none"),
        (1, "mild"),
        (34, "mild"),
        (34.4, "mild"),
        (34.5, "moderate"),
        (35, "moderate"),
        (74, "moderate"),
        (75, "severe"),
        (100, "severe"),
    ],
)
def test_vas_bands(mm: float, band: str) -> None:
    r = score("vas", {"vas": mm})
    assert (r["total"], r["band"]) == (mm, band)
    assert r["pain_0_10"] == round(mm / 10 + 1e-9, 1)


def test_painad_and_ncsr() -> None:
    r = score("painad", {f"painad-{i}": v for i, v in enumerate([2, 2, 1, 1, 0], start=1)})
    assert (r["total"], r["band"]) == (6, "moderate")
    assert score("painad", {f"painad-{i}": 0 for i in range(1, 6)})["band"] == "none"
    assert score("painad", {f"painad-{i}": 2 for i in range(1, 6)})["band"] == "severe"
    assert score("ncsr", {"ncsr-1": 3, "ncsr-2": 0, "ncsr-3": 0})["band"] == "below_cutoff"
    r = score("ncsr", {"ncsr-1": 3, "ncsr-2": 1, "ncsr-3": 0})
    assert (r["total"], r["band"]) == (4, "possible_pain")
    assert score("ncsr", {"ncsr-1": 3})["status"] == "not_scorable"


# --- MCID / change rules ---------------------------------------------------------------------


def _change(rule: str, before: dict, after: dict) -> dict:
    prev = evaluate(before, safe_clinical())
    r = evaluate(after, safe_clinical(), previous=prev)
    return next(f for f in r["follow_up"] if f["rule_id"] == rule)


@pytest.mark.parametrize(
    ("before", "after", "code"),
    [
        (10, 7, "pain-improvement-moderate"),  # −30 %, −3
        (6, 4, "pain-improvement-moderate"),  # −33 %, −2
        (5, 4, "pain-improvement-minimal"),  # −20 %, −1: not ≥2 points
        (10, 9, "pain-improvement-minimal"),  # −10 %
        (8, 4, "pain-improvement-substantial"),  # −50 %
        (4, 2, "pain-improvement-substantial"),
        (10, 10, "pain-no-important-change"),
        (6, 7, "pain-no-important-change"),  # +1, +16.7 %
        (5, 7, "pain-worsening"),  # +2
        (3, 4, "pain-worsening"),  # +33 %
        (0, 1, "pain-no-important-change"),
        (0, 2, "pain-worsening"),
    ],
)
def test_pain_change_f2(before: int, after: int, code: str) -> None:
    f2 = _change("F-2", {"nrs": {"nrs": before}}, {"nrs": {"nrs": after}})
    assert f2["code"] == code


def test_pain_worsening_raises_rf8_and_review_task() -> None:
    prev = evaluate({"nrs": {"nrs": 4}}, safe_clinical())
    r = evaluate({"nrs": {"nrs": 6}}, safe_clinical(), previous=prev)
    (rf8,) = [rf for rf in r["red_flags"] if rf["rule_id"] == "RF-8"]
    assert rf8["triggers"] == ["pain_worsening"]
    assert any(t.get("code") == "clinician-review" for t in r["follow_up"])


@pytest.mark.parametrize(
    ("before", "after", "important", "crossed"),
    [
        (7, 8, False, [8]),
        (6, 8, True, [8]),
        (10, 11, False, [11]),
        (12, 10, True, [11]),
        (3, 4, False, []),
    ],
)
def test_hads_change_f3(before: int, after: int, important: bool, crossed: list[int]) -> None:
    f3 = _change("F-3", {"hads": hads(before, 0)}, {"hads": hads(after, 0)})
    assert (f3["instrument"], f3["change"], f3["clinically_important"], f3["crossed_cutoffs"]) == (
        "hads_a",
        after - before,
        important,
        crossed,
    )


@pytest.mark.parametrize(
    ("before", "after", "real"), [(45, 35, True), (45, 36, False), (30, 40, True), (50, 41, False)]
)
def test_csi_change_f4(before: int, after: int, real: bool) -> None:
    f4 = _change("F-4", {"csi": csi(before)}, {"csi": csi(after)})
    assert f4["beyond_measurement_error"] is real
    assert f4["code"] == ("csi-real-change" if real else "csi-within-error")


def test_dn4_status_flip_f5() -> None:
    prev = evaluate({"dn4": dn4_total(2, 1)}, safe_clinical())
    r = evaluate({"dn4": dn4_total(3, 1)}, safe_clinical(), previous=prev)
    (f5,) = [f for f in r["follow_up"] if f["rule_id"] == "F-5"]
    assert (f5["code"], f5["previous"], f5["current"]) == ("dn4-reexamine", "DN4_NEG", "DN4_POS")
