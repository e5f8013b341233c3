"""Instrument Questionnaires: valid FHIR R4(B), item ids per spec, licensed text shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from lifeline.clinic.engine import codes, get_questionnaire, items, list_instruments
from lifeline.clinic.engine.exceptions import UnknownInstrument
from lifeline.clinic.engine.questionnaires import INSTRUMENT_ORDER, INSTRUMENTS_DIR, LANGUAGES

EXPECTED_ITEMS = {
    "vas": ["vas"],
    "nrs": ["nrs"],
    "dn4": [f"dn4-{i}" for i in range(1, 11)],
    "csi": [f"csi-{i}" for i in range(1, 26)],
    "hads": [f"hads-{i}" for i in range(1, 15)],
    "painad": [f"painad-{i}" for i in range(1, 6)],
    "ncsr": [f"ncsr-{i}" for i in range(1, 4)],
}


def _ext(element: dict, url: str) -> object:
    return next((e for e in element.get("extension", []) if e["url"] == url), None)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("instrument", INSTRUMENT_ORDER)
def test_questionnaire_is_valid_fhir(instrument: str, lang: str) -> None:
    q = get_questionnaire(instrument, lang)
    model = Questionnaire.model_validate(q)
    assert model.url == codes.questionnaire_url(instrument)
    assert (model.version, model.language, model.status) == ("1.0", lang, "active")
    assert model.copyright


@pytest.mark.parametrize("instrument", INSTRUMENT_ORDER)
def test_item_ids_and_scores_match_between_languages(instrument: str) -> None:
    scored = [lid for lid, m in items(instrument).items() if not m.read_only and m.scored]
    assert scored == EXPECTED_ITEMS[instrument]

    def shape(lang: str) -> list:
        def walk(nodes: list) -> list:
            out = []
            for n in nodes:
                opts = [
                    (o["valueCoding"]["code"], o["extension"][0]["valueDecimal"])
                    for o in n.get("answerOption", [])
                ]
                out.append((n["linkId"], n["type"], opts, walk(n.get("item", []))))
            return out

        return walk(get_questionnaire(instrument, lang)["item"])

    assert shape("ru") == shape("en")


def test_files_on_disk() -> None:
    files = sorted(str(p.relative_to(INSTRUMENTS_DIR)) for p in INSTRUMENTS_DIR.glob("*/*/*.json"))
    assert files == sorted(f"{i}/1.0/{lang}.json" for i in INSTRUMENT_ORDER for lang in LANGUAGES)


def test_item_metadata() -> None:
    vas = items("vas")["vas"]
    assert (vas.type, vas.min_value, vas.max_value, vas.required, vas.clinician_only) == (
        "decimal",
        0,
        100,
        True,
        False,
    )
    nrs = items("nrs")["nrs"]
    assert (nrs.type, nrs.min_value, nrs.max_value) == ("integer", 0, 10)
    dn4 = items("dn4")
    assert [lid for lid, m in dn4.items() if m.clinician_only] == ["dn4-8", "dn4-9", "dn4-10"]
    assert dn4["dn4-1"].options == {"yes": 1.0, "no": 0.0}
    assert dn4["dn4-total"].read_only
    assert dn4["dn4-interview-total"].read_only
    csi = items("csi")
    assert csi["csi-1"].options == {"0": 0, "1": 1, "2": 2, "3": 3, "4": 4}
    assert csi["csi-b-1"].scored is False
    assert csi["csi-b-1"].required is False
    assert csi["csi-b-1-year"].enabled_by == "csi-b-1"
    hads = items("hads")
    assert hads["hads-1"].options == {"a": 3, "b": 2, "c": 1, "d": 0}
    assert hads["hads-2"].options == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert hads["hads-1"].subscale == "hads-a"
    assert hads["hads-14"].subscale == "hads-d"
    assert all(m.clinician_only for m in items("painad").values())
    assert all(m.clinician_only for m in items("ncsr").values())
    assert items("ncsr")["ncsr-3"].options == {"0": 0, "1": 1, "2": 2, "3": 3}
    assert items("hads")["hads-3"].as_dict()["options"][0] == {"code": "a", "score": 3.0}


def test_calculated_expressions_present() -> None:
    q = get_questionnaire("hads", "en")
    total = next(i for i in q["item"] if i["linkId"] == "hads-a")
    expression = _ext(total, codes.EXT_CALCULATED)["valueExpression"]["expression"]  # type: ignore[index]
    assert "'hads-1'|'hads-3'|'hads-5'|'hads-7'|'hads-9'|'hads-11'|'hads-13'" in expression
    assert "ordinalValue()" in expression


def test_unknown_instrument_version_or_language() -> None:
    for args in (("phq9", "en", None), ("hads", "de", None), ("hads", "en", "9.9")):
        with pytest.raises(UnknownInstrument):
            get_questionnaire(*args)


def test_returns_a_copy() -> None:
    q = get_questionnaire("vas", "en")
    q["item"][0]["text"] = "changed"
    assert get_questionnaire("vas", "en")["item"][0]["text"] == "Pain intensity now"


def test_licensed_text_not_installed_by_default(settings: object) -> None:
    q = get_questionnaire("hads", "ru")
    assert _ext(q, codes.EXT_LICENSED_TEXT) == {
        "url": codes.EXT_LICENSED_TEXT,
        "valueBoolean": False,
    }
    hads = next(i for i in list_instruments("ru") if i["id"] == "hads")
    assert (hads["licensed_text_required"], hads["licensed_text_installed"]) == (True, False)
    vas = next(i for i in list_instruments("ru") if i["id"] == "vas")
    assert (vas["licensed_text_required"], vas["licensed_text_installed"]) == (False, True)
    assert _ext(get_questionnaire("vas", "ru"), codes.EXT_LICENSED_TEXT) is None


def test_licensed_strings_file_applied(settings: object, tmp_path: Path) -> None:
    path = tmp_path / "licensed.json"
    path.write_text(
        json.dumps(
            {
                "hads": {
                    "en": {
                        "copyright": "Licensed to Test Clinic",
                        "items": {"hads-1": "Licensed item one"},
                        "options": {"hads-1": {"a": "Licensed option A"}},
                    }
                }
            }
        ),
        encoding="utf-8",
    )
    settings.CLINIC_LICENSED_STRINGS_PATH = str(path)  # type: ignore[attr-defined]
    q = get_questionnaire("hads", "en")
    assert _ext(q, codes.EXT_LICENSED_TEXT)["valueBoolean"] is True  # type: ignore[index]
    assert q["copyright"] == "Licensed to Test Clinic"
    item = q["item"][0]["item"][0]
    assert item["text"] == "Licensed item one"
    assert item["answerOption"][0]["valueCoding"]["display"] == "Licensed option A"
    assert item["answerOption"][0]["extension"][0]["valueDecimal"] == 3  # scores untouched
    Questionnaire.model_validate(q)
    # Russian not licensed in this file.
    assert _ext(get_questionnaire("hads", "ru"), codes.EXT_LICENSED_TEXT)["valueBoolean"] is False  # type: ignore[index]
    assert (
        next(i for i in list_instruments("en") if i["id"] == "hads")["licensed_text_installed"]
        is True
    )


def test_list_instruments() -> None:
    listed = list_instruments("en")
    assert [i["id"] for i in listed] == list(INSTRUMENT_ORDER)
    by_id = {i["id"]: i for i in listed}
    assert by_id["csi"]["item_count"] == 25 + 10 + 10
    assert by_id["dn4"]["has_clinician_items"] is True
    assert by_id["dn4"]["clinician_only"] is False
    assert by_id["painad"]["clinician_only"] is True
    assert by_id["hads"]["title"] == "Hospital Anxiety and Depression Scale (HADS)"
