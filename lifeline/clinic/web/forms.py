"""Django forms for every POST of the clinic pages: they parse and check the input (types,
choices, lengths; field errors in the current language) and hand the services plain values.
The services stay the authority on the clinic's rules. A form that is not valid means the
view stores nothing. Input names are those the templates (and journeys) post."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from lifeline.clinic.engine.clinical import ADVERSE_EFFECTS, PAIN_DISTRIBUTIONS
from lifeline.clinic.enums import DecisionAction, LabelAction, LesionSide, Sex, StrokeType
from lifeline.clinic.services import conclusions as conclusions_services
from lifeline.clinic.services.assessments import INSTRUMENTS
from lifeline.clinic.services.clinical import BODY_REGIONS
from lifeline.clinic.services.patients import PATIENT_RED_FLAGS
from lifeline.clinic.web.screens import Screen, parse_answer

DATE_ERRORS = {"invalid": _("Enter a valid date.")}


def _date(**kwargs: Any) -> forms.DateField:
    return forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS, **kwargs
    )


def _text(max_length: int | None = None, *, strip: bool = True) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length, strip=strip)


class KnownChoicesField(forms.MultipleChoiceField):
    """A checkbox list that drops values it does not know (as the pages always did) instead
    of refusing the whole form."""

    def to_python(self, value: Any) -> list[str]:
        return [v for v in super().to_python(value) if self.valid_value(v)]


def _known(values: Any) -> KnownChoicesField:
    return KnownChoicesField(required=False, choices=[(v, v) for v in values])


def _regions() -> KnownChoicesField:
    return _known(BODY_REGIONS)


def _accepted_versions(form: forms.Form, documents: list[Any]) -> dict[str, Any]:
    return {d.kind: d.version for d in documents if form.cleaned_data.get(f"accept_{d.kind}")}


# --- patients ----------------------------------------------------------------------------


class PatientNewForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    date_of_birth = _date()
    diagnosis = _text(5000)
    email = forms.EmailField(required=False)

    def service_data(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if value}


CLINICAL_GROUPS: list[tuple[str, list[str]]] = [
    (
        "klit",
        [
            "onset_after_stroke",
            "distribution_matches_lesion",
            "sensory_signs_in_area",
            "lesion_on_imaging",
            "other_causes_excluded",
            "pain_confined_to_lesion_territory",
        ],
    ),
    ("nociceptive", ["hsp", "spasticity_pain", "msk_pain", "headache", "crps_signs"]),
    (
        "safety",
        [
            "self_report_reliable",
            "cardiac_history",
            "cardiac_conduction_disease",
            "arrhythmia",
            "heart_failure",
            "ecg_on_file",
            "angle_closure_glaucoma",
            "urinary_retention_bph",
            "epilepsy_or_poststroke_seizures",
            "falls_history",
            "orthostatic_hypotension",
            "cognitive_impairment",
            "hepatic_impairment",
            "uncontrolled_hypertension",
            "copd_or_resp_insufficiency",
            "substance_use_disorder",
            "pregnancy_or_breastfeeding",
            "suicidal_ideation",
            "hyponatremia",
            "hla_b1502_risk_ancestry",
            "hla_b1502_positive",
        ],
    ),
]
CLINICAL_NUMBERS = ["weight", "serum_creatinine", "crcl_cockcroft_gault", "egfr", "qtc_ms"]


class PatientRecordForm(forms.Form):
    """The doctor's record form: demographics, dates, and the clinical inputs `c_<name>`
    (yes / no / unknown for the criteria, numbers for the lab values, a comma list of
    current medicines). Errors of `c_<name>` are reported as `clinical.<name>`, as the
    service does."""

    full_name = _text()
    diagnosis = _text(strip=False)
    sex = forms.ChoiceField(required=False, choices=Sex.choices)
    stroke_type = forms.ChoiceField(required=False, choices=StrokeType.choices)
    lesion_side = forms.ChoiceField(required=False, choices=LesionSide.choices)
    lesion_site = _text(strip=False)
    pain_locations = _regions()
    date_of_birth = _date()
    stroke_date = _date()
    pain_onset_date = _date()
    c_current_meds = _text()

    def __init__(self, *args: Any, clinical: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored_clinical = clinical
        for _group, names in CLINICAL_GROUPS:
            for name in names:
                self.fields[f"c_{name}"] = _text()
        for name in CLINICAL_NUMBERS:
            self.fields[f"c_{name}"] = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        clinical = dict(self.stored_clinical or {})
        for _group, names in CLINICAL_GROUPS:
            for name in names:
                value = cleaned.get(f"c_{name}", "")
                if value in ("true", "false"):
                    clinical[name] = value == "true"
                else:
                    clinical.pop(name, None)
        for name in CLINICAL_NUMBERS:
            raw = (cleaned.get(f"c_{name}") or "").replace(",", ".")
            if not raw:
                clinical.pop(name, None)
                continue
            try:
                number = float(raw)
            except ValueError:
                self.add_error(f"c_{name}", _("Must be a number."))
                continue
            clinical[name] = int(number) if name == "qtc_ms" and number.is_integer() else number
        meds = [m.strip() for m in (cleaned.get("c_current_meds") or "").split(",") if m.strip()]
        if meds:
            clinical["current_meds"] = meds
        else:
            clinical.pop("current_meds", None)
        cleaned["clinical"] = clinical
        return cleaned

    def error_dict(self) -> dict[str, list[str]]:
        return {
            (f"clinical.{key[2:]}" if key.startswith("c_") else key): [str(m) for m in ms]
            for key, ms in self.errors.items()
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {key: data.get(key) for key in ("date_of_birth", "stroke_date", "pain_onset_date")}
        return {
            "full_name": data["full_name"],
            "diagnosis": data["diagnosis"],
            "sex": data["sex"] or "unknown",
            "stroke_type": data["stroke_type"] or "unknown",
            "lesion_side": data["lesion_side"] or "unknown",
            "lesion_site": data["lesion_site"][:200],
            "pain_locations": data["pain_locations"],
            **out,
            "clinical": data["clinical"],
        }


def med_names(meds: Any) -> list[str]:
    """Medicine names of a stored list (strings or {"name"/"atc": …} entries)."""
    return [
        m if isinstance(m, str) else str(m.get("name") or m.get("atc") or "") for m in meds or []
    ]


PAIN_QUESTIONS = ("new_pain_location", "pain_limits_daily_life")
NRS_ERRORS = {
    key: _("Choose a number from 0 to 10.") for key in ("invalid", "min_value", "max_value")
}


class SelfRecordForm(forms.Form):
    """What a patient reports about themselves (`/clinic/me/record/`). A red flag once
    reported stays until the care team clears it; an unchanged medicine text keeps doses."""

    email = forms.EmailField(required=False)
    phone = _text()
    pain_locations = _regions()
    pain_onset_date = _date()
    nrs_now = forms.IntegerField(
        required=False, min_value=0, max_value=10, error_messages=NRS_ERRORS
    )
    nrs_avg24h = forms.IntegerField(
        required=False, min_value=0, max_value=10, error_messages=NRS_ERRORS
    )
    pain_distribution = _text()
    current_meds = _text()
    adverse_effects = _known(ADVERSE_EFFECTS)

    def __init__(self, *args: Any, clinical: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored_clinical = clinical
        for name in (*PAIN_QUESTIONS, *PATIENT_RED_FLAGS):
            self.fields[name] = _text()

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        current = self.stored_clinical or {}
        clinical: dict[str, Any] = {
            "nrs_now": data["nrs_now"],
            "nrs_avg24h": data["nrs_avg24h"],
            "pain_distribution": (
                data["pain_distribution"]
                if data["pain_distribution"] in PAIN_DISTRIBUTIONS
                else None
            ),
        }
        meds = [m.strip() for m in data["current_meds"].split(",") if m.strip()]
        if meds != med_names(current.get("current_meds")):
            clinical["current_meds"] = meds[:50] or None
        clinical["adverse_effects"] = data["adverse_effects"] or None
        for name in (*PAIN_QUESTIONS, *PATIENT_RED_FLAGS):
            if name in PATIENT_RED_FLAGS and current.get(name) is True:
                continue  # reported: the care team clears it
            ticked = data.get(name) == "yes"
            clinical[name] = True if ticked else (False if name in current else None)
        return {
            "email": data["email"],
            "phone": data["phone"][:32],
            "pain_locations": data["pain_locations"],
            "pain_onset_date": data["pain_onset_date"],
            "clinical": clinical,
        }


class CareTeamForm(forms.Form):
    doctor = forms.UUIDField()
    action = _text()


# --- registration and invitations --------------------------------------------------------


class InvitationNewForm(forms.Form):
    email = forms.EmailField(
        error_messages={
            "required": _("Enter a valid e-mail address."),
            "invalid": _("Enter a valid e-mail address."),
        }
    )
    full_name = _text()


class _AcceptsDocuments(forms.Form):
    """One `accept_<kind>` checkbox per current legal document."""

    def __init__(self, *args: Any, documents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = documents
        for document in documents:
            self.fields[f"accept_{document.kind}"] = forms.BooleanField(required=False)

    def accepted_versions(self) -> dict[str, Any]:
        return _accepted_versions(self, self.documents)


class InvitationAcceptForm(_AcceptsDocuments):
    full_name = _text()
    password = _text(strip=False)
    password_confirm = _text(strip=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password", "") != cleaned.get("password_confirm", ""):
            self.add_error(None, _("The passwords do not match."))
        return cleaned


DOCTOR_FIELDS = (
    "email",
    "last_name",
    "first_name",
    "middle_name",
    "specialty",
    "position",
    "workplace",
    "city",
    "area_of_interest",
    "organization",
)
DOCTOR_PROFILE_FIELDS = ("specialty", "position", "workplace", "city", "area_of_interest")


class DoctorRegisterForm(_AcceptsDocuments):
    password = _text(strip=False)
    password_confirm = _text(strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DOCTOR_FIELDS:
            self.fields[name] = _text()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password", "") != cleaned.get("password_confirm", ""):
            self.add_error(None, _("The passwords do not match."))
        elif not all(cleaned.get(name) for name in ("email", "first_name", "last_name")):
            self.add_error(None, _("Fill in the e-mail, first name and last name."))
        return cleaned


# --- assessments and evaluations ---------------------------------------------------------


class AssessmentStartForm(forms.Form):
    mode = _text()
    instruments = _known(INSTRUMENTS)
    respondent = _text()
    prefill_from = forms.UUIDField(required=False)


class AnswerForm(forms.Form):
    """One screen's answer; `action` "skip" stores an explicit no-answer."""

    action = _text()
    answer = _text()

    def __init__(self, *args: Any, screen: Screen, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.screen = screen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["action"] = cleaned.get("action") or "next"
        cleaned["value"] = parse_answer(self.screen, cleaned.get("answer", ""))
        skip = cleaned["action"] == "skip"
        if cleaned["action"] == "next" and cleaned["value"] is None and self.screen.required:
            self.add_error("answer", _("Choose an answer to continue."))
        if skip:
            cleaned["value"] = None
        cleaned["skip"] = skip
        return cleaned


class DecisionForm(forms.Form):
    """A decision on one suggestion (rule id + option)."""

    rule_id = forms.CharField(max_length=64)
    option = _text(64)
    action = forms.ChoiceField(choices=DecisionAction.choices)
    reason = _text(strip=False)
    modification = _text(strip=False)


class LabelDecisionForm(forms.Form):
    """The clinician confirms or rejects a screening label."""

    label_code = forms.CharField(max_length=64)
    action = forms.ChoiceField(choices=LabelAction.choices)
    reason = _text(strip=False)


# --- documents ---------------------------------------------------------------------------


class ConclusionBuilderForm(forms.Form):
    """Picked rows `pick` = "rule|option|code", each with `title-<key>` / `scheme-<key>`,
    plus one free option and the free text."""

    free_text = _text(strip=False)
    extra_title = _text()
    extra_scheme = _text(strip=False)

    def items(self) -> list[conclusions_services.ConclusionItemInput]:
        post = cast("QueryDict", self.data)
        items = []
        for key in post.getlist("pick"):
            rule_id, _sep, rest = key.partition("|")
            _option, _sep, code = rest.partition("|")
            items.append(
                conclusions_services.ConclusionItemInput(
                    catalogue_code=code,
                    rule_id=rule_id,
                    title=post.get(f"title-{key}", "") if not code else "",
                    scheme=post.get(f"scheme-{key}", ""),
                )
            )
        if self.cleaned_data["extra_title"]:
            items.append(
                conclusions_services.ConclusionItemInput(
                    title=self.cleaned_data["extra_title"],
                    scheme=self.cleaned_data["extra_scheme"],
                )
            )
        return items


class ConclusionEditForm(forms.Form):
    """A draft's rows `code-<i>` / `rule-<i>` / `title-<i>` / `scheme-<i>`, kept when
    `keep-<i>` is ticked; `action` save / issue / amend."""

    action = forms.ChoiceField(
        required=False, choices=[("save", "save"), ("issue", "issue"), ("amend", "amend")]
    )
    item_count = forms.IntegerField(required=False, min_value=0, max_value=500)
    free_text = _text(strip=False)

    def items(self) -> list[conclusions_services.ConclusionItemInput]:
        post = cast("QueryDict", self.data)
        return [
            conclusions_services.ConclusionItemInput(
                catalogue_code=post.get(f"code-{index}", ""),
                rule_id=post.get(f"rule-{index}", ""),
                title=post.get(f"title-{index}", ""),
                scheme=post.get(f"scheme-{index}", ""),
            )
            for index in range(self.cleaned_data["item_count"] or 0)
            if post.get(f"keep-{index}")
        ]


class CatalogueNoteForm(forms.Form):
    code = forms.CharField(max_length=64)
    text = _text(strip=False)


class ArticleForm(forms.Form):
    title = _text(strip=False)
    summary = _text(strip=False)
    body = _text(strip=False)
    language = _text()
    action = _text()
    publish = _text()

    def clean_language(self) -> str:
        language = self.cleaned_data.get("language")
        return language if language in ("ru", "en") else "ru"

    def article_fields(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("title", "summary", "body", "language")}


PROTOCOL_MAX_ROWS = 60


class ProtocolForm(forms.Form):
    """Names and step rows `day_<i>` + checkboxes `instruments_<i>`; fully empty rows are
    skipped; a day that is not a number goes to the service, which reports it by step."""

    action = _text()
    name_en = _text(strip=False)
    name_ru = _text(strip=False)
    rows = forms.IntegerField(required=False, min_value=0)

    def steps(self) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = []
        for i in range(min(self.cleaned_data["rows"] or 0, PROTOCOL_MAX_ROWS)):
            raw_day = self.data.get(f"day_{i}", "").strip()
            instruments = cast("QueryDict", self.data).getlist(f"instruments_{i}")
            if not raw_day and not instruments:
                continue
            try:
                day: Any = int(raw_day)
            except ValueError:
                day = raw_day
            steps.append({"day": day, "instruments": instruments})
        return steps
