# ruff: noqa: E501 - bilingual clinical text data; long strings are kept whole for review.
"""Rule set 2026.2: thresholds, texts, options and citations of spec §A/§C (bilingual data).

2026.2 (2026-11-23) adds the safety rule X-CBZ-1 (carbamazepine) and its inputs
(`considered_drugs`, `hla_b1502_risk_ancestry`, `hla_b1502_positive`); evaluations stored
as 2026.1 were made without it. Everything else is as in 2026.1.

Texts are {"en": ..., "ru": ...}. Doses are reference values for the physician (spec §C.11),
to be checked against the Russian labels (ГРЛС) before release.
"""

from __future__ import annotations

from typing import Any

VERSION = "2026.2"


def tr(en: str, ru: str) -> dict[str, str]:
    return {"en": en, "ru": ru}


# ---------------------------------------------------------------------------------------------
# Thresholds (spec §A.5, §C.3, §C.8). Lower bounds, inclusive.
# ---------------------------------------------------------------------------------------------
THRESHOLDS: dict[str, Any] = {
    "nrs_bands": [(0, "none"), (1, "mild"), (4, "moderate"), (7, "severe")],
    "vas_bands": [(0, "none"), (1, "mild"), (35, "moderate"), (75, "severe")],
    "painad_bands": [(0, "none"), (1, "mild"), (4, "moderate"), (7, "severe")],
    "ncsr_bands": [(0, "below_cutoff"), (4, "possible_pain")],
    "csi_bands": [
        (0, "subclinical"),
        (30, "mild"),
        (40, "moderate"),
        (50, "severe"),
        (60, "extreme"),
    ],
    "hads_bands": [(0, "normal"), (8, "borderline"), (11, "abnormal")],
    "dn4_cutoff": 4,
    "dn4_interview_cutoff": 3,
    "csi_high": 40,
    "csi_extreme": 60,
    "csi_max_missing": 2,
    "hads_max_missing": 1,
    "hads_possible": 8,
    "hads_probable": 11,
    "hads_stroke_note_min": 4,
    "chronic_months": 3,
    # Change rules (F-2, F-3, F-4, RF-8).
    "pain_minimal_pct": 10,
    "pain_moderate_pct": 30,
    "pain_moderate_points": 2,
    "pain_substantial_pct": 50,
    "pain_worsening_pct": 30,
    "pain_worsening_points": 2,
    "hads_mcid": 1.5,
    "csi_mdc": 10,
    # Safety (X rules).
    "tca_ecg_age": 40,
    "older_adult_age": 65,
    "recent_mi_recovery_days": 90,
    "qtc_prolonged_ms": {"male": 450, "female": 470, None: 450},
    "duloxetine_min_crcl": 30,
    "renal_impairment_crcl": 30,
    "nsaid_min_egfr": 30,
    "partial_response_pct": 30,
}

# Pregabalin (X-GABA-1) and gabapentin (X-GABA-2): (CrCl lower bound, min, max mg/day).
PREGABALIN_RENAL = [(60, 150, 600), (30, 75, 300), (15, 25, 150), (0, 25, 75)]
GABAPENTIN_RENAL = [(80, 900, 3600), (50, 600, 1800), (30, 300, 900), (15, 150, 600), (0, 150, 300)]

BAND_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "pain": {
        "none": tr("No pain", "Нет боли"),
        "mild": tr("Mild pain", "Слабая боль"),
        "moderate": tr("Moderate pain", "Умеренная боль"),
        "severe": tr("Severe pain", "Сильная боль"),
    },
    "csi": {
        "subclinical": tr("Subclinical", "Субклинический уровень"),
        "mild": tr("Mild", "Лёгкая степень"),
        "moderate": tr("Moderate", "Умеренная степень"),
        "severe": tr("Severe", "Выраженная степень"),
        "extreme": tr("Extreme", "Крайне выраженная степень"),
    },
    "hads": {
        "normal": tr("Normal (0–7)", "Норма (0–7)"),
        "borderline": tr(
            "Borderline, possible case (8–10)", "Субклинически выраженная, возможный случай (8–10)"
        ),
        "abnormal": tr(
            "Abnormal, probable case (11–21)", "Клинически выраженная, вероятный случай (11–21)"
        ),
    },
    "dn4": {
        "DN4_POS": tr(
            "Neuropathic component likely (DN4 ≥ 4)", "Вероятен нейропатический компонент (DN4 ≥ 4)"
        ),
        "DN4_INT_POS": tr(
            "Neuropathic component likely — provisional (DN4-interview ≥ 3, examination pending)",
            "Вероятен нейропатический компонент — предварительно (DN4-опрос ≥ 3, осмотр не выполнен)",
        ),
        "DN4_NEG": tr(
            "Below the cut-off (does not exclude neuropathic pain)",
            "Ниже порога (не исключает нейропатическую боль)",
        ),
    },
    "painad": {
        "none": tr("No pain behaviour", "Нет признаков боли"),
        "mild": tr("Mild pain", "Слабая боль"),
        "moderate": tr("Moderate pain", "Умеренная боль"),
        "severe": tr("Severe pain", "Сильная боль"),
    },
    "ncsr": {
        "below_cutoff": tr("Below the pain cut-off (< 4)", "Ниже порога боли (< 4)"),
        "possible_pain": tr("Possible pain (≥ 4)", "Возможна боль (≥ 4)"),
    },
}

# ---------------------------------------------------------------------------------------------
# Citations (spec §R). Ids are stable; the UI shows `text`.
# ---------------------------------------------------------------------------------------------
CITATIONS: dict[str, str] = {
    "bouhassira2005": "Bouhassira D. et al. Pain 2005;114:29–36 (DN4).",
    "finnerup2015": "Finnerup N.B. et al. Lancet Neurol 2015;14:162–173 (NeuPSIG pharmacotherapy of neuropathic pain).",
    "finnerup2016": "Finnerup N.B. et al. Pain 2016;157:1599–1606 (NeuPSIG grading system).",
    "neupsig2025": "NeuPSIG 2025 update of the neuropathic pain pharmacotherapy recommendations.",
    "aha2016": "Winstein C.J. et al. AHA/ASA Guidelines for Adult Stroke Rehabilitation and Recovery, Stroke 2016.",
    "canada2019": "Canadian Stroke Best Practice Recommendations: Rehabilitation, 2019 (central pain, shoulder pain).",
    "leijon1989": "Leijon G., Boivie J. Pain 1989;36:27–36 (amitriptyline in CPSP).",
    "vestergaard2001": "Vestergaard K. et al. Neurology 2001;56:184–190 (lamotrigine in CPSP).",
    "kim2011": "Kim J.S. et al. Pain 2011;152:1018–1023 (pregabalin in CPSP).",
    "kim2014": "Kim J.S. Pharmacological management of central post-stroke pain, 2014.",
    "klit2009": "Klit H., Finnerup N.B., Jensen T.S. Lancet Neurol 2009;8:857–868 (CPSP criteria).",
    "kosek2021": "Kosek E. et al. Pain 2021;162:2629–2634 (nociplastic pain clinical criteria).",
    "nice_ng193": "NICE NG193: Chronic pain (primary and secondary) in over 16s, 2021.",
    "nice_cg173": "NICE CG173: Neuropathic pain in adults: pharmacological management.",
    "neblett2013": "Neblett R. et al. J Pain 2013;14:438–445 (CSI cut-off 40).",
    "neblett2017": "Neblett R. et al. Pain Pract 2017;17:166–175 (CSI severity levels).",
    "adams2023": "Adams G.R. et al. Pain 2023;164:1222–1239 (CSI and psychological constructs).",
    "bakhtadze2021": "Бахтадзе М.А. и др. Российский журнал боли 2021 (CSI-RU validation, MDC 10).",
    "zigmond1983": "Zigmond A.S., Snaith R.P. Acta Psychiatr Scand 1983;67:361–370 (HADS).",
    "sagen2009": "Sagen U. et al. J Psychosom Res 2009 (HADS after stroke).",
    "kukshina2023": "Кукшина и др. Клиническая и специальная психология 2023 (HADS in motor impairment).",
    "puhan2008": "Puhan M.A. et al. Health Qual Life Outcomes 2008;6:46 (HADS MID).",
    "lemay2019": "Lemay K.R. et al. 2019 (HADS MCID 1.7).",
    "farrar2001": "Farrar J.T. et al. Pain 2001;94:149–158 (clinically important change in pain).",
    "dworkin2008": "Dworkin R.H. et al. J Pain 2008;9:105–121 (IMMPACT).",
    "dworkin2007": "Dworkin R.H. et al. Pain 2007;132:237–251 (NeuPSIG recommendations).",
    "boonstra2014": "Boonstra A.M. et al. Pain 2014;155:2545–2550 (VAS cut-offs).",
    "hl7eu_pain": "HL7 Europe score table PAIN (SNOMED CT interpretation codes).",
    "devries2016": "de Vries N.J. et al. Aphasiology 2016 (pain assessment in aphasia).",
    "lefaucheur2020": "Lefaucheur J.P. et al. Clin Neurophysiol 2020 (rTMS guidelines).",
    "gurdiel2024": "Gurdiel-Álvarez F. et al. 2024 (rTMS in CPSP, meta-analysis).",
    "klein2015": "Klein M.M. et al. 2015 (safety of rTMS).",
    "simpson2016": "Simpson D.M. et al. Neurology 2016 (AAN: botulinum neurotoxin for spasticity).",
    "caglar2016": "Caglar N.S. et al. 2016 (pain types in hemiplegia).",
    "cfp_dosing": "Canadian Family Physician: neuropathic pain drug dosing table.",
    "bmj_pract_neurol": "Practical Neurology (BMJ): neuropathic pain drugs table.",
    "pmc7807995": "Neuropathic pain pharmacotherapy review, Table 2 (PMC7807995).",
    "pmc7265598": "Gabapentin renal dosing table (PMC7265598).",
    "pregabalin_label": "Pregabalin prescribing information: renal dose table.",
    "beers2023": "American Geriatrics Society Beers Criteria, 2023.",
    "ssri_bleeding": "SSRI/SNRI with antiplatelets: bleeding and haemorrhagic stroke risk (AHA 2024 abstract).",
    "labels": "Product labels (check against the Russian labels, ГРЛС).",
    "local": "Design decision of the Lifeline clinical specification (LOCAL; clinical lead approval).",
}

# ---------------------------------------------------------------------------------------------
# Labels (M rules, S-6) and notes.
# ---------------------------------------------------------------------------------------------
LABELS: dict[str, dict[str, str]] = {
    "NO_CURRENT_PAIN": tr("No current pain", "Боли в настоящее время нет"),
    "NEURO_SCREEN_POSITIVE": tr(
        "Neuropathic screening positive", "Скрининг на нейропатическую боль положительный"
    ),
    "CPSP_possible": tr(
        "Central post-stroke pain: possible", "Центральная постинсультная боль: возможная"
    ),
    "CPSP_probable": tr(
        "Central post-stroke pain: probable", "Центральная постинсультная боль: вероятная"
    ),
    "CPSP_definite": tr(
        "Central post-stroke pain: definite", "Центральная постинсультная боль: достоверная"
    ),
    "NOCICEPTIVE": tr("Nociceptive pain", "Ноцицептивная боль"),
    "NOCIPLASTIC_POSSIBLE": tr("Nociplastic pain: possible", "Ноципластическая боль: возможная"),
    "NOCIPLASTIC_PROBABLE": tr("Nociplastic pain: probable", "Ноципластическая боль: вероятная"),
    "CPSP_HIGH_CS_BURDEN": tr(
        "CPSP with high central-sensitization symptom burden",
        "ЦПИБ с высокой выраженностью симптомов центральной сенситизации",
    ),
    "CSI_DISTRESS_NOTE": tr(
        "The CSI correlates strongly with psychological distress; interpret it together with HADS",
        "CSI тесно связан с психологическим дистрессом; интерпретируйте его вместе с HADS",
    ),
    "MIXED": tr("Mixed pain", "Смешанная боль"),
    "UNCLASSIFIED": tr(
        "Unclassified — clinical assessment needed",
        "Не классифицирована — требуется клиническая оценка",
    ),
    "ANXIETY_possible": tr("Anxiety: possible (HADS-A 8–10)", "Тревога: возможная (HADS-A 8–10)"),
    "ANXIETY_probable": tr("Anxiety: probable (HADS-A ≥ 11)", "Тревога: вероятная (HADS-A ≥ 11)"),
    "DEPRESSION_possible": tr(
        "Depression: possible (HADS-D 8–10)", "Депрессия: возможная (HADS-D 8–10)"
    ),
    "DEPRESSION_probable": tr(
        "Depression: probable (HADS-D ≥ 11)", "Депрессия: вероятная (HADS-D ≥ 11)"
    ),
    "VALIDITY_LIMITED": tr(
        "Self-report validity limited: self-reported scores need the clinician's judgment",
        "Достоверность самоотчёта ограничена: оценки по самоотчёту требуют суждения врача",
    ),
}
SUBTYPE_LABELS: dict[str, dict[str, str]] = {
    "HSP": tr("hemiplegic shoulder pain", "гемиплегическая боль в плече"),
    "spasticity": tr("painful spasticity", "болезненная спастичность"),
    "musculoskeletal": tr("musculoskeletal", "скелетно-мышечная"),
    "headache": tr("headache", "головная боль"),
    "CRPS_suspected": tr(
        "CRPS suspected — assess the Budapest criteria",
        "подозрение на КРБС — оцените Будапештские критерии",
    ),
}
SUBACUTE_PREFIX = tr("subacute – provisional", "подострая – предварительно")
PROVISIONAL = tr("provisional", "предварительно")

NOTES: dict[str, dict[str, str]] = {
    "S-5": tr(
        "Below the standard cut-off; stroke studies suggest lower cut-offs — consider a clinical interview",
        "Ниже стандартного порога; исследования после инсульта предлагают более низкие пороги — рассмотрите клиническое интервью",
    ),
    "S-6": tr(
        "Validity limited: the patient cannot self-report reliably",
        "Достоверность ограничена: пациент не может надёжно оценивать своё состояние",
    ),
    "proxy": tr(
        "Answered by a caregiver: this self-report scale is not validated for proxy answers",
        "Ответы дал ухаживающий: шкала самооценки не валидирована для ответов третьих лиц",
    ),
    "csi_prorated": tr(
        "Prorated, non-standard (≤ 2 items missing)",
        "Пересчитано по среднему, нестандартно (пропущено ≤ 2 пунктов)",
    ),
    "hads_prorated": tr(
        "Prorated (1 item missing): sum × 7/6", "Пересчитано (пропущен 1 пункт): сумма × 7/6"
    ),
    "csi_stroke_confounded": tr(
        "Items likely raised by stroke sequelae (information only)",
        "Пункты, вероятно завышенные последствиями инсульта (только для сведения)",
    ),
    "csi_construct": tr(
        "CSI ≥ 40 is a symptom-burden flag, not proof of central sensitization",
        "CSI ≥ 40 — маркер выраженности симптомов, а не доказательство центральной сенситизации",
    ),
    "dn4_exam_missing": tr(
        "Examination items 8–10 missing: DN4-interview only (provisional)",
        "Пункты осмотра 8–10 не заполнены: только DN4-опрос (предварительно)",
    ),
    "dn4_not_scorable": tr(
        "Interview items 1–7 incomplete: DN4 not scorable",
        "Пункты опроса 1–7 заполнены не полностью: DN4 не рассчитывается",
    ),
    "not_scorable": tr(
        "Too many items missing: not scored", "Слишком много пропущенных пунктов: не рассчитывается"
    ),
}

# ---------------------------------------------------------------------------------------------
# Red flags (spec §C.7).
# ---------------------------------------------------------------------------------------------
RED_FLAGS: dict[str, dict[str, Any]] = {
    "RF-1": {
        "severity": "emergency",
        "message": tr(
            "Emergency: urgent medical assessment — possible recurrent stroke or haemorrhage",
            "Неотложно: срочная медицинская оценка — возможен повторный инсульт или кровоизлияние",
        ),
        "citations": ["local"],
    },
    "RF-2": {
        "severity": "urgent",
        "message": tr(
            "Urgent review: DVT, infection or CRPS", "Срочный осмотр: ТГВ, инфекция или КРБС"
        ),
        "citations": ["canada2019"],
    },
    "RF-3": {
        "severity": "urgent",
        "message": tr(
            "Imaging: fracture or shoulder dislocation", "Визуализация: перелом или вывих плеча"
        ),
        "citations": ["local"],
    },
    "RF-4": {
        "severity": "urgent",
        "message": tr(
            "Investigate secondary causes of pain", "Обследуйте на вторичные причины боли"
        ),
        "citations": ["nice_ng193"],
    },
    "RF-5": {
        "severity": "emergency",
        "message": tr(
            "Suicidal thoughts or self-harm: same-day psychiatric evaluation / crisis pathway",
            "Суицидальные мысли или самоповреждение: психиатрическая оценка в тот же день / кризисный маршрут",
        ),
        "citations": ["local"],
    },
    "RF-6": {
        "severity": "routine",
        "message": tr(
            "Recommend referral to a psychiatrist or clinical psychologist (within weeks)",
            "Рекомендуйте направление к психиатру или клиническому психологу (в течение нескольких недель)",
        ),
        "citations": ["zigmond1983", "local"],
    },
    "RF-7": {
        "severity": "routine",
        "message": tr(
            "Suggest a psychologist (CBT/ACT)", "Предложите консультацию психолога (КПТ/ACT)"
        ),
        "citations": ["nice_ng193", "local"],
    },
    "RF-8": {
        "severity": "soon",
        "message": tr(
            "Pain worsening or new pain location: clinician review within 1 week",
            "Усиление боли или новая локализация: осмотр врача в течение 1 недели",
        ),
        "citations": ["farrar2001", "local"],
    },
    "RF-9": {
        "severity": "urgent",
        "message": tr(
            "Adverse effects reported: alert the treating clinician",
            "Сообщено о нежелательных явлениях: уведомите лечащего врача",
        ),
        "citations": ["labels"],
    },
    "RF-9-rash": {
        "severity": "emergency",
        "message": tr(
            "Rash on lamotrigine: stop lamotrigine and review urgently",
            "Сыпь на фоне ламотриджина: отмените ламотриджин и срочно осмотрите пациента",
        ),
        "citations": ["labels"],
    },
    "RF-10": {
        "severity": "routine",
        "message": tr(
            "Refer to a specialist pain service",
            "Направьте в специализированную противоболевую службу",
        ),
        "citations": ["nice_cg173"],
    },
    "RF-11": {
        "severity": "routine",
        "message": tr(
            "Switch to an observational or proxy assessment (PAINAD, NCS-R); self-report validity limited",
            "Перейдите к наблюдательной шкале или оценке со слов близких (PAINAD, NCS-R); достоверность самоотчёта ограничена",
        ),
        "citations": ["devries2016"],
    },
}
EMERGENCY_BANNER_RULES = ("RF-1", "RF-2", "RF-3", "RF-4", "RF-5")
SUPPRESSING_RULES = ("RF-1",)

# ---------------------------------------------------------------------------------------------
# Follow-up (spec §C.8).
# ---------------------------------------------------------------------------------------------
FOLLOW_UP: dict[str, dict[str, str]] = {
    "reassess-pain": tr(
        "Reassess pain (NRS) in 4–8 weeks", "Повторная оценка боли (ЧРШ) через 4–8 недель"
    ),
    "reassess-hads": tr(
        "Repeat HADS in 2–4 weeks with a clinical interview",
        "Повторите HADS через 2–4 недели с клиническим интервью",
    ),
    "reassess-hads-routine": tr("Repeat HADS in 3 months", "Повторите HADS через 3 месяца"),
    "reassess-csi": tr("Repeat CSI in 3–6 months", "Повторите CSI через 3–6 месяцев"),
    "dn4-confirm": tr(
        "Confirm the patient-entered DN4 interview items 1–7 before they count",
        "Подтвердите введённые пациентом пункты опроса DN4 1–7, чтобы они учитывались",
    ),
    "dn4-exam": tr(
        "Complete the DN4 examination (items 8–10: touch, pinprick, brushing)",
        "Выполните осмотр по DN4 (пункты 8–10: касание, укол, кисточка)",
    ),
    "tolerability-check": tr(
        "Tolerability check 2 weeks after the drug start",
        "Оценка переносимости через 2 недели после начала препарата",
    ),
    "efficacy-decision": tr(
        "Efficacy decision 4–8 weeks after the drug start",
        "Решение об эффективности через 4–8 недель после начала препарата",
    ),
    "clinician-review": tr("Clinician review within 1 week", "Осмотр врача в течение 1 недели"),
    "dn4-reexamine": tr(
        "DN4 status changed: re-examine", "Изменился результат DN4: повторите осмотр"
    ),
    "pain-improvement-minimal": tr(
        "Minimal improvement (10–20 %)", "Минимальное улучшение (10–20 %)"
    ),
    "pain-improvement-moderate": tr(
        "Clinically important improvement (≥ 30 % and ≥ 2 points)",
        "Клинически значимое улучшение (≥ 30 % и ≥ 2 балла)",
    ),
    "pain-improvement-substantial": tr(
        "Substantial improvement (≥ 50 %)", "Существенное улучшение (≥ 50 %)"
    ),
    "pain-worsening": tr("Worsening (≥ 30 % or ≥ 2 points)", "Ухудшение (≥ 30 % или ≥ 2 балла)"),
    "pain-no-important-change": tr("No important change", "Нет значимых изменений"),
    "hads-important-change": tr(
        "Important change (≥ 1.5 points)", "Значимое изменение (≥ 1,5 балла)"
    ),
    "hads-no-important-change": tr(
        "Change below the important threshold", "Изменение ниже порога значимости"
    ),
    "csi-real-change": tr(
        "Change beyond measurement error (≥ 10)", "Изменение больше ошибки измерения (≥ 10)"
    ),
    "csi-within-error": tr("Within measurement error (< 10)", "В пределах ошибки измерения (< 10)"),
}

# ---------------------------------------------------------------------------------------------
# Treatment options (spec §C.5, §C.11). `kind`: option | avoid.
# `cpsp_rank`: sort key within T-1 (CPSP-specific evidence first).
# `safety`: the X rules that apply to the option.
# ---------------------------------------------------------------------------------------------
OPTIONS: dict[str, dict[str, Any]] = {
    # T-0 -----------------------------------------------------------------------------------
    "self-management-plan": {
        "rule_id": "T-0",
        "line": "general",
        "category": "non_drug",
        "evidence_tag": "E3",
        "source_grade": "NICE NG193 principles; LOCAL",
        "citations": ["nice_ng193", "local"],
        "title": tr("Pain education and self-management plan", "Обучение и план самоконтроля боли"),
        "text": tr(
            "Pain education and self-management; graded physical activity and rehabilitation within tolerance; sleep review; review of current analgesics (ineffective drugs, overuse); shared decision-making; reassess in 4–8 weeks.",
            "Обучение и самоконтроль боли; дозированная физическая активность и реабилитация в пределах переносимости; оценка сна; пересмотр текущих анальгетиков (неэффективные препараты, злоупотребление); совместное принятие решений; повторная оценка через 4–8 недель.",
        ),
    },
    # T-1 -----------------------------------------------------------------------------------
    "amitriptyline": {
        "rule_id": "T-1a",
        "line": "first",
        "category": "drug",
        "drug_class": "tca",
        "atc": "N06AA09",
        "evidence_tag": "E2",
        "source_grade": "AHA/ASA 2016 Class IIa, LOE B; NeuPSIG 2015 strong (TCA, NNT 3.6); Canadian 2019 second-line, Level C",
        "citations": ["leijon1989", "aha2016", "finnerup2015", "canada2019"],
        "cpsp_rank": 1,
        "safety": ["X-TCA-1", "X-TCA-2", "X-TCA-3", "X-TCA-4", "X-TCA-5", "X-GEN-1", "X-GEN-2"],
        "title": tr("Amitriptyline", "Амитриптилин"),
        "text": tr(
            "Start 10 mg at night (5–10 mg if frail or elderly), increase by about 10 mg/week; usual 25–75 mg/day. The CPSP RCT used 75 mg. Trial 6–8 weeks, at least 2 at the highest tolerated dose.",
            "Начало 10 мг на ночь (5–10 мг у ослабленных и пожилых), увеличение примерно на 10 мг в неделю; обычно 25–75 мг/сут. В РКИ при ЦПИБ применяли 75 мг. Длительность пробной терапии 6–8 недель, из них не менее 2 на максимально переносимой дозе.",
        ),
    },
    "pregabalin": {
        "rule_id": "T-1b",
        "line": "first",
        "category": "drug",
        "drug_class": "gabapentinoid",
        "atc": "N03AX16",
        "evidence_tag": "E2",
        "source_grade": "NeuPSIG 2015 strong, first-line; Canadian 2019 first-line, Level C; CPSP RCT (Kim 2011) primary endpoint negative",
        "citations": ["finnerup2015", "kim2011", "canada2019"],
        "cpsp_rank": 2,
        "safety": ["X-GABA-1", "X-GABA-3", "X-GEN-1", "X-GEN-2"],
        "title": tr("Pregabalin", "Прегабалин"),
        "text": tr(
            "150–600 mg/day in 2 doses; start 75 mg at night or 75 mg twice daily, +75 mg every 3–7 days; renal limits per X-GABA-1. Consider it when anxiety or sleep disturbance is prominent. Trial 4–8 weeks.",
            "150–600 мг/сут в 2 приёма; начало 75 мг на ночь или 75 мг 2 раза в сутки, увеличение на 75 мг каждые 3–7 дней; ограничения при нарушении функции почек — X-GABA-1. Предпочтителен при выраженной тревоге или нарушениях сна. Пробная терапия 4–8 недель.",
        ),
    },
    "gabapentin": {
        "rule_id": "T-1b",
        "line": "first",
        "category": "drug",
        "drug_class": "gabapentinoid",
        "atc": "N03AX12",
        "evidence_tag": "E3",
        "source_grade": "NeuPSIG 2015 strong for neuropathic pain; no CPSP RCT",
        "citations": ["finnerup2015", "kim2014"],
        "cpsp_rank": 5,
        "safety": ["X-GABA-2", "X-GABA-3", "X-GEN-1", "X-GEN-2"],
        "title": tr("Gabapentin", "Габапентин"),
        "text": tr(
            "1200–3600 mg/day in 3 doses; start 100–300 mg at night, +100–300 mg every 1–7 days (slow titration). Trial 4–8 weeks.",
            "1200–3600 мг/сут в 3 приёма; начало 100–300 мг на ночь, увеличение на 100–300 мг каждые 1–7 дней (медленное титрование). Пробная терапия 4–8 недель.",
        ),
    },
    "duloxetine": {
        "rule_id": "T-1c",
        "line": "first",
        "category": "drug",
        "drug_class": "snri",
        "atc": "N06AX21",
        "evidence_tag": "E3",
        "source_grade": "NeuPSIG 2015 SNRIs strong (NNT 6.4); Canadian 2019 second-line, Level C; no positive CPSP RCT",
        "citations": ["finnerup2015", "canada2019"],
        "cpsp_rank": 4,
        "safety": ["X-SNRI-1", "X-SNRI-3", "X-SNRI-4", "X-GEN-1", "X-GEN-2"],
        "title": tr("Duloxetine", "Дулоксетин"),
        "text": tr(
            "60–120 mg/day; start 30 mg with food, 60 mg after 1 week. Consider it when HADS-D ≥ 8 (may act on pain and mood). Trial 4–8 weeks.",
            "60–120 мг/сут; начало 30 мг во время еды, через 1 неделю 60 мг. Рассмотрите при HADS-D ≥ 8 (возможное действие на боль и настроение). Пробная терапия 4–8 недель.",
        ),
    },
    "venlafaxine": {
        "rule_id": "T-1c",
        "line": "first",
        "category": "drug",
        "drug_class": "snri",
        "atc": "N06AX16",
        "evidence_tag": "E3",
        "source_grade": "NeuPSIG 2015 SNRIs strong (NNT 6.4); no CPSP RCT",
        "citations": ["finnerup2015", "cfp_dosing"],
        "cpsp_rank": 6,
        "safety": ["X-SNRI-2", "X-SNRI-3", "X-SNRI-4", "X-GEN-1", "X-GEN-2"],
        "title": tr("Venlafaxine ER", "Венлафаксин пролонгированного действия"),
        "text": tr(
            "150–225 mg/day; start 37.5 mg, +37.5 mg/week. Consider it when HADS-D ≥ 8. Trial 4–8 weeks.",
            "150–225 мг/сут; начало 37,5 мг, увеличение на 37,5 мг в неделю. Рассмотрите при HADS-D ≥ 8. Пробная терапия 4–8 недель.",
        ),
    },
    "lamotrigine": {
        "rule_id": "T-1d",
        "line": "first",
        "category": "drug",
        "drug_class": "lamotrigine",
        "atc": "N03AX09",
        "evidence_tag": "E3",
        "source_grade": "AHA/ASA 2016 Class IIa, LOE B; CPSP RCT (Vestergaard 2001); not recommended by NeuPSIG for neuropathic pain in general",
        "citations": ["vestergaard2001", "aha2016", "kim2014"],
        "cpsp_rank": 3,
        "safety": ["X-LTG-1", "X-GEN-1", "X-GEN-2"],
        "title": tr("Lamotrigine", "Ламотриджин"),
        "text": tr(
            "Target about 200 mg/day with the label titration (very slow, about 2-week steps; rash risk), as an alternative or add-on.",
            "Целевая доза около 200 мг/сут с титрованием по инструкции (очень медленно, шаги около 2 недель; риск сыпи), как альтернатива или дополнение.",
        ),
    },
    "switch-or-combine": {
        "rule_id": "T-1e",
        "line": "second",
        "category": "drug",
        "evidence_tag": "E3",
        "source_grade": "NeuPSIG 2015/2025; NICE CG173",
        "citations": ["finnerup2015", "neupsig2025", "nice_cg173"],
        "safety": ["X-GEN-2"],
        "title": tr("Switch class or combine", "Смена класса или комбинация"),
        "text": tr(
            "Partial response (< 30 %) to a tolerated first-line class at an adequate dose and duration: switch class, or combine (e.g. gabapentinoid + TCA/SNRI) with a safety re-check.",
            "Частичный ответ (< 30 %) на переносимый препарат первой линии в адекватной дозе и длительности: смена класса или комбинация (например, габапентиноид + ТЦА/ИОЗСН) с повторной проверкой безопасности.",
        ),
    },
    "tramadol-opioids": {
        "rule_id": "T-1f",
        "line": "third",
        "category": "drug",
        "drug_class": "opioid",
        "atc": "N02AX02",
        "evidence_tag": "E3",
        "source_grade": "Canadian 2019 Level C (resistant cases); NeuPSIG 2025 third-line, weak",
        "citations": ["canada2019", "neupsig2025"],
        "safety": ["X-OPI-1", "X-GEN-2"],
        "title": tr(
            "Tramadol or strong opioids (specialist only)",
            "Трамадол или сильные опиоиды (только специалист)",
        ),
        "text": tr(
            "Third line after ≥ 2 failed first-line classes; specialist-only, with a dependence-risk assessment. Tramadol 200–400 mg/day per label.",
            "Третья линия после неэффективности ≥ 2 классов первой линии; только специалистом, с оценкой риска зависимости. Трамадол 200–400 мг/сут по инструкции.",
        ),
    },
    # T-1g / T-1h: not for CPSP ----------------------------------------------------------------
    "lidocaine-5-plaster": {
        "rule_id": "T-1g",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E1",
        "source_grade": "NeuPSIG 2015 Table 3: peripheral neuropathic pain only",
        "citations": ["finnerup2015"],
        "title": tr("Lidocaine 5 % plaster", "Пластырь с лидокаином 5 %"),
        "text": tr(
            "Not for CPSP: for peripheral neuropathic pain only.",
            "Не при ЦПИБ: только при периферической нейропатической боли.",
        ),
    },
    "capsaicin-8-patch": {
        "rule_id": "T-1g",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E1",
        "source_grade": "NeuPSIG 2015 Table 3: peripheral neuropathic pain only",
        "citations": ["finnerup2015"],
        "title": tr("Capsaicin 8 % patch", "Пластырь с капсаицином 8 %"),
        "text": tr(
            "Not for CPSP: for peripheral neuropathic pain only.",
            "Не при ЦПИБ: только при периферической нейропатической боли.",
        ),
    },
    "botulinum-toxin-a-for-cpsp": {
        "rule_id": "T-1g",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E1",
        "source_grade": "NeuPSIG 2015 Table 3: peripheral neuropathic pain only",
        "citations": ["finnerup2015"],
        "title": tr("Botulinum toxin A for CPSP", "Ботулинический токсин типа А при ЦПИБ"),
        "text": tr(
            "Not for CPSP (peripheral neuropathic pain only); for spasticity or shoulder pain see T-3/T-4.",
            "Не при ЦПИБ (только периферическая нейропатическая боль); при спастичности или боли в плече см. T-3/T-4.",
        ),
    },
    "levetiracetam": {
        "rule_id": "T-1h",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E1",
        "source_grade": "NeuPSIG 2015: strong against",
        "citations": ["finnerup2015"],
        "title": tr("Levetiracetam", "Леветирацетам"),
        "text": tr(
            "Do not use for CPSP (NeuPSIG strong recommendation against).",
            "Не применять при ЦПИБ (NeuPSIG: строгая рекомендация против).",
        ),
    },
    "mexiletine": {
        "rule_id": "T-1h",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E1",
        "source_grade": "NeuPSIG 2015: strong against",
        "citations": ["finnerup2015"],
        "title": tr("Mexiletine", "Мексилетин"),
        "text": tr(
            "Do not use for CPSP (NeuPSIG strong recommendation against).",
            "Не применять при ЦПИБ (NeuPSIG: строгая рекомендация против).",
        ),
    },
    "cannabinoids": {
        "rule_id": "T-1h",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E3",
        "source_grade": "NeuPSIG 2015: weak against",
        "citations": ["finnerup2015"],
        "title": tr("Cannabinoids", "Каннабиноиды"),
        "text": tr(
            "Not suggested for CPSP (NeuPSIG weak recommendation against).",
            "Не предлагаются при ЦПИБ (NeuPSIG: слабая рекомендация против).",
        ),
    },
    "valproate": {
        "rule_id": "T-1h",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E3",
        "source_grade": "NeuPSIG 2015: weak against",
        "citations": ["finnerup2015"],
        "title": tr("Valproate", "Вальпроаты"),
        "text": tr(
            "Not suggested for CPSP (NeuPSIG weak recommendation against).",
            "Не предлагаются при ЦПИБ (NeuPSIG: слабая рекомендация против).",
        ),
    },
    "carbamazepine": {
        "rule_id": "T-1h",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E3",
        "source_grade": "Not effective in the CPSP RCT; an RCT favoured pregabalin",
        "citations": ["leijon1989", "finnerup2015"],
        "title": tr("Carbamazepine", "Карбамазепин"),
        "atc": "N03AF01",
        # Checked when the clinician considers it or the patient takes it (X-CBZ-1).
        "safety": ["X-CBZ-1", "X-GEN-1", "X-GEN-2"],
        "text": tr(
            "Not first-line for CPSP; if considered, check X-CBZ-1 (enzyme inducer, hyponatraemia, HLA-B*15:02).",
            "Не является препаратом первой линии при ЦПИБ; если рассматривается — проверьте X-CBZ-1 (индуктор ферментов, гипонатриемия, HLA-B*15:02).",
        ),
    },
    # T-2 -----------------------------------------------------------------------------------
    "pain-centre-referral": {
        "rule_id": "T-2",
        "line": "specialist",
        "category": "referral",
        "evidence_tag": "E3",
        "source_grade": "NeuPSIG 2025; AHA/ASA 2016",
        "citations": ["neupsig2025", "aha2016"],
        "title": tr("Refer to a pain centre", "Направление в центр лечения боли"),
        "text": tr(
            "Refractory CPSP (≥ 2 adequate trials failed or intolerable side effects): refer to a pain centre.",
            "Рефрактерная ЦПИБ (≥ 2 адекватных курса неэффективны или непереносимы): направьте в центр лечения боли.",
        ),
    },
    "hf-rtms-m1": {
        "rule_id": "T-2",
        "line": "specialist",
        "category": "procedure",
        "evidence_tag": "E2",
        "source_grade": "Lefaucheur 2020 (HF-rTMS M1); NeuPSIG 2025 third-line, weak; CPSP meta-analysis low-quality evidence",
        "citations": ["lefaucheur2020", "neupsig2025", "gurdiel2024"],
        "safety": ["X-RTMS-1"],
        "title": tr(
            "HF-rTMS of M1 contralateral to the pain", "ВЧ-рТМС моторной коры контралатерально боли"
        ),
        "text": tr(
            "At a pain centre; repeated sessions.", "В центре лечения боли; повторные курсы."
        ),
    },
    "motor-cortex-stimulation": {
        "rule_id": "T-2",
        "line": "specialist",
        "category": "procedure",
        "evidence_tag": "E3",
        "source_grade": "AHA/ASA 2016 Class IIb, LOE B",
        "citations": ["aha2016"],
        "safety": ["X-RTMS-1"],
        "title": tr("Motor cortex stimulation", "Стимуляция моторной коры"),
        "text": tr(
            "In carefully selected patients at a specialist centre.",
            "У тщательно отобранных пациентов в специализированном центре.",
        ),
    },
    "dbs-for-cpsp": {
        "rule_id": "T-2",
        "kind": "avoid",
        "line": "avoid",
        "category": "procedure",
        "evidence_tag": "E3",
        "source_grade": "AHA/ASA 2016 Class III, LOE B",
        "citations": ["aha2016"],
        "title": tr("Deep brain stimulation", "Глубокая стимуляция мозга"),
        "text": tr("Not recommended for CPSP.", "Не рекомендуется при ЦПИБ."),
    },
    "tens-for-cpsp": {
        "rule_id": "T-7",
        "kind": "avoid",
        "line": "avoid",
        "category": "non_drug",
        "evidence_tag": "E3",
        "source_grade": "AHA/ASA 2016 Class III, LOE B",
        "citations": ["aha2016"],
        "title": tr("TENS", "ЧЭНС"),
        "text": tr("Not recommended for CPSP.", "Не рекомендуется при ЦПИБ."),
    },
    # T-3: hemiplegic shoulder pain ---------------------------------------------------------
    "hsp-positioning": {
        "rule_id": "T-3",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E2",
        "source_grade": "Canadian 2019: positioning Level B/C; overhead pulleys Level A against",
        "citations": ["canada2019"],
        "title": tr("Shoulder positioning and protection", "Позиционирование и защита плеча"),
        "text": tr(
            "Support the arm at rest and in mobility; avoid pulling on the arm; no overhead pulleys; no passive motion beyond 90° flexion/abduction unless the scapula is upwardly rotated.",
            "Поддержка руки в покое и при перемещении; не тянуть за руку; не использовать блоки над головой; пассивные движения не более 90° сгибания/отведения, если лопатка не ротирована кверху.",
        ),
    },
    "hsp-physiotherapy": {
        "rule_id": "T-3",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E2",
        "source_grade": "Canadian 2019: electrical stimulation Level B",
        "citations": ["canada2019"],
        "title": tr(
            "Range of motion, physiotherapy, electrical stimulation",
            "Разработка движений, ЛФК, электростимуляция",
        ),
        "text": tr(
            "ROM exercises and physiotherapy; electrical stimulation if the arm is flaccid.",
            "Упражнения на объём движений и ЛФК; электростимуляция при вялом парезе руки.",
        ),
    },
    "botulinum-toxin-a-shoulder": {
        "rule_id": "T-3",
        "line": "procedure",
        "category": "procedure",
        "evidence_tag": "E2",
        "source_grade": "AHA/ASA 2016 (class/LOE to verify)",
        "citations": ["aha2016"],
        "safety": ["X-GEN-2"],
        "title": tr(
            "Botulinum toxin A (subscapularis/pectoralis)",
            "Ботулинический токсин типа А (подлопаточная/большая грудная мышца)",
        ),
        "text": tr(
            "If spasticity contributes to the shoulder pain.",
            "Если спастичность участвует в боли в плече.",
        ),
    },
    "suprascapular-nerve-block": {
        "rule_id": "T-3",
        "line": "procedure",
        "category": "procedure",
        "evidence_tag": "E3",
        "source_grade": "AHA/ASA 2016 (class/LOE to verify)",
        "citations": ["aha2016"],
        "title": tr("Suprascapular nerve block", "Блокада надлопаточного нерва"),
        "text": tr(
            "For persistent hemiplegic shoulder pain.", "При стойкой гемиплегической боли в плече."
        ),
    },
    "intra-articular-corticosteroid": {
        "rule_id": "T-3",
        "line": "procedure",
        "category": "procedure",
        "evidence_tag": "E3",
        "source_grade": "AHA/ASA 2016 (class/LOE to verify)",
        "citations": ["aha2016"],
        "title": tr("Intra-articular corticosteroid", "Внутрисуставное введение глюкокортикоида"),
        "text": tr("If the joint is inflamed.", "При воспалении сустава."),
    },
    "paracetamol": {
        "rule_id": "T-3",
        "line": "first",
        "category": "drug",
        "drug_class": "paracetamol",
        "atc": "N02BE01",
        "evidence_tag": "E3",
        "source_grade": "Canadian 2019",
        "citations": ["canada2019"],
        "safety": ["X-GEN-2"],
        "title": tr("Paracetamol", "Парацетамол"),
        "text": tr(
            "First analgesic for nociceptive shoulder pain.",
            "Анальгетик первого выбора при ноцицептивной боли в плече.",
        ),
    },
    "nsaid-short-term": {
        "rule_id": "T-3",
        "line": "second",
        "category": "drug",
        "drug_class": "nsaid",
        "evidence_tag": "E3",
        "source_grade": "Canadian 2019",
        "citations": ["canada2019"],
        "safety": ["X-NSAID-1", "X-GEN-2"],
        "title": tr("NSAID, short term", "НПВП коротким курсом"),
        "text": tr(
            "Short term only; prefer a topical NSAID after stroke.",
            "Только коротким курсом; после инсульта предпочтительны местные НПВП.",
        ),
    },
    # T-4: spasticity -----------------------------------------------------------------------
    "spasticity-physical": {
        "rule_id": "T-4",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E3",
        "source_grade": "Consensus",
        "citations": ["simpson2016"],
        "title": tr(
            "Stretching, positioning, splinting", "Растяжение, позиционирование, ортезирование"
        ),
        "text": tr(
            "Daily stretching, positioning and splinting.",
            "Ежедневное растяжение, позиционирование и ортезирование.",
        ),
    },
    "botulinum-toxin-a-spasticity": {
        "rule_id": "T-4",
        "line": "first",
        "category": "procedure",
        "evidence_tag": "E1",
        "source_grade": "AAN 2016 (Simpson et al.) Level A",
        "citations": ["simpson2016"],
        "safety": ["X-GEN-2"],
        "title": tr(
            "Botulinum toxin A for focal spasticity",
            "Ботулинический токсин типа А при фокальной спастичности",
        ),
        "text": tr(
            "For focal upper-limb spasticity contributing to pain.",
            "При фокальной спастичности верхней конечности, участвующей в боли.",
        ),
    },
    "oral-antispasticity": {
        "rule_id": "T-4",
        "line": "second",
        "category": "drug",
        "drug_class": "antispasticity",
        "evidence_tag": "E3",
        "source_grade": "Labels",
        "citations": ["labels"],
        "safety": ["X-SPAS-1", "X-GEN-2"],
        "title": tr(
            "Oral antispasticity agents (baclofen, tizanidine, dantrolene)",
            "Пероральные антиспастические средства (баклофен, тизанидин, дантролен)",
        ),
        "text": tr("For generalised spasticity.", "При генерализованной спастичности."),
    },
    # T-5: nociplastic component -------------------------------------------------------------
    "graded-exercise": {
        "rule_id": "T-5",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E2",
        "source_grade": "NICE NG193 2021",
        "citations": ["nice_ng193"],
        "title": tr("Supervised graded exercise", "Дозированные упражнения под контролем"),
        "text": tr(
            "Supervised, graded exercise programme.",
            "Программа дозированных упражнений под контролем специалиста.",
        ),
    },
    "pain-neuroscience-education": {
        "rule_id": "T-5",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E2",
        "source_grade": "NICE NG193 2021",
        "citations": ["nice_ng193"],
        "title": tr("Pain neuroscience education", "Нейробиологическое обучение о боли"),
        "text": tr(
            "Explain pain mechanisms and self-management.",
            "Объяснение механизмов боли и методов самопомощи.",
        ),
    },
    "cbt-act": {
        "rule_id": "T-5",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E2",
        "source_grade": "NICE NG193 2021",
        "citations": ["nice_ng193"],
        "title": tr("CBT or ACT", "КПТ или терапия принятия и ответственности"),
        "text": tr(
            "Psychological therapy for chronic pain; sleep interventions.",
            "Психотерапия хронической боли; коррекция сна.",
        ),
    },
    "acupuncture-single-course": {
        "rule_id": "T-5",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E3",
        "source_grade": "NICE NG193 2021",
        "citations": ["nice_ng193"],
        "title": tr("Acupuncture (single course)", "Акупунктура (один курс)"),
        "text": tr(
            "May be considered for the nociplastic component.",
            "Может быть рассмотрена при ноципластическом компоненте.",
        ),
    },
    "antidepressant-nociplastic": {
        "rule_id": "T-5",
        "line": "first",
        "category": "drug",
        "drug_class": "antidepressant",
        "evidence_tag": "E2",
        "source_grade": "NICE NG193 2021",
        "citations": ["nice_ng193"],
        "safety": ["X-GEN-1", "X-GEN-2"],
        "title": tr(
            "Antidepressant for the nociplastic component",
            "Антидепрессант при ноципластическом компоненте",
        ),
        "text": tr(
            "May be considered (NG193: amitriptyline, citalopram, duloxetine, fluoxetine, paroxetine, sertraline). NG193 advises not to initiate gabapentinoids, opioids, NSAIDs, paracetamol or benzodiazepines, nor TENS/ultrasound/interferential, for chronic primary pain — this applies to the nociplastic component only, not to CPSP.",
            "Может быть рассмотрен (NG193: амитриптилин, циталопрам, дулоксетин, флуоксетин, пароксетин, сертралин). NG193 не рекомендует начинать габапентиноиды, опиоиды, НПВП, парацетамол или бензодиазепины, а также ЧЭНС/ультразвук/интерференционные токи при хронической первичной боли — это относится только к ноципластическому компоненту, а не к ЦПИБ.",
        ),
    },
    # T-6: mood ------------------------------------------------------------------------------
    "psychological-support": {
        "rule_id": "T-6",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E3",
        "source_grade": "LOCAL; HADS possible case",
        "citations": ["zigmond1983", "local"],
        "title": tr(
            "Psychological support and clinical interview",
            "Психологическая поддержка и клиническое интервью",
        ),
        "text": tr(
            "Offer psychological support; clinical interview; repeat HADS in 2–4 weeks; CBT for pain and mood.",
            "Предложите психологическую поддержку; клиническое интервью; повторите HADS через 2–4 недели; КПТ для боли и настроения.",
        ),
    },
    "mental-health-referral": {
        "rule_id": "T-6",
        "line": "referral",
        "category": "referral",
        "evidence_tag": "E3",
        "source_grade": "LOCAL; HADS probable case",
        "citations": ["zigmond1983", "local"],
        "title": tr(
            "Referral to a psychiatrist or clinical psychologist",
            "Направление к психиатру или клиническому психологу",
        ),
        "text": tr(
            "HADS ≥ 11: recommend referral; when choosing pain drugs consider mood synergy (TCA/SNRI for depression; pregabalin for anxiety and sleep).",
            "HADS ≥ 11: рекомендуйте направление; при выборе обезболивающих учитывайте влияние на настроение (ТЦА/ИОЗСН при депрессии; прегабалин при тревоге и нарушениях сна).",
        ),
    },
    "benzodiazepines": {
        "rule_id": "T-6",
        "kind": "avoid",
        "line": "avoid",
        "category": "drug",
        "evidence_tag": "E3",
        "source_grade": "LOCAL; NICE NG193",
        "citations": ["nice_ng193", "local"],
        "title": tr("Benzodiazepines", "Бензодиазепины"),
        "text": tr("Avoid starting benzodiazepines.", "Избегайте назначения бензодиазепинов."),
    },
    # T-7: any CPSP, non-drug ---------------------------------------------------------------
    "cpsp-physiotherapy-education-cbt": {
        "rule_id": "T-7",
        "line": "non_drug",
        "category": "non_drug",
        "evidence_tag": "E3",
        "source_grade": "AHA/ASA 2016 as summarised",
        "citations": ["aha2016"],
        "title": tr("Physiotherapy, exercise, education, CBT", "ЛФК, упражнения, обучение, КПТ"),
        "text": tr(
            "Non-drug care for CPSP. Acupuncture, mirror therapy and VR: low or uncertain evidence.",
            "Немедикаментозная помощь при ЦПИБ. Акупунктура, зеркальная терапия и виртуальная реальность: низкая или неопределённая доказательность.",
        ),
    },
}

# Comorbidity-fit tags (C.5 display order, T-6 mood synergy).
FIT_TAGS: dict[str, dict[str, str]] = {
    "also-antidepressant": tr("also antidepressant", "также антидепрессант"),
    "also-anxiety-sleep": tr(
        "also helps anxiety and sleep", "также помогает при тревоге и нарушениях сна"
    ),
}

# ---------------------------------------------------------------------------------------------
# Safety messages (spec §C.6). Placeholders are filled with str.format().
# ---------------------------------------------------------------------------------------------
SAFETY: dict[str, dict[str, str]] = {
    "X-TCA-1": tr(
        "TCA contraindicated or high risk: {condition}",
        "ТЦА противопоказан или высокий риск: {condition}",
    ),
    "X-TCA-1-warn": tr("TCA caution: {condition}", "ТЦА — осторожно: {condition}"),
    "X-TCA-2": tr(
        "Anticholinergic and sedating (Beers criteria): avoid in older adults; start 5–10 mg, max ≤ 75 mg; check for falls and confusion ({condition})",
        "Антихолинергическое и седативное действие (критерии Бирса): избегать у пожилых; начинать с 5–10 мг, максимум ≤ 75 мг; контроль падений и спутанности ({condition})",
    ),
    "X-TCA-3": tr("Obtain an ECG before a TCA", "Перед назначением ТЦА выполните ЭКГ"),
    "X-TCA-4": tr(
        "Raised TCA levels, serotonin syndrome or QT risk with: {drugs}",
        "Повышение концентрации ТЦА, риск серотонинового синдрома или удлинения QT при сочетании с: {drugs}",
    ),
    "X-TCA-5": tr(
        "Overdose toxicity: limit quantities; assess suicide risk",
        "Токсичность при передозировке: ограничьте количество выдаваемого препарата; оцените суицидальный риск",
    ),
    "X-GABA-1": tr(
        "Pregabalin: maximum daily dose for CrCl {crcl} mL/min is {max} mg ({min}–{max} mg/day){extra}",
        "Прегабалин: максимальная суточная доза при КК {crcl} мл/мин — {max} мг ({min}–{max} мг/сут){extra}",
    ),
    "X-GABA-2": tr(
        "Gabapentin: maximum daily dose for CrCl {crcl} mL/min is {max} mg ({min}–{max} mg/day){extra}",
        "Габапентин: максимальная суточная доза при КК {crcl} мл/мин — {max} мг ({min}–{max} мг/сут){extra}",
    ),
    "X-GABA-above-max": tr(
        "Current dose {dose} mg/day is above the maximum {max} mg/day",
        "Текущая доза {dose} мг/сут превышает максимальную {max} мг/сут",
    ),
    "X-GABA-dialysis": tr(
        "; haemodialysis: supplementary dose after each session",
        "; гемодиализ: дополнительная доза после каждого сеанса",
    ),
    "X-GABA-3": tr(
        "Respiratory depression, sedation, falls or misuse risk ({condition}); taper, do not stop abruptly",
        "Риск угнетения дыхания, седации, падений или злоупотребления ({condition}); отменять постепенно, не прекращать резко",
    ),
    "X-SNRI-1": tr(
        "Duloxetine contraindicated: {condition}", "Дулоксетин противопоказан: {condition}"
    ),
    "X-SNRI-2": tr(
        "Venlafaxine: monitor blood pressure; adjust the dose ({condition})",
        "Венлафаксин: контроль АД; коррекция дозы ({condition})",
    ),
    "X-SNRI-3": tr(
        "Bleeding risk ↑ (platelet serotonin) with {drugs}. SSRI/SNRI + DAPT was associated with more haemorrhagic strokes (RR 1.29) in a large EHR cohort. Consider GI protection and review",
        "Риск кровотечений ↑ (серотонин тромбоцитов) при сочетании с {drugs}. Сочетание СИОЗС/ИОЗСН с ДАТТ ассоциировалось с ростом геморрагических инсультов (ОР 1,29) в крупной когорте. Рассмотрите гастропротекцию и пересмотр терапии",
    ),
    "X-SNRI-4": tr(
        "Serotonin syndrome or SIADH/hyponatraemia risk ({condition}): check sodium",
        "Риск серотонинового синдрома или СНСАДГ/гипонатриемии ({condition}): контроль натрия",
    ),
    "X-LTG-1": tr(
        "Titrate per label (slow); halve the dose with valproate; increase with enzyme inducers; stop at the first sign of rash",
        "Титрование по инструкции (медленно); при приёме вальпроата дозу вдвое снизить; с индукторами ферментов — увеличить; отменить при первых признаках сыпи",
    ),
    "X-LTG-1-warn": tr("Lamotrigine interaction: {drugs}", "Взаимодействие ламотриджина: {drugs}"),
    "X-CBZ-1": tr(
        "Carbamazepine contraindicated or high risk: {condition}. Enzyme inducer: reduces the anticoagulant effect (avoid with DOACs); hyponatraemia; HLA-B*15:02 screening",
        "Карбамазепин противопоказан или высокий риск: {condition}. Индуктор ферментов: снижает действие антикоагулянтов (избегать с ПОАК); гипонатриемия; скрининг HLA-B*15:02",
    ),
    "X-CBZ-1-warn": tr(
        "Carbamazepine caution: {condition}. Enzyme inducer: monitor INR with warfarin, review clopidogrel; check sodium",
        "Карбамазепин — осторожно: {condition}. Индуктор ферментов: контроль МНО при приёме варфарина, пересмотр клопидогрела; контроль натрия",
    ),
    "X-OPI-1": tr(
        "Seizure threshold ↓, serotonin syndrome, respiratory depression, dependence ({condition})",
        "Снижение судорожного порога, серотониновый синдром, угнетение дыхания, зависимость ({condition})",
    ),
    "X-NSAID-1": tr(
        "GI bleeding, renal or CV risk after stroke ({condition}): prefer paracetamol or a topical NSAID",
        "Риск ЖКК, почечных и сердечно-сосудистых осложнений после инсульта ({condition}): предпочтителен парацетамол или местный НПВП",
    ),
    "X-SPAS-1": tr("Antispasticity agents: {condition}", "Антиспастические средства: {condition}"),
    "X-RTMS-1": tr(
        "Screen before referral: {condition}", "Скрининг перед направлением: {condition}"
    ),
    "X-GEN-1": tr(
        "Suicidality warnings: document a suicide-risk assessment",
        "Предупреждение о суицидальности: задокументируйте оценку суицидального риска",
    ),
    "X-GEN-2": tr(
        "Pregnancy or breastfeeding: specialist review required",
        "Беременность или грудное вскармливание: требуется консультация специалиста",
    ),
    "unchecked": tr(
        "Cannot check safety: missing {fields}",
        "Невозможно проверить безопасность: нет данных — {fields}",
    ),
}

# Source tags of safety rules whose findings carry them (spec §C.6 "Source" column).
SAFETY_SOURCES: dict[str, str] = {
    "X-CBZ-1": "SAFETY · product label; cfp.ca dosing table (warfarin interaction) [R]; DOAC/HLA-B*15:02 [K]",
}

# Human names of clinical fields used in safety messages.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "age": tr("age", "возраст"),
    "sex": tr("sex", "пол"),
    "crcl": tr("creatinine clearance (CrCl)", "клиренс креатинина (КК)"),
    "renal_function": tr("renal function (CrCl or eGFR)", "функция почек (КК или СКФ)"),
    "ecg": tr("ECG", "ЭКГ"),
    "current_meds": tr("current medicines", "текущие препараты"),
    "unclassified_meds": tr(
        "ATC code of a current medicine (name not recognised)",
        "код АТХ текущего препарата (название не распознано)",
    ),
    "cardiac_conduction_disease": tr(
        "heart block / bundle-branch block", "блокада сердца / блокада ножки пучка Гиса"
    ),
    "arrhythmia": tr("arrhythmia", "аритмия"),
    "heart_failure": tr("heart failure", "сердечная недостаточность"),
    "heart_failure_decompensated": tr(
        "decompensated heart failure", "декомпенсированная сердечная недостаточность"
    ),
    "recent_mi": tr("recent myocardial infarction", "недавний инфаркт миокарда"),
    "qtc_prolonged": tr("prolonged QTc", "удлинённый QTc"),
    "maoi": tr("MAO inhibitor within 14 days", "ингибитор МАО в течение 14 дней"),
    "angle_closure_glaucoma": tr("angle-closure glaucoma", "закрытоугольная глаукома"),
    "urinary_retention_bph": tr(
        "urinary retention / symptomatic BPH", "задержка мочи / симптомная ДГПЖ"
    ),
    "older_adult": tr("age ≥ 65", "возраст ≥ 65"),
    "cognitive_impairment": tr("cognitive impairment", "когнитивные нарушения"),
    "falls_history": tr("falls history", "падения в анамнезе"),
    "orthostatic_hypotension": tr("orthostatic hypotension", "ортостатическая гипотензия"),
    "epilepsy_or_poststroke_seizures": tr(
        "epilepsy or post-stroke seizures", "эпилепсия или постинсультные судороги"
    ),
    "suicidal_ideation": tr("suicidal ideation", "суицидальные мысли"),
    "hads_d_probable": tr("HADS-D ≥ 11", "HADS-D ≥ 11"),
    "cns_depressants": tr(
        "opioids, benzodiazepines or other CNS depressants",
        "опиоиды, бензодиазепины или другие депрессанты ЦНС",
    ),
    "copd_or_resp_insufficiency": tr(
        "COPD or respiratory insufficiency", "ХОБЛ или дыхательная недостаточность"
    ),
    "substance_use_disorder": tr(
        "substance use disorder", "расстройство, связанное с употреблением психоактивных веществ"
    ),
    "severe_renal_impairment": tr("CrCl < 30 mL/min", "КК < 30 мл/мин"),
    "renal_impairment": tr("renal impairment", "нарушение функции почек"),
    "hepatic_impairment": tr("hepatic impairment", "нарушение функции печени"),
    "heavy_alcohol_use": tr("heavy alcohol use", "злоупотребление алкоголем"),
    "strong_cyp1a2_inhibitor": tr("strong CYP1A2 inhibitor", "сильный ингибитор CYP1A2"),
    "uncontrolled_hypertension": tr(
        "uncontrolled hypertension", "неконтролируемая артериальная гипертензия"
    ),
    "serotonergic": tr("serotonergic drugs", "серотонинергические препараты"),
    "hyponatremia": tr("hyponatraemia", "гипонатриемия"),
    "older_adult_diuretic": tr("age ≥ 65 on diuretics", "возраст ≥ 65 на фоне диуретиков"),
    "gabapentinoid_or_benzodiazepine": tr(
        "gabapentinoids or benzodiazepines", "габапентиноиды или бензодиазепины"
    ),
    "antithrombotic": tr("anticoagulant or antiplatelet", "антикоагулянт или антиагрегант"),
    "egfr_low": tr("eGFR < 30", "СКФ < 30"),
    "prior_gi_bleed": tr("prior GI bleeding", "ЖКК в анамнезе"),
    "implants_near_coil": tr(
        "ferromagnetic or electronic implants near the coil",
        "ферромагнитные или электронные импланты рядом с катушкой",
    ),
    "pregnancy_or_breastfeeding": tr(
        "pregnancy or breastfeeding", "беременность или грудное вскармливание"
    ),
    "tizanidine_cyp1a2": tr(
        "tizanidine with fluvoxamine or ciprofloxacin (contraindicated)",
        "тизанидин с флувоксамином или ципрофлоксацином (противопоказано)",
    ),
    "hads_d": tr("HADS-D", "HADS-D"),
    "cbz_doac": tr(
        "direct oral anticoagulant (levels fall with carbamazepine)",
        "прямой пероральный антикоагулянт (концентрация снижается карбамазепином)",
    ),
    "cbz_warfarin": tr("warfarin (INR falls)", "варфарин (снижение МНО)"),
    "cbz_clopidogrel": tr("clopidogrel", "клопидогрел"),
    "hla_b1502_positive": tr(
        "HLA-B*15:02 positive (SJS/TEN risk)", "носительство HLA-B*15:02 (риск ССД/ТЭН)"
    ),
    "hla_b1502_risk_ancestry": tr(
        "ancestry at risk for HLA-B*15:02 (South-East Asian)",
        "происхождение с риском носительства HLA-B*15:02 (Юго-Восточная Азия)",
    ),
}
