"""The clinical input dictionary (spec §C.2) and its validation.

Every field is optional; a missing field (absent or `null`) means *unknown*. A safety rule
whose input is unknown yields SAFETY_UNCHECKED, never a silent pass (spec C.0.4). Unknown
field names are refused (a misspelt safety field must not silently become "unknown").

Units: `serum_creatinine` in µmol/L, `weight` in kg, `crcl_cockcroft_gault` in mL/min,
`egfr` in mL/min/1.73 m², `qtc_ms` in ms. Dates as ISO `YYYY-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

BOOL = "bool"
INT = "int"
FLOAT = "float"
DATE = "date"
STR = "str"
LIST_STR = "list_str"
MEDS = "meds"
HISTORY = "history"
MAS = "mas"

PAIN_DISTRIBUTIONS = (
    "within_lesion_territory",
    "shoulder_only",
    "joint_muscle",
    "regional_beyond_territory",
    "widespread",
)
PAIN_DURATIONS = ("acute", "subacute", "chronic")
# Drugs the clinician is considering although the engine does not suggest them (X-CBZ-1).
CONSIDERED_DRUGS = ("carbamazepine",)
ADVERSE_EFFECTS = ("sedation", "falls", "confusion", "palpitations", "syncope", "rash")

# field -> (type, extra): extra is (min, max) for numbers or the allowed values for enums.
FIELDS: dict[str, tuple[str, Any]] = {
    # Pain intensity entered outside a questionnaire (fallback when no NRS/VAS response).
    "nrs_now": (INT, (0, 10)),
    "nrs_avg24h": (INT, (0, 10)),
    "vas_mm": (FLOAT, (0, 100)),
    # Stroke and pain history.
    "stroke": (BOOL, None),
    "stroke_date": (DATE, None),
    "stroke_type": (
        STR,
        ("ischaemic", "ischemic", "haemorrhagic", "hemorrhagic", "other", "unknown"),
    ),
    "lesion_side": (STR, ("left", "right", "bilateral", "unknown")),
    "lesion_site": (STR, None),
    "pain_onset_date": (DATE, None),
    "pain_duration": (STR, PAIN_DURATIONS),
    "pain_duration_months": (FLOAT, (0, 1200)),
    "assessment_date": (DATE, None),
    "pain_locations": (LIST_STR, None),
    "pain_distribution": (STR, (*PAIN_DISTRIBUTIONS, "lesion_territory")),
    "pain_confined_to_lesion_territory": (BOOL, None),
    "movement_related_pain": (BOOL, None),
    "new_pain_location": (BOOL, None),
    # Klit 2009 / NeuPSIG 2016 checklist (M-2).
    "onset_after_stroke": (BOOL, None),
    "distribution_matches_lesion": (BOOL, None),
    "sensory_signs_in_area": (BOOL, None),
    "lesion_on_imaging": (BOOL, None),
    "other_causes_excluded": (BOOL, None),
    # Nociceptive flags (M-3).
    "hsp": (BOOL, None),
    "spasticity_pain": (BOOL, None),
    "mas": (MAS, None),
    "msk_pain": (BOOL, None),
    "headache": (BOOL, None),
    "crps_signs": (BOOL, None),
    # Nociplastic helpers (M-4).
    "evoked_hypersensitivity_in_region": (BOOL, None),
    "history_hypersensitivity": (BOOL, None),
    "sleep_disturbance": (BOOL, None),
    "fatigue": (BOOL, None),
    "cognitive_problems": (BOOL, None),
    "not_fully_explained_by_nociceptive_or_neuropathic": (BOOL, None),
    # Safety (X rules).
    "age": (INT, (0, 130)),
    "weight": (FLOAT, (1, 400)),
    "sex": (STR, ("male", "female")),
    "serum_creatinine": (FLOAT, (1, 3000)),
    "crcl_cockcroft_gault": (FLOAT, (0, 300)),
    "egfr": (FLOAT, (0, 300)),
    "haemodialysis": (BOOL, None),
    "hepatic_impairment": (BOOL, None),
    "cardiac_history": (BOOL, None),
    "cardiac_conduction_disease": (BOOL, None),
    "recent_mi": (BOOL, None),
    "recent_mi_date": (DATE, None),
    "arrhythmia": (BOOL, None),
    "ecg_on_file": (BOOL, None),
    "qtc_ms": (INT, (200, 800)),
    "heart_failure": (BOOL, None),
    "heart_failure_decompensated": (BOOL, None),
    "angle_closure_glaucoma": (BOOL, None),
    "urinary_retention_bph": (BOOL, None),
    "epilepsy_or_poststroke_seizures": (BOOL, None),
    "falls_history": (BOOL, None),
    "orthostatic_hypotension": (BOOL, None),
    "cognitive_impairment": (BOOL, None),
    "uncontrolled_hypertension": (BOOL, None),
    "hyponatremia": (BOOL, None),
    "copd_or_resp_insufficiency": (BOOL, None),
    "substance_use_disorder": (BOOL, None),
    "heavy_alcohol_use": (BOOL, None),
    "pregnancy_or_breastfeeding": (BOOL, None),
    "suicidal_ideation": (BOOL, None),
    "prior_gi_bleed": (BOOL, None),
    "maoi_within_14_days": (BOOL, None),
    "implants_near_coil": (BOOL, None),
    # X-CBZ-1: HLA-B*15:02 (risk ancestry: Han Chinese, Thai, Malay, other South-East Asian;
    # `hla_b1502_positive` is the genotype result when known).
    "hla_b1502_risk_ancestry": (BOOL, None),
    "hla_b1502_positive": (BOOL, None),
    "considered_drugs": (LIST_STR, CONSIDERED_DRUGS),
    "current_meds": (MEDS, None),
    "treatment_history": (HISTORY, None),
    "new_drug_started": (BOOL, None),
    "self_report_reliable": (BOOL, None),
    # False when DN4 items 1–7 were patient-entered and not yet confirmed by a clinician
    # (spec §A.2, §A.7): the DN4 then does not count for the mechanism rules.
    "dn4_interview_confirmed": (BOOL, None),
    # Red-flag checklist (RF rules).
    "new_focal_deficit": (BOOL, None),
    "sudden_severe_headache": (BOOL, None),
    "reduced_consciousness": (BOOL, None),
    "acute_limb_swelling": (BOOL, None),
    "fall_or_trauma_with_new_pain": (BOOL, None),
    "fall_or_trauma_new_pain": (BOOL, None),
    "systemic_symptoms": (BOOL, None),
    "fever": (BOOL, None),
    "weight_loss": (BOOL, None),
    "cancer_history": (BOOL, None),
    "night_pain_unrelated_to_stroke": (BOOL, None),
    "self_harm": (BOOL, None),
    "functional_impairment": (BOOL, None),
    "pain_limits_daily_life": (BOOL, None),
    "adverse_effects": (LIST_STR, ADVERSE_EFFECTS),
    "adverse_effects_reported": (BOOL, None),
    "rash_on_lamotrigine": (BOOL, None),
    # Who answered (informational; S-6 and FHIR source).
    "respondent": (STR, ("patient", "clinician", "caregiver")),
}
# Alternative names accepted for compatibility with the stored clinical record.
ALIASES = {
    "fall_or_trauma_new_pain": "fall_or_trauma_with_new_pain",
}
VALUE_ALIASES = {("pain_distribution", "lesion_territory"): "within_lesion_territory"}

HISTORY_FIELDS = {
    "drug": str,
    "adequate_trial": bool,
    "response_pct": (int, float),
    "tolerated": bool,
}

# Drug names the engine recognises without an ATC code (lower-case) -> ATC.
NAME_TO_ATC = {
    "aspirin": "B01AC06",
    "acetylsalicylic acid": "B01AC06",
    "clopidogrel": "B01AC04",
    "ticagrelor": "B01AC24",
    "prasugrel": "B01AC22",
    "dipyridamole": "B01AC07",
    "warfarin": "B01AA03",
    "apixaban": "B01AF02",
    "rivaroxaban": "B01AF01",
    "edoxaban": "B01AF03",
    "dabigatran": "B01AE07",
    "heparin": "B01AB01",
    "enoxaparin": "B01AB05",
    "ibuprofen": "M01AE01",
    "naproxen": "M01AE02",
    "diclofenac": "M01AB05",
    "ketorolac": "M01AB15",
    "meloxicam": "M01AC06",
    "celecoxib": "M01AH01",
    "fluoxetine": "N06AB03",
    "paroxetine": "N06AB05",
    "sertraline": "N06AB06",
    "fluvoxamine": "N06AB08",
    "citalopram": "N06AB04",
    "escitalopram": "N06AB10",
    "duloxetine": "N06AX21",
    "venlafaxine": "N06AX16",
    "milnacipran": "N06AX17",
    "bupropion": "N06AX12",
    "amitriptyline": "N06AA09",
    "nortriptyline": "N06AA10",
    "clomipramine": "N06AA04",
    "imipramine": "N06AA02",
    "moclobemide": "N06AG02",
    "selegiline": "N04BD01",
    "rasagiline": "N04BD02",
    "tramadol": "N02AX02",
    "tapentadol": "N02AX06",
    "morphine": "N02AA01",
    "oxycodone": "N02AA05",
    "fentanyl": "N02AB03",
    "codeine": "R05DA04",
    "methadone": "N07BC02",
    "diazepam": "N05BA01",
    "lorazepam": "N05BA06",
    "alprazolam": "N05BA12",
    "phenazepam": "N05BA",
    "clonazepam": "N03AE01",
    "zopiclone": "N05CF01",
    "zolpidem": "N05CF02",
    "pregabalin": "N03AX16",
    "gabapentin": "N03AX12",
    "lamotrigine": "N03AX09",
    "levetiracetam": "N03AX14",
    "valproate": "N03AG01",
    "valproic acid": "N03AG01",
    "carbamazepine": "N03AF01",
    "oxcarbazepine": "N03AF02",
    "phenytoin": "N03AB02",
    "phenobarbital": "N03AA02",
    "rifampicin": "J04AB02",
    "ciprofloxacin": "J01MA02",
    "levofloxacin": "J01MA12",
    "linezolid": "J01XX08",
    "clarithromycin": "J01FA09",
    "sumatriptan": "N02CC01",
    "amiodarone": "C01BD01",
    "sotalol": "C07AA07",
    "haloperidol": "N05AD01",
    "ondansetron": "A04AA01",
    "lithium": "N05AN01",
    "furosemide": "C03CA01",
    "torasemide": "C03CA04",
    "hydrochlorothiazide": "C03AA03",
    "indapamide": "C03BA11",
    "spironolactone": "C03DA01",
    "baclofen": "M03BX01",
    "tizanidine": "M03BX02",
    "dantrolene": "M03CA01",
    "tolperisone": "M03BX04",
    "paracetamol": "N02BE01",
    "atorvastatin": "C10AA05",
    "rosuvastatin": "C10AA07",
    "simvastatin": "C10AA01",
    "omeprazole": "A02BC01",
    "pantoprazole": "A02BC02",
    "metformin": "A10BA02",
    "amlodipine": "C08CA01",
    "lisinopril": "C09AA03",
    "enalapril": "C09AA02",
    "perindopril": "C09AA04",
    "losartan": "C09CA01",
    "bisoprolol": "C07AB07",
    "metoprolol": "C07AB02",
    "levothyroxine": "H03AA01",
    "mirtazapine": "N06AX11",
    "quetiapine": "N05AH04",
}

_ATC_CLASSES: dict[str, tuple[str, ...]] = {
    "antiplatelet": ("B01AC",),
    "anticoagulant": ("B01AA", "B01AB", "B01AE", "B01AF"),
    "nsaid": ("M01A",),
    "ssri": ("N06AB",),
    "snri": ("N06AX16", "N06AX21", "N06AX17"),
    "tca": ("N06AA",),
    "maoi": ("N06AF", "N06AG", "N04BD"),
    "opioid": ("N02A", "R05DA04", "N07BC02"),
    "tramadol": ("N02AX02",),
    "benzodiazepine": ("N05BA", "N05CD", "N03AE01"),
    "cns_depressant": (
        "N05BA",
        "N05CD",
        "N05CF",
        "N05CM",
        "N03AE01",
        "N02A",
        "N05A",
        "M03BX01",
        "M03BX02",
    ),
    "gabapentinoid": ("N03AX12", "N03AX16"),
    "cyp2d6_inhibitor": ("N06AB03", "N06AB05", "N06AX21", "N06AX12"),
    "qt_prolonging": (
        "C01BD01",
        "C07AA07",
        "N05AD01",
        "N06AB04",
        "N06AB10",
        "J01FA09",
        "A04AA01",
        "J01MA",
        "N07BC02",
    ),
    "serotonergic": (
        "N06AB",
        "N06AX16",
        "N06AX21",
        "N06AX17",
        "N06AA",
        "N02AX02",
        "N02CC",
        "J01XX08",
        "N05AN01",
        "N06AF",
        "N06AG",
        "N07BC02",
        "N02AX06",
    ),
    "triptan": ("N02CC",),
    "linezolid": ("J01XX08",),
    "strong_cyp1a2_inhibitor": ("N06AB08", "J01MA02"),
    "valproate": ("N03AG01",),
    "carbamazepine": ("N03AF01",),
    "doac": ("B01AE", "B01AF"),
    "vka": ("B01AA",),
    "clopidogrel": ("B01AC04",),
    "enzyme_inducer": ("N03AF01", "N03AB02", "N03AA02", "J04AB02"),
    "diuretic": ("C03",),
    "lamotrigine": ("N03AX09",),
}


class ClinicalInput:
    """Validated clinical inputs with helpers that tell *unknown* from *false*."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get(self, name: str, default: Any = None) -> Any:
        value = self.data.get(name)
        return default if value is None else value

    def known(self, name: str) -> bool:
        return self.data.get(name) is not None

    def is_true(self, name: str) -> bool:
        return self.data.get(name) is True

    def is_false(self, name: str) -> bool:
        return self.data.get(name) is False

    # Derived values ---------------------------------------------------------------------

    def crcl(self) -> float | None:
        """Creatinine clearance (Cockcroft-Gault), given or computed from creatinine."""
        if self.known("crcl_cockcroft_gault"):
            return float(self.data["crcl_cockcroft_gault"])
        age: Any = self.data.get("age")
        weight: Any = self.data.get("weight")
        scr: Any = self.data.get("serum_creatinine")
        sex: Any = self.data.get("sex")
        if age is None or weight is None or scr is None or sex is None:
            return None
        factor = 1.23 if sex == "male" else 1.04
        return round((140 - age) * weight * factor / scr, 1)

    def renal_function(self) -> float | None:
        """CrCl if known, else eGFR (both mL/min; for thresholds like "< 30")."""
        crcl = self.crcl()
        if crcl is not None:
            return crcl
        egfr = self.data.get("egfr")
        return None if egfr is None else float(egfr)

    def meds_known(self) -> bool:
        return self.data.get("current_meds") is not None

    def med_atcs(self) -> list[str]:
        return [m["atc"] for m in self.data.get("current_meds") or [] if m.get("atc")]

    def on(self, drug_class: str) -> list[str]:
        """Names (or ATC codes) of current medicines in `drug_class`."""
        prefixes = _ATC_CLASSES[drug_class]
        return [
            m.get("name") or m["atc"]
            for m in self.data.get("current_meds") or []
            if m.get("atc") and m["atc"].upper().startswith(prefixes)
        ]

    def unclassified_meds(self) -> list[str]:
        """Current medicines given by a name the engine cannot map to an ATC code."""
        return [m["name"] for m in self.data.get("current_meds") or [] if not m.get("atc")]

    def current_dose(self, atc: str) -> float | None:
        for m in self.data.get("current_meds") or []:
            if m.get("atc") == atc and m.get("daily_dose_mg") is not None:
                return float(m["daily_dose_mg"])
        return None

    def cardiac_history(self) -> bool | None:
        if self.is_true("cardiac_history"):
            return True
        parts = ["cardiac_conduction_disease", "arrhythmia", "heart_failure", "recent_mi"]
        if any(self.is_true(p) for p in parts):
            return True
        if self.is_false("cardiac_history"):
            return False
        return None

    def ecg_on_file(self) -> bool | None:
        if self.known("qtc_ms"):
            return True
        value = self.data.get("ecg_on_file")
        return None if value is None else bool(value)

    def recent_mi(self, recovery_days: int) -> bool | None:
        if self.known("recent_mi_date"):
            as_of = self.as_of()
            return (as_of - self.data["recent_mi_date"]).days <= recovery_days
        value = self.data.get("recent_mi")
        return None if value is None else bool(value)

    def as_of(self) -> dt.date:
        date: dt.date | None = self.data.get("assessment_date")
        return date or timezone.localdate()

    def duration_months(self) -> float | None:
        """Pain duration in months (from the onset date, else the duration category)."""
        if self.known("pain_duration_months"):
            return float(self.data["pain_duration_months"])
        if self.known("pain_onset_date"):
            return (self.as_of() - self.data["pain_onset_date"]).days / 30.4375
        category = self.data.get("pain_duration")
        return {"acute": 0.5, "subacute": 2.0, "chronic": 6.0}.get(category) if category else None


def _bad(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(f"clinical.{name}", []).append(message)


def _clean_meds(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        _bad(errors, "current_meds", _("Expected a list of medicines."))
        return None
    out: list[dict[str, Any]] = []
    for n, med in enumerate(value):
        if isinstance(med, str):
            med = {"name": med} if not _looks_like_atc(med) else {"atc": med}
        if not isinstance(med, dict):
            _bad(
                errors,
                "current_meds",
                _("Item %(n)s: expected an ATC code or an object.") % {"n": n},
            )
            continue
        atc, name = med.get("atc"), med.get("name")
        if atc is not None and (not isinstance(atc, str) or not _looks_like_atc(atc)):
            _bad(errors, "current_meds", _("Item %(n)s: invalid ATC code.") % {"n": n})
            continue
        if name is not None and not isinstance(name, str):
            _bad(errors, "current_meds", _("Item %(n)s: invalid name.") % {"n": n})
            continue
        dose = med.get("daily_dose_mg")
        if dose is not None and (
            isinstance(dose, bool) or not isinstance(dose, int | float) or dose < 0
        ):
            _bad(errors, "current_meds", _("Item %(n)s: invalid daily dose.") % {"n": n})
            continue
        if atc is None and name:
            atc = NAME_TO_ATC.get(name.strip().lower())
        if atc is None and not name:
            _bad(errors, "current_meds", _("Item %(n)s: give an ATC code or a name.") % {"n": n})
            continue
        out.append({"atc": atc.upper() if atc else None, "name": name, "daily_dose_mg": dose})
    return out


def _looks_like_atc(value: str) -> bool:
    v = value.strip().upper()
    return 1 <= len(v) <= 7 and v[0].isalpha() and v[1:3].isdigit() if len(v) >= 3 else False


def _clean_history(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        _bad(errors, "treatment_history", _("Expected a list of treatment trials."))
        return None
    out = []
    for n, trial in enumerate(value):
        if not isinstance(trial, dict):
            _bad(errors, "treatment_history", _("Item %(n)s: expected an object.") % {"n": n})
            continue
        if not isinstance(trial.get("drug"), str):
            continue  # a trial without a drug name cannot feed the T-1e/T-1f/T-2 rules
        clean: dict[str, Any] = {"drug": trial["drug"].strip().lower()}
        for key, kind in HISTORY_FIELDS.items():
            if key == "drug":
                continue
            v = trial.get(key)
            if key == "response_pct" and v is None:
                v = trial.get("response")
            if v is None:
                clean[key] = None
            elif (isinstance(v, bool) and kind is not bool) or not isinstance(v, kind):  # type: ignore[arg-type]
                _bad(
                    errors,
                    "treatment_history",
                    _("Item %(n)s: invalid %(field)s.") % {"n": n, "field": key},
                )
            else:
                clean[key] = v
        out.append(clean)
    return out


def validate_clinical(clinical: Any) -> tuple[ClinicalInput, dict[str, list[str]]]:
    """(cleaned input, errors keyed "clinical.<field>")."""
    errors: dict[str, list[str]] = {}
    if clinical is None:
        clinical = {}
    if not isinstance(clinical, dict):
        return ClinicalInput({}), {"clinical": [_("Expected an object of clinical fields.")]}
    data: dict[str, Any] = {}
    for name, value in clinical.items():
        spec = FIELDS.get(name)
        if spec is None:
            _bad(errors, str(name), _("Unknown clinical field."))
            continue
        if value is None:
            data[name] = None
            continue
        kind, extra = spec
        if kind == BOOL:
            if not isinstance(value, bool):
                _bad(errors, name, _("Expected true, false or null."))
                continue
        elif kind in (INT, FLOAT):
            if isinstance(value, bool) or not isinstance(value, int | float):
                _bad(errors, name, _("Expected a number."))
                continue
            if isinstance(value, float) and not math.isfinite(value):
                _bad(errors, name, _("Expected a number."))
                continue
            if kind == INT:
                if isinstance(value, float) and not value.is_integer():
                    _bad(errors, name, _("Expected a whole number."))
                    continue
                value = int(value)
            lo, hi = extra
            if not lo <= value <= hi:
                _bad(
                    errors,
                    name,
                    _("Expected a value from %(min)s to %(max)s.") % {"min": lo, "max": hi},
                )
                continue
        elif kind == DATE:
            try:
                value = dt.date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                value = None
            if value is None:
                _bad(errors, name, _("Expected a date (YYYY-MM-DD)."))
                continue
        elif kind == STR:
            if not isinstance(value, str) or (extra and value not in extra):
                if extra:
                    _bad(
                        errors,
                        name,
                        _("Expected one of: %(values)s.") % {"values": ", ".join(extra)},
                    )
                else:
                    _bad(errors, name, _("Expected a string."))
                continue
        elif kind == LIST_STR:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                _bad(errors, name, _("Expected a list of strings."))
                continue
            if extra and any(v not in extra for v in value):
                _bad(
                    errors,
                    name,
                    _("Expected values from: %(values)s.") % {"values": ", ".join(extra)},
                )
                continue
        elif kind == MAS:
            if isinstance(value, bool) or not (
                (isinstance(value, int) and 0 <= value <= 5)
                or value in ("0", "1", "1+", "2", "3", "4")
            ):
                _bad(errors, name, _("Expected a Modified Ashworth grade."))
                continue
        elif kind == MEDS:
            value = _clean_meds(value, errors)
            if value is None:
                continue
        elif kind == HISTORY:
            value = _clean_history(value, errors)
            if value is None:
                continue
        value = VALUE_ALIASES.get((name, value), value) if isinstance(value, str) else value
        target = ALIASES.get(str(name), str(name))
        if target != name and data.get(target) is not None:
            continue
        data[target] = value
    if data.get("pain_confined_to_lesion_territory") is True and not data.get("pain_distribution"):
        data["pain_distribution"] = "within_lesion_territory"
    return ClinicalInput(data), errors


def snapshot(clinical: ClinicalInput) -> dict[str, Any]:
    """JSON-safe copy of the cleaned inputs (dates as ISO strings)."""
    out: dict[str, Any] = {}
    for key, value in clinical.data.items():
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out
