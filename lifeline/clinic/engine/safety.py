"""Safety and contraindication rules (spec §C.6, rules X-*).

Each rule returns findings for one treatment option::

    {"rule_id": "X-GABA-1", "option": "pregabalin", "level": "BLOCK|WARN|INFO|SAFETY_UNCHECKED",
     "message": {"en", "ru"}, "conditions": [...], "missing": [...], ...}

A safety input that is unknown gives SAFETY_UNCHECKED with the missing fields (X-GEN-3,
principle C.0.4): it never counts as "no contraindication".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from lifeline.clinic.engine.clinical import ClinicalInput

BLOCK = "BLOCK"
WARN = "WARN"
INFO = "INFO"
SAFETY_UNCHECKED = "SAFETY_UNCHECKED"
LEVELS = (BLOCK, WARN, SAFETY_UNCHECKED, INFO)


@dataclass
class Context:
    clinical: ClinicalInput
    rs: ModuleType
    hads_a: int | None = None
    hads_d: int | None = None

    @property
    def t(self) -> dict[str, Any]:
        return dict(self.rs.THRESHOLDS)


def _join(ctx: Context, keys: list[str]) -> dict[str, str]:
    labels = ctx.rs.FIELD_LABELS
    return {
        lang: ", ".join(labels[k][lang] if k in labels else k for k in keys)
        for lang in ("en", "ru")
    }


def _fmt(template: dict[str, str], **kwargs: Any) -> dict[str, str]:
    out = {}
    for lang in ("en", "ru"):
        values = {k: (v[lang] if isinstance(v, dict) else v) for k, v in kwargs.items()}
        out[lang] = template[lang].format(**values)
    return out


class _Collector:
    """Accumulates conditions per level for one rule and option, then emits findings."""

    def __init__(self, ctx: Context, rule_id: str, option: str) -> None:
        self.ctx = ctx
        self.rule_id = rule_id
        self.option = option
        self.block: list[str] = []
        self.warn: list[str] = []
        self.missing: list[str] = []
        self.drugs: list[str] = []

    def flag(self, name: str, *, level: str = WARN) -> None:
        """A boolean clinical field: true → condition at `level`; unknown → missing."""
        value = self.ctx.clinical.data.get(name)
        if value is None:
            self.missing.append(name)
        elif value is True:
            self.cond(name, level)

    def cond(self, key: str, level: str = WARN) -> None:
        target = self.block if level == BLOCK else self.warn
        if key not in target:
            target.append(key)

    def need(self, key: str) -> None:
        if key not in self.missing:
            self.missing.append(key)

    def meds(self, *classes: str, level: str = WARN, key: str | None = None) -> None:
        c = self.ctx.clinical
        if not c.meds_known():
            self.need("current_meds")
            return
        if c.unclassified_meds():
            # A medicine the engine cannot classify cannot be checked: never a silent pass.
            self.need("unclassified_meds")
        found: list[str] = []
        for cls in classes:
            found.extend(d for d in c.on(cls) if d not in found)
        if found:
            self.drugs.extend(d for d in found if d not in self.drugs)
            self.cond(key or classes[0], level)

    def findings(
        self,
        block_msg: dict[str, str] | None = None,
        warn_msg: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        out = []
        rs = self.ctx.rs
        for level, conds, template in ((BLOCK, self.block, block_msg), (WARN, self.warn, warn_msg)):
            if conds:
                template = template or rs.SAFETY[self.rule_id]
                message = _fmt(
                    template,
                    condition=_join(self.ctx, conds),
                    drugs=", ".join(self.drugs),
                )
                out.append(self._finding(level, message, conditions=conds, extra=extra))
        if self.missing:
            message = _fmt(rs.SAFETY["unchecked"], fields=_join(self.ctx, self.missing))
            out.append(
                self._finding(SAFETY_UNCHECKED, message, missing=list(self.missing), extra=extra)
            )
        return out

    def _finding(
        self,
        level: str,
        message: dict[str, str],
        *,
        conditions: list[str] | None = None,
        missing: list[str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        finding: dict[str, Any] = {
            "rule_id": self.rule_id,
            "option": self.option,
            "level": level,
            "message": message,
            "conditions": list(conditions or []),
            "missing": list(missing or []),
        }
        if self.drugs and conditions:
            finding["interacting_drugs"] = list(self.drugs)
        if missing:
            finding["via"] = "X-GEN-3"
            if "unclassified_meds" in missing:
                finding["unclassified_meds"] = self.ctx.clinical.unclassified_meds()
        finding.update(extra or {})
        return finding


def _age_at_least(col: _Collector, age: int, key: str = "older_adult") -> None:
    value = col.ctx.clinical.get("age")
    if value is None:
        col.need("age")
    elif value >= age:
        col.cond(key)


# --- TCAs --------------------------------------------------------------------------------------


def x_tca_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    c, t = ctx.clinical, ctx.rs.THRESHOLDS
    col = _Collector(ctx, "X-TCA-1", option)
    col.flag("cardiac_conduction_disease", level=BLOCK)
    col.flag("arrhythmia", level=BLOCK)
    recent = c.recent_mi(t["recent_mi_recovery_days"])
    if recent is None:
        col.need("recent_mi")
    elif recent:
        col.cond("recent_mi", BLOCK)
    qtc = c.get("qtc_ms")
    if qtc is not None and qtc > t["qtc_prolonged_ms"].get(
        c.get("sex"), t["qtc_prolonged_ms"][None]
    ):
        col.cond("qtc_prolonged", BLOCK)
    if c.is_true("heart_failure_decompensated"):
        col.cond("heart_failure_decompensated", BLOCK)
    else:
        col.flag("heart_failure", level=WARN)
    if c.is_true("maoi_within_14_days"):
        col.cond("maoi", BLOCK)
    elif c.meds_known():
        col.meds("maoi", level=BLOCK)
    elif not c.is_false("maoi_within_14_days"):
        col.need("current_meds")
    col.flag("angle_closure_glaucoma", level=BLOCK)
    col.flag("urinary_retention_bph", level=BLOCK)
    return col.findings(warn_msg=ctx.rs.SAFETY["X-TCA-1-warn"])


def x_tca_2(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-TCA-2", option)
    _age_at_least(col, ctx.rs.THRESHOLDS["older_adult_age"])
    for name in (
        "cognitive_impairment",
        "falls_history",
        "orthostatic_hypotension",
        "epilepsy_or_poststroke_seizures",
    ):
        col.flag(name)
    return col.findings()


def x_tca_3(ctx: Context, option: str) -> list[dict[str, Any]]:
    c = ctx.clinical
    if c.ecg_on_file():
        return []
    age = c.get("age")
    cardiac = c.cardiac_history()
    no_need = age is not None and age <= ctx.rs.THRESHOLDS["tca_ecg_age"] and cardiac is False
    if no_need:
        return []
    col = _Collector(ctx, "X-TCA-3", option)
    col.need("ecg")
    findings = col.findings()
    ecg = ctx.rs.FIELD_LABELS["ecg"]
    for f in findings:
        f["message"] = {
            lang: ctx.rs.SAFETY["X-TCA-3"][lang]
            + ". "
            + ctx.rs.SAFETY["unchecked"][lang].format(fields=ecg[lang])
            for lang in ("en", "ru")
        }
    return findings


def x_tca_4(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-TCA-4", option)
    col.meds("ssri", "snri", "cyp2d6_inhibitor", "tramadol", "qt_prolonging", key="serotonergic")
    return col.findings()


def _suicide(ctx: Context, rule_id: str, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, rule_id, option)
    col.flag("suicidal_ideation")
    if ctx.hads_d is not None and ctx.hads_d >= ctx.rs.THRESHOLDS["hads_probable"]:
        col.cond("hads_d_probable")
    return col.findings()


def x_tca_5(ctx: Context, option: str) -> list[dict[str, Any]]:
    return _suicide(ctx, "X-TCA-5", option)


# --- Gabapentinoids -----------------------------------------------------------------------------


def _renal_dose(
    ctx: Context,
    rule_id: str,
    option: str,
    table: list[tuple[int, int, int]],
    info_from: int,
    atc: str,
) -> list[dict[str, Any]]:
    c = ctx.clinical
    crcl = c.crcl()
    col = _Collector(ctx, rule_id, option)
    if crcl is None:
        col.need("crcl")
        return col.findings()
    lo, hi = next((mn, mx) for lower, mn, mx in table if crcl >= lower)
    extra_text = (
        ctx.rs.SAFETY["X-GABA-dialysis"] if c.is_true("haemodialysis") else {"en": "", "ru": ""}
    )
    message = _fmt(ctx.rs.SAFETY[rule_id], crcl=f"{crcl:g}", min=lo, max=hi, extra=extra_text)
    level = INFO if crcl >= info_from else WARN
    extra = {"crcl": crcl, "max_daily_dose_mg": hi, "dose_range_mg": [lo, hi]}
    findings = [col._finding(level, message, conditions=["crcl"], extra=extra)]
    dose = c.current_dose(atc)
    if dose is not None and dose > hi:
        findings.append(
            col._finding(
                BLOCK,
                _fmt(ctx.rs.SAFETY["X-GABA-above-max"], dose=f"{dose:g}", max=hi),
                conditions=["dose_above_max"],
                extra=extra,
            )
        )
    return findings


def x_gaba_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    return _renal_dose(ctx, "X-GABA-1", option, ctx.rs.PREGABALIN_RENAL, 60, "N03AX16")


def x_gaba_2(ctx: Context, option: str) -> list[dict[str, Any]]:
    return _renal_dose(ctx, "X-GABA-2", option, ctx.rs.GABAPENTIN_RENAL, 80, "N03AX12")


def x_gaba_3(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-GABA-3", option)
    col.meds("opioid", "tramadol", "benzodiazepine", "cns_depressant", key="cns_depressants")
    col.flag("copd_or_resp_insufficiency")
    _age_at_least(col, ctx.rs.THRESHOLDS["older_adult_age"])
    col.flag("falls_history")
    col.flag("substance_use_disorder")
    if option == "pregabalin":
        col.flag("heart_failure")
    return col.findings()


# --- SNRIs ----------------------------------------------------------------------------------------


def _renal_below(col: _Collector, threshold: float, key: str, level: str) -> None:
    renal = col.ctx.clinical.renal_function()
    if renal is None:
        col.need("renal_function")
    elif renal < threshold:
        col.cond(key, level)


def x_snri_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    c = ctx.clinical
    col = _Collector(ctx, "X-SNRI-1", option)
    _renal_below(col, ctx.rs.THRESHOLDS["duloxetine_min_crcl"], "severe_renal_impairment", BLOCK)
    col.flag("hepatic_impairment", level=BLOCK)
    col.flag("heavy_alcohol_use", level=BLOCK)
    col.flag("angle_closure_glaucoma", level=BLOCK)
    if c.is_true("maoi_within_14_days"):
        col.cond("maoi", BLOCK)
    col.meds("maoi", level=BLOCK)
    col.meds("strong_cyp1a2_inhibitor", level=BLOCK)
    return col.findings()


def x_snri_2(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-SNRI-2", option)
    col.flag("uncontrolled_hypertension")
    _renal_below(col, ctx.rs.THRESHOLDS["renal_impairment_crcl"], "renal_impairment", WARN)
    col.flag("hepatic_impairment")
    return col.findings()


def x_snri_3(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-SNRI-3", option)
    col.meds("antiplatelet", "anticoagulant", "nsaid", key="antithrombotic")
    return col.findings()


def x_snri_4(ctx: Context, option: str) -> list[dict[str, Any]]:
    c = ctx.clinical
    col = _Collector(ctx, "X-SNRI-4", option)
    col.meds("tramadol", "triptan", "linezolid", "serotonergic", key="serotonergic")
    col.flag("hyponatremia")
    age = c.get("age")
    if age is None:
        col.need("age")
    elif age >= ctx.rs.THRESHOLDS["older_adult_age"] and c.meds_known() and c.on("diuretic"):
        col.cond("older_adult_diuretic")
    return col.findings()


# --- Others ---------------------------------------------------------------------------------------


def x_ltg_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-LTG-1", option)
    findings = [col._finding(INFO, dict(ctx.rs.SAFETY["X-LTG-1"]), conditions=["always"])]
    col.meds("valproate", "enzyme_inducer", key="current_meds")
    findings.extend(col.findings(warn_msg=ctx.rs.SAFETY["X-LTG-1-warn"]))
    return findings


def x_cbz_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    """Carbamazepine (when considered or taken): interactions, sodium, HLA-B*15:02."""
    c = ctx.clinical
    col = _Collector(ctx, "X-CBZ-1", option)
    # Enzyme inducer: DOAC levels fall below the effective range (avoid), warfarin needs INR
    # monitoring, clopidogrel activation is altered.
    col.meds("doac", level=BLOCK, key="cbz_doac")
    col.meds("vka", key="cbz_warfarin")
    col.meds("clopidogrel", key="cbz_clopidogrel")
    col.flag("hyponatremia")
    positive = c.data.get("hla_b1502_positive")
    if positive is True:
        col.cond("hla_b1502_positive", BLOCK)
    elif positive is None:
        ancestry = c.data.get("hla_b1502_risk_ancestry")
        if ancestry is None:
            col.need("hla_b1502_risk_ancestry")
        elif ancestry is True:
            # At-risk ancestry without a genotype result: screening is required first.
            col.need("hla_b1502_positive")
    return col.findings(
        warn_msg=ctx.rs.SAFETY["X-CBZ-1-warn"], extra={"source": ctx.rs.SAFETY_SOURCES["X-CBZ-1"]}
    )


def x_opi_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-OPI-1", option)
    col.flag("epilepsy_or_poststroke_seizures")
    col.meds("serotonergic", key="serotonergic")
    col.meds("gabapentinoid", "benzodiazepine", key="gabapentinoid_or_benzodiazepine")
    _age_at_least(col, ctx.rs.THRESHOLDS["older_adult_age"])
    col.flag("substance_use_disorder", level=BLOCK)
    return col.findings(block_msg=ctx.rs.SAFETY["X-OPI-1"])


def x_nsaid_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-NSAID-1", option)
    col.meds("anticoagulant", level=BLOCK, key="antithrombotic")
    col.meds("antiplatelet", key="antithrombotic")
    _renal_below(col, ctx.rs.THRESHOLDS["nsaid_min_egfr"], "egfr_low", BLOCK)
    col.flag("heart_failure")
    col.flag("uncontrolled_hypertension")
    col.flag("prior_gi_bleed", level=BLOCK)
    return col.findings(block_msg=ctx.rs.SAFETY["X-NSAID-1"])


def x_spas_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-SPAS-1", option)
    col.meds("strong_cyp1a2_inhibitor", level=BLOCK, key="tizanidine_cyp1a2")
    col.flag("hepatic_impairment")
    _renal_below(col, ctx.rs.THRESHOLDS["renal_impairment_crcl"], "renal_impairment", WARN)
    col.meds("cns_depressant", key="cns_depressants")
    return col.findings()


def x_rtms_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    col = _Collector(ctx, "X-RTMS-1", option)
    col.flag("implants_near_coil", level=BLOCK)
    col.flag("epilepsy_or_poststroke_seizures")
    return col.findings()


def x_gen_1(ctx: Context, option: str) -> list[dict[str, Any]]:
    return _suicide(ctx, "X-GEN-1", option)


def x_gen_2(ctx: Context, option: str) -> list[dict[str, Any]]:
    c = ctx.clinical
    if c.get("sex") == "male":
        return []
    col = _Collector(ctx, "X-GEN-2", option)
    col.flag("pregnancy_or_breastfeeding")
    return col.findings()


RULES: dict[str, Callable[[Context, str], list[dict[str, Any]]]] = {
    "X-TCA-1": x_tca_1,
    "X-TCA-2": x_tca_2,
    "X-TCA-3": x_tca_3,
    "X-TCA-4": x_tca_4,
    "X-TCA-5": x_tca_5,
    "X-GABA-1": x_gaba_1,
    "X-GABA-2": x_gaba_2,
    "X-GABA-3": x_gaba_3,
    "X-SNRI-1": x_snri_1,
    "X-SNRI-2": x_snri_2,
    "X-SNRI-3": x_snri_3,
    "X-SNRI-4": x_snri_4,
    "X-LTG-1": x_ltg_1,
    "X-CBZ-1": x_cbz_1,
    "X-OPI-1": x_opi_1,
    "X-NSAID-1": x_nsaid_1,
    "X-SPAS-1": x_spas_1,
    "X-RTMS-1": x_rtms_1,
    "X-GEN-1": x_gen_1,
    "X-GEN-2": x_gen_2,
}


def check_option(ctx: Context, option: str, rule_ids: list[str]) -> list[dict[str, Any]]:
    """All findings of the X rules `rule_ids` for `option`, most severe first."""
    findings: list[dict[str, Any]] = []
    for rule_id in rule_ids:
        findings.extend(RULES[rule_id](ctx, option))
    findings.sort(key=lambda f: LEVELS.index(f["level"]))
    return findings
