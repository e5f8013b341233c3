"""Seed data: the drug and therapy catalogue (spec §C.11 drug card, T-rules) and protocol
templates (F-1). Codes are stable: rules, conclusions and exports refer to them.

Doses are reference values from the spec (verify against ГРЛС labels before release). They
are stored in English as the spec writes them and marked for translation: a page shows them
through the catalogue (`catalogue_text`, the page's `clinic_labels.catalogue_text` filter and
the API's catalogue fields), "10 mg nocte" as "10 мг на ночь".
`catalogue_seed()` is idempotent: it creates missing rows and updates seeded fields, and
never touches doctors' notes. It takes the model classes so a data migration can use it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop


def catalogue_text(value: Any) -> str:
    """A seeded dose or titration ("10 mg nocte") in the active language ("10 мг на ночь");
    text a person typed (no catalogue entry) comes back as typed."""
    return gettext(str(value)) if value else ""


DRUGS: list[dict[str, Any]] = [
    {
        "code": "amitriptyline",
        "name_en": "Amitriptyline",
        "name_ru": "Амитриптилин",
        "drug_class": "TCA",
        "start_dose": gettext_noop("10 mg nocte (5–10 mg elderly)"),
        "titration": gettext_noop("+10 mg/week"),
        "usual_max_dose": gettext_noop("25–75 mg (NeuPSIG range 25–150)"),
        "default_scheme_en": "10 mg at night, increase by 10 mg weekly to 25–75 mg/day",
        "default_scheme_ru": "10 мг на ночь, увеличивать на 10 мг в неделю до 25–75 мг/сут",
        "rule_ids": ["T-1a", "T-5"],
        "caution_rule_ids": ["X-TCA-1", "X-TCA-2", "X-TCA-3", "X-TCA-4", "X-TCA-5"],
        "evidence": "E2 · AHA/ASA 2016 IIa/B; NeuPSIG 2015 strong",
    },
    {
        "code": "nortriptyline",
        "name_en": "Nortriptyline",
        "name_ru": "Нортриптилин",
        "drug_class": "TCA",
        "start_dose": gettext_noop("10–25 mg nocte"),
        "titration": gettext_noop("+10–25 mg every 5–7 days"),
        "usual_max_dose": gettext_noop("≤100 mg"),
        "default_scheme_en": (
            "10–25 mg at night, increase by 10–25 mg every 5–7 days, max 100 mg/day"
        ),
        "default_scheme_ru": (
            "10–25 мг на ночь, увеличивать на 10–25 мг каждые 5–7 дней, не более 100 мг/сут"
        ),
        "rule_ids": ["T-1a"],
        "caution_rule_ids": ["X-TCA-1", "X-TCA-2", "X-TCA-3", "X-TCA-4", "X-TCA-5"],
        "evidence": "E3 · NeuPSIG 2015 (TCA class)",
    },
    {
        "code": "pregabalin",
        "name_en": "Pregabalin",
        "name_ru": "Прегабалин",
        "drug_class": "Gabapentinoid",
        "start_dose": gettext_noop("75 mg nocte or bid"),
        "titration": gettext_noop("+75 mg every 3–7 days"),
        "usual_max_dose": gettext_noop("300–600 mg in 2 doses"),
        "default_scheme_en": (
            "75 mg twice daily, increase by 75 mg every 3–7 days to 300–600 mg/day"
        ),
        "default_scheme_ru": (
            "75 мг 2 раза в день, увеличивать на 75 мг каждые 3–7 дней до 300–600 мг/сут"
        ),
        "rule_ids": ["T-1b"],
        "caution_rule_ids": ["X-GABA-1", "X-GABA-3"],
        "evidence": "E2 · NeuPSIG 2015 strong; Kim 2011 CPSP RCT primary endpoint negative",
    },
    {
        "code": "gabapentin",
        "name_en": "Gabapentin",
        "name_ru": "Габапентин",
        "drug_class": "Gabapentinoid",
        "start_dose": gettext_noop("100–300 mg nocte"),
        "titration": gettext_noop("+100–300 mg every 1–7 days"),
        "usual_max_dose": gettext_noop("1200–3600 mg in 3 doses"),
        "default_scheme_en": "300 mg at night, increase slowly to 1200–3600 mg/day in 3 doses",
        "default_scheme_ru": "300 мг на ночь, медленно увеличивать до 1200–3600 мг/сут в 3 приёма",
        "rule_ids": ["T-1b"],
        "caution_rule_ids": ["X-GABA-2", "X-GABA-3"],
        "evidence": "E3 · NeuPSIG 2015 strong for NP; no CPSP RCT",
    },
    {
        "code": "duloxetine",
        "name_en": "Duloxetine",
        "name_ru": "Дулоксетин",
        "drug_class": "SNRI",
        "start_dose": gettext_noop("30 mg (with food)"),
        "titration": gettext_noop("→ 60 mg after 1 week"),
        "usual_max_dose": gettext_noop("60–120 mg"),
        "default_scheme_en": "30 mg once daily with food, 60 mg after 1 week",
        "default_scheme_ru": "30 мг 1 раз в день во время еды, через 1 неделю 60 мг",
        "rule_ids": ["T-1c", "T-5"],
        "caution_rule_ids": ["X-SNRI-1", "X-SNRI-3", "X-SNRI-4"],
        "evidence": "E3 · NeuPSIG 2015 SNRIs strong; Canadian 2019 second line",
    },
    {
        "code": "venlafaxine-er",
        "name_en": "Venlafaxine ER",
        "name_ru": "Венлафаксин пролонгированный",
        "drug_class": "SNRI",
        "start_dose": gettext_noop("37.5 mg"),
        "titration": gettext_noop("+37.5 mg/week"),
        "usual_max_dose": gettext_noop("150–225 mg"),
        "default_scheme_en": "37.5 mg once daily, increase by 37.5 mg weekly to 150–225 mg/day",
        "default_scheme_ru": (
            "37,5 мг 1 раз в день, увеличивать на 37,5 мг в неделю до 150–225 мг/сут"
        ),
        "rule_ids": ["T-1c"],
        "caution_rule_ids": ["X-SNRI-2", "X-SNRI-3", "X-SNRI-4"],
        "evidence": "E3 · NeuPSIG 2015 SNRIs strong",
    },
    {
        "code": "lamotrigine",
        "name_en": "Lamotrigine",
        "name_ru": "Ламотриджин",
        "drug_class": "Antiepileptic",
        "start_dose": gettext_noop("25 mg"),
        "titration": gettext_noop("per label (about 2-week steps)"),
        "usual_max_dose": gettext_noop("about 200 mg"),
        "default_scheme_en": "25 mg daily, titrate per label in 2-week steps to about 200 mg/day",
        "default_scheme_ru": (
            "25 мг в сутки, титровать по инструкции шагами по 2 недели до ~200 мг/сут"
        ),
        "rule_ids": ["T-1d"],
        "caution_rule_ids": ["X-LTG-1"],
        "evidence": "E3 · Vestergaard 2001 CPSP RCT; AHA/ASA 2016 IIa/B",
    },
    {
        "code": "tramadol",
        "name_en": "Tramadol (third line, specialist only)",
        "name_ru": "Трамадол (третья линия, только специалист)",
        "drug_class": "Opioid",
        "start_dose": gettext_noop("per label"),
        "titration": "—",
        "usual_max_dose": gettext_noop("200–400 mg"),
        "default_scheme_en": "Per label; specialist decision with dependence-risk assessment",
        "default_scheme_ru": "По инструкции; решение специалиста с оценкой риска зависимости",
        "rule_ids": ["T-1f"],
        "caution_rule_ids": ["X-OPI-1"],
        "evidence": "E3 · Canadian 2019 Level C; NeuPSIG 2025 third line",
    },
    {
        "code": "paracetamol",
        "name_en": "Paracetamol",
        "name_ru": "Парацетамол",
        "drug_class": "Analgesic",
        "default_scheme_en": "500–1000 mg up to 3–4 times daily, max 3–4 g/day",
        "default_scheme_ru": "500–1000 мг до 3–4 раз в сутки, не более 3–4 г/сут",
        "rule_ids": ["T-3"],
        "evidence": "E3 · Canadian 2019 (HSP)",
    },
    {
        "code": "botulinum-toxin-a",
        "name_en": "Botulinum toxin type A (focal spasticity / HSP)",
        "name_ru": "Ботулинический токсин типа А (фокальная спастичность / ГПБ)",
        "drug_class": "Neurotoxin",
        "default_scheme_en": "Injection by a trained specialist into the target muscles",
        "default_scheme_ru": "Инъекции обученным специалистом в целевые мышцы",
        "rule_ids": ["T-3", "T-4"],
        "evidence": "E1 · AAN 2016 Level A (upper-limb spasticity)",
    },
    {
        "code": "baclofen",
        "name_en": "Baclofen",
        "name_ru": "Баклофен",
        "drug_class": "Antispasticity",
        "default_scheme_en": "5 mg three times daily, titrate per label",
        "default_scheme_ru": "5 мг 3 раза в день, титровать по инструкции",
        "rule_ids": ["T-4"],
        "caution_rule_ids": ["X-SPAS-1"],
    },
    {
        "code": "tizanidine",
        "name_en": "Tizanidine",
        "name_ru": "Тизанидин",
        "drug_class": "Antispasticity",
        "default_scheme_en": "2 mg at night, titrate per label",
        "default_scheme_ru": "2 мг на ночь, титровать по инструкции",
        "rule_ids": ["T-4"],
        "caution_rule_ids": ["X-SPAS-1"],
    },
]

THERAPIES: list[dict[str, Any]] = [
    {
        "code": "pain-education",
        "name_en": "Pain education and self-management plan",
        "name_ru": "Обучение пациента и план самопомощи при боли",
        "rule_ids": ["T-0", "T-5", "T-7"],
        "evidence": "E2/E3 · NICE NG193",
    },
    {
        "code": "physiotherapy-exercise",
        "name_en": "Physiotherapy and graded exercise",
        "name_ru": "Лечебная физкультура и дозированная физическая нагрузка",
        "rule_ids": ["T-0", "T-5", "T-7"],
        "evidence": "E2 · NICE NG193",
    },
    {
        "code": "cbt",
        "name_en": "Cognitive behavioural therapy (CBT/ACT)",
        "name_ru": "Когнитивно-поведенческая терапия (КПТ/ACT)",
        "rule_ids": ["T-5", "T-6", "T-7"],
        "evidence": "E2 · NICE NG193",
    },
    {
        "code": "psych-referral",
        "name_en": "Referral to a psychiatrist or clinical psychologist",
        "name_ru": "Направление к психиатру или клиническому психологу",
        "rule_ids": ["T-6"],
        "evidence": "E3 · LOCAL (HADS probable case)",
    },
    {
        "code": "sleep-intervention",
        "name_en": "Sleep review and sleep interventions",
        "name_ru": "Оценка и коррекция нарушений сна",
        "rule_ids": ["T-0", "T-5"],
    },
    {
        "code": "shoulder-positioning",
        "name_en": "Arm positioning and support; no overhead pulleys",
        "name_ru": "Позиционирование и поддержка руки; без блочных тренажёров над головой",
        "rule_ids": ["T-3"],
        "evidence": "Canadian 2019 Level B/C",
    },
    {
        "code": "electrical-stimulation",
        "name_en": "Electrical stimulation (flaccid arm)",
        "name_ru": "Электростимуляция (вялая рука)",
        "rule_ids": ["T-3"],
        "evidence": "Canadian 2019 Level B",
    },
    {
        "code": "suprascapular-nerve-block",
        "name_en": "Suprascapular nerve block",
        "name_ru": "Блокада надлопаточного нерва",
        "rule_ids": ["T-3"],
    },
    {
        "code": "stretching-splinting",
        "name_en": "Stretching, positioning and splinting",
        "name_ru": "Растяжение, позиционирование и ортезирование",
        "rule_ids": ["T-4"],
    },
    {
        "code": "pain-centre-referral",
        "name_en": "Referral to a pain centre (rTMS, motor cortex stimulation)",
        "name_ru": "Направление в центр лечения боли (рТМС, стимуляция моторной коры)",
        "rule_ids": ["T-2"],
        "caution_rule_ids": ["X-RTMS-1"],
        "evidence": "E2 · Lefaucheur 2020 (HF-rTMS M1)",
    },
]

PROTOCOLS: list[dict[str, Any]] = [
    {
        "code": "f1-default",
        "name_en": "Default follow-up (F-1)",
        "name_ru": "Стандартное наблюдение (F-1)",
        "steps": [
            {"day": 0, "instruments": ["nrs", "dn4", "csi", "hads"]},
            {"day": 7, "instruments": ["nrs"]},
            {"day": 14, "instruments": ["nrs"]},
            {"day": 28, "instruments": ["nrs"]},
            {"day": 42, "instruments": ["nrs", "hads"]},
            {"day": 90, "instruments": ["nrs", "hads", "csi"]},
            {"day": 180, "instruments": ["nrs", "hads", "csi"]},
        ],
    },
    {
        "code": "f1-post-stroke-screening",
        "name_en": "Post-stroke pain screening (1, 3, 6, 12 months)",
        "name_ru": "Скрининг постинсультной боли (1, 3, 6, 12 месяцев)",
        "steps": [
            {"day": 30, "instruments": ["nrs", "dn4"]},
            {"day": 90, "instruments": ["nrs", "dn4", "hads"]},
            {"day": 180, "instruments": ["nrs", "dn4", "hads", "csi"]},
            {"day": 365, "instruments": ["nrs", "dn4", "hads", "csi"]},
        ],
    },
]

_ITEM_FIELDS = (
    "name_en",
    "name_ru",
    "drug_class",
    "start_dose",
    "titration",
    "usual_max_dose",
    "default_scheme_en",
    "default_scheme_ru",
    "rule_ids",
    "caution_rule_ids",
    "evidence",
)


def catalogue_seed(*, item_model: Any, protocol_model: Any) -> tuple[int, int]:
    """Create or update the seeded catalogue items and protocols; return (created, updated)."""
    created = updated = 0
    for kind, rows in (("drug", DRUGS), ("therapy", THERAPIES)):
        for row in rows:
            defaults = {
                name: row.get(name, [] if name.endswith("ids") else "") for name in _ITEM_FIELDS
            }
            defaults["kind"] = kind
            _obj, was_created = item_model.objects.update_or_create(
                code=row["code"], defaults=defaults
            )
            created += was_created
            updated += not was_created
    for row in PROTOCOLS:
        _obj, was_created = protocol_model.objects.update_or_create(
            code=row["code"],
            defaults={"name_en": row["name_en"], "name_ru": row["name_ru"], "steps": row["steps"]},
        )
        created += was_created
        updated += not was_created
    return created, updated
