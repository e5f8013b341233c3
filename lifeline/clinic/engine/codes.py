"""Code systems, canonical URLs and extension URLs used by the engine (spec §B.1, §B.2).

The platform's canonical FHIR base is one constant: changing it needs a regeneration of the
instrument files (`python -m lifeline.clinic.instruments._generate`).
"""

from __future__ import annotations

FHIR_BASE = "https://lifeline.example.org/fhir"

# Local code systems (spec §B.1 "Local CodeSystem (proposal)").
CS_INSTRUMENTS = f"{FHIR_BASE}/CodeSystem/post-stroke-pain-instruments"
CS_ANSWERS = f"{FHIR_BASE}/CodeSystem/instrument-answers"
CS_RULES = f"{FHIR_BASE}/CodeSystem/clinic-rules"

# Local extensions.
EXT_CLINICIAN_ONLY = f"{FHIR_BASE}/StructureDefinition/clinician-only"
EXT_LICENSED_TEXT = f"{FHIR_BASE}/StructureDefinition/licensed-text-installed"
EXT_SUBSCALE = f"{FHIR_BASE}/StructureDefinition/subscale"
EXT_STROKE_CONFOUNDED = f"{FHIR_BASE}/StructureDefinition/stroke-confounded"
EXT_ANCHOR_LOW = f"{FHIR_BASE}/StructureDefinition/anchor-low"
EXT_ANCHOR_HIGH = f"{FHIR_BASE}/StructureDefinition/anchor-high"
EXT_SCORED = f"{FHIR_BASE}/StructureDefinition/scored"

# HL7 / SDC extensions.
EXT_ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXT_MIN = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_SLIDER_STEP = "http://hl7.org/fhir/StructureDefinition/questionnaire-sliderStepValue"
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_OPTION_PREFIX = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionPrefix"
EXT_CALCULATED = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
)
EXT_QR_AUTHOR = "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-author"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ICD11 = "http://id.who.int/icd/release/11/mms"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

LOINC_NRS = "72514-3"
LOINC_VAS = "38214-3"

# SNOMED CT pain-intensity interpretation codes (HL7 Europe PAIN score table).
SNOMED_PAIN_BAND = {
    "none": "301379001",
    "mild": "40196000",
    "moderate": "50415004",
    "severe": "76948002",
    "excruciating": "67849003",
}
SNOMED_NEUROPATHIC_PAIN = "247398009"


def questionnaire_url(instrument: str) -> str:
    return f"{FHIR_BASE}/Questionnaire/{instrument}"
