# ruff: noqa: E501 - bilingual clinical text data; long strings are kept whole for review.
"""Generate the instrument Questionnaire files (FHIR R4 JSON) from the definitions below.

The generated JSON files are the source of truth the engine reads at run time (rendering,
validation, scoring, export). This script only exists to keep the 14 files consistent:

    uv run python -m lifeline.clinic.instruments._generate

Item wording of licensed instruments (HADS; DN4 and CSI where the deployer's licence requires)
is NOT in these files: they carry short neutral paraphrased labels (spec §A, §E); the validated
wording is applied at run time from the deployment's licensed strings file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lifeline.clinic.engine import codes

HERE = Path(__file__).resolve().parent
VERSION = "1.0"
DATE = "2026-11-23"
LANGS = ("ru", "en")

T = dict[str, str]  # {"ru": ..., "en": ...}


def tr(en: str, ru: str) -> T:
    return {"en": en, "ru": ru}


YES_NO = [("yes", 1, tr("Yes", "Да")), ("no", 0, tr("No", "Нет"))]
CSI_OPTIONS = [
    ("0", 0, tr("Never", "Никогда")),
    ("1", 1, tr("Rarely", "Редко")),
    ("2", 2, tr("Sometimes", "Иногда")),
    ("3", 3, tr("Often", "Часто")),
    ("4", 4, tr("Always", "Всегда")),
]

DN4_ITEMS = [
    tr("Burning", "Жжение"),
    tr("Painful cold", "Болезненное ощущение холода"),
    tr("Electric shocks", "Ощущение ударов током"),
    tr("Tingling", "Покалывание"),
    tr("Pins and needles", "Ощущение «ползания мурашек»"),
    tr("Numbness", "Онемение"),
    tr("Itching", "Зуд"),
    tr("Hypoesthesia to touch", "Снижение тактильной чувствительности"),
    tr("Hypoesthesia to pinprick", "Снижение чувствительности к уколу"),
    tr(
        "Pain caused or increased by brushing",
        "Боль вызывается или усиливается при проведении кисточкой",
    ),
]

CSI_ITEMS = [
    tr("Unrefreshed on waking", "Нет ощущения отдыха после сна"),
    tr("Stiff, achy muscles", "Скованность и ломота в мышцах"),
    tr("Anxiety attacks", "Приступы тревоги"),
    tr("Teeth grinding or clenching", "Скрежет или сжатие зубов"),
    tr("Diarrhoea or constipation", "Диарея или запор"),
    tr("Needs help with daily activities", "Нужна помощь в повседневных делах"),
    tr("Sensitive to bright light", "Чувствительность к яркому свету"),
    tr("Tires easily when active", "Быстрая утомляемость при активности"),
    tr("Pain all over the body", "Боль по всему телу"),
    tr("Headaches", "Головные боли"),
    tr("Bladder discomfort or burning", "Дискомфорт или жжение в области мочевого пузыря"),
    tr("Poor sleep", "Плохой сон"),
    tr("Difficulty concentrating", "Трудности с концентрацией внимания"),
    tr("Skin dryness, itch or rash", "Сухость, зуд или сыпь на коже"),
    tr("Stress worsens physical symptoms", "Стресс усиливает телесные симптомы"),
    tr("Sad or depressed", "Грусть или подавленность"),
    tr("Low energy", "Упадок сил"),
    tr("Neck and shoulder muscle tension", "Напряжение мышц шеи и плеч"),
    tr("Jaw pain", "Боль в челюсти"),
    tr("Smells cause dizziness or nausea", "Запахи вызывают головокружение или тошноту"),
    tr("Frequent urination", "Частое мочеиспускание"),
    tr("Restless legs at night", "Беспокойство в ногах ночью"),
    tr("Difficulty remembering", "Трудности с запоминанием"),
    tr("Childhood trauma", "Психологическая травма в детстве"),
    tr("Pelvic pain", "Боль в области таза"),
]
# ⚑ items of spec §A.3 (likely confounded by stroke sequelae; information only).
CSI_STROKE_CONFOUNDED = {2, 5, 6, 8, 12, 13, 16, 17, 18, 21, 23}

CSI_B_ITEMS = [
    tr("Restless legs syndrome", "Синдром беспокойных ног"),
    tr("Chronic fatigue syndrome", "Синдром хронической усталости"),
    tr("Fibromyalgia", "Фибромиалгия"),
    tr("Temporomandibular joint disorder", "Дисфункция височно-нижнечелюстного сустава"),
    tr("Migraine or tension headaches", "Мигрень или головная боль напряжения"),
    tr("Irritable bowel syndrome", "Синдром раздражённого кишечника"),
    tr("Multiple chemical sensitivities", "Множественная химическая чувствительность"),
    tr("Neck injury (including whiplash)", "Травма шеи (включая хлыстовую травму)"),
    tr("Anxiety or panic attacks", "Тревога или панические атаки"),
    tr("Depression", "Депрессия"),
]

# (label, subscale, score of the first-listed option) — spec §A.4 table.
HADS_ITEMS = [
    (tr("Tense or wound up", "Напряжённость"), "A", 3),
    (tr("Still enjoys usual things", "Удовольствие от привычных занятий"), "D", 0),
    (
        tr("Frightened that something awful will happen", "Страх, что случится что-то ужасное"),
        "A",
        3,
    ),
    (tr("Can laugh and see the funny side", "Способность смеяться и видеть смешное"), "D", 0),
    (tr("Worrying thoughts", "Беспокойные мысли"), "A", 3),
    (tr("Feels cheerful", "Бодрое настроение"), "D", 3),
    (tr("Can sit at ease and relax", "Способность спокойно сидеть и расслабляться"), "A", 0),
    (tr("Feels slowed down", "Ощущение заторможенности"), "D", 3),
    (tr("Butterflies in the stomach", "Внутреннее напряжение, «дрожь» в животе"), "A", 0),
    (tr("Lost interest in appearance", "Потеря интереса к своей внешности"), "D", 3),
    (tr("Restless, must be on the move", "Беспокойство, потребность двигаться"), "A", 3),
    (tr("Looks forward with enjoyment", "Радостное ожидание"), "D", 0),
    (tr("Sudden panic", "Внезапное чувство паники"), "A", 3),
    (tr("Enjoys a book, radio or TV", "Удовольствие от книги, радио или телепередачи"), "D", 0),
]

PAINAD_ITEMS = [
    (
        tr("Breathing independent of vocalisation", "Дыхание (вне связи с вокализацией)"),
        [
            tr("Normal", "Нормальное"),
            tr(
                "Occasional laboured breathing; short hyperventilation",
                "Эпизодически затруднённое; кратковременная гипервентиляция",
            ),
            tr(
                "Noisy laboured breathing; long hyperventilation; Cheyne-Stokes",
                "Шумное затруднённое; длительная гипервентиляция; Чейна-Стокса",
            ),
        ],
    ),
    (
        tr("Negative vocalisation", "Негативная вокализация"),
        [
            tr("None", "Нет"),
            tr(
                "Occasional moan or groan; low-level negative speech",
                "Эпизодические стоны; негромкие жалобы",
            ),
            tr(
                "Repeated calling out; loud moaning; crying",
                "Повторяющиеся крики; громкие стоны; плач",
            ),
        ],
    ),
    (
        tr("Facial expression", "Выражение лица"),
        [
            tr("Smiling or inexpressive", "Улыбается или невыразительное"),
            tr("Sad, frightened, frown", "Грустное, испуганное, нахмуренное"),
            tr("Facial grimacing", "Гримаса боли"),
        ],
    ),
    (
        tr("Body language", "Язык тела"),
        [
            tr("Relaxed", "Расслаблен"),
            tr("Tense; distressed pacing; fidgeting", "Напряжён; беспокойно ходит; ёрзает"),
            tr(
                "Rigid; fists clenched; knees pulled up; striking out",
                "Скован; кулаки сжаты; колени подтянуты; отталкивает, бьёт",
            ),
        ],
    ),
    (
        tr("Consolability", "Возможность успокоить"),
        [
            tr("No need to console", "Не нуждается в успокоении"),
            tr(
                "Distracted or reassured by voice or touch",
                "Отвлекается или успокаивается голосом или прикосновением",
            ),
            tr("Unable to console, distract or reassure", "Невозможно успокоить или отвлечь"),
        ],
    ),
]

NCSR_ITEMS = [
    (
        tr("Motor response", "Двигательная реакция"),
        [
            tr("None or flaccid", "Отсутствует, атония"),
            tr("Abnormal posturing", "Патологическая поза"),
            tr("Flexion withdrawal", "Сгибательное отдёргивание"),
            tr("Localisation to noxious stimulation", "Локализация болевого стимула"),
        ],
    ),
    (
        tr("Verbal response", "Речевая реакция"),
        [
            tr("None", "Отсутствует"),
            tr("Groaning", "Стон"),
            tr("Vocalisation", "Вокализация"),
            tr("Intelligible verbalisation", "Разборчивая речь"),
        ],
    ),
    (
        tr("Facial expression", "Мимика"),
        [
            tr("None", "Отсутствует"),
            tr(
                "Oral reflexive movement or startle",
                "Рефлекторные оральные движения или вздрагивание",
            ),
            tr("Grimace", "Гримаса"),
            tr("Cry", "Плач"),
        ],
    ),
]

META: dict[str, dict[str, Any]] = {
    "vas": {
        "name": "VAS",
        "title": tr(
            "Visual analogue scale of pain intensity (0–100 mm)",
            "Визуальная аналоговая шкала интенсивности боли (0–100 мм)",
        ),
        "copyright": tr(
            "Generic scale; no licence required.", "Общедоступная шкала; лицензия не требуется."
        ),
        "licensed": False,
    },
    "nrs": {
        "name": "NRS",
        "title": tr(
            "Numeric rating scale of pain intensity (0–10)",
            "Числовая рейтинговая шкала интенсивности боли (0–10)",
        ),
        "copyright": tr(
            "Generic scale; no licence required. LOINC codes © Regenstrief Institute.",
            "Общедоступная шкала; лицензия не требуется. Коды LOINC © Regenstrief Institute.",
        ),
        "licensed": False,
    },
    "dn4": {
        "name": "DN4",
        "title": tr(
            "DN4 neuropathic pain questionnaire",
            "Диагностический опросник нейропатической боли DN4",
        ),
        "copyright": tr(
            "DN4 © Bouhassira D. et al., Pain 2005;114:29–36. Labels here are short paraphrases; the validated wording requires the developers' permission.",
            "DN4 © Bouhassira D. et al., Pain 2005;114:29–36. Здесь приведены краткие пересказы пунктов; валидированный текст используется с разрешения разработчиков.",
        ),
        "licensed": True,
    },
    "csi": {
        "name": "CSI",
        "title": tr(
            "Central Sensitization Inventory (CSI)", "Опросник центральной сенситизации (CSI)"
        ),
        "copyright": tr(
            "CSI © Mayer T.G., Neblett R., Gatchel R.J. et al. (PRIDE Research Foundation); CSI-RU: Bakhtadze M.A. et al., 2020. Labels here are short paraphrases.",
            "CSI © Mayer T.G., Neblett R., Gatchel R.J. et al. (PRIDE Research Foundation); CSI-RU: Бахтадзе М.А. и др., 2020. Здесь приведены краткие пересказы пунктов.",
        ),
        "licensed": True,
    },
    "hads": {
        "name": "HADS",
        "title": tr(
            "Hospital Anxiety and Depression Scale (HADS)",
            "Госпитальная шкала тревоги и депрессии (HADS)",
        ),
        "copyright": tr(
            "HADS © R.P. Snaith and A.S. Zigmond; distributed by GL Assessment. Item wording is licensed and loaded per deployment.",
            "HADS © R.P. Snaith, A.S. Zigmond; распространяется GL Assessment. Текст пунктов лицензируется и загружается для каждой установки отдельно.",
        ),
        "licensed": True,
    },
    "painad": {
        "name": "PAINAD",
        "title": tr(
            "Pain Assessment in Advanced Dementia (PAINAD)",
            "Шкала оценки боли при выраженной деменции (PAINAD)",
        ),
        "copyright": tr(
            "PAINAD: Warden V., Hurley A.C., Volicer L., 2003.",
            "PAINAD: Warden V., Hurley A.C., Volicer L., 2003.",
        ),
        "licensed": False,
    },
    "ncsr": {
        "name": "NCS-R",
        "title": tr(
            "Nociception Coma Scale – Revised (NCS-R)",
            "Шкала ноцицепции при коме, пересмотренная (NCS-R)",
        ),
        "copyright": tr("NCS-R: Chatelle C. et al., 2012.", "NCS-R: Chatelle C. et al., 2012."),
        "licensed": False,
    },
}


def _ext_bool(url: str, value: bool = True) -> dict[str, Any]:
    return {"url": url, "valueBoolean": value}


def _option(
    instrument: str, link_id: str, code: str, score: int, label: T, lang: str
) -> dict[str, Any]:
    return {
        "valueCoding": {
            "system": f"{codes.CS_ANSWERS}/{instrument}",
            "code": code,
            "display": label[lang],
        },
        "extension": [{"url": codes.EXT_ORDINAL, "valueDecimal": score}],
    }


def _calculated(link_id: str, text: str, expression: str) -> dict[str, Any]:
    return {
        "linkId": link_id,
        "type": "integer",
        "readOnly": True,
        "text": text,
        "extension": [
            {
                "url": codes.EXT_CALCULATED,
                "valueExpression": {"language": "text/fhirpath", "expression": expression},
            }
        ],
    }


def _sum_expr(link_ids: list[str]) -> str:
    ids = "|".join(f"'{i}'" for i in link_ids)
    return (
        f"%resource.repeat(item).where(linkId in ({ids}))"
        ".answer.ordinalValue().aggregate($this + $total, 0)"
    )


def _choice(
    instrument: str,
    link_id: str,
    text: str,
    options: list[tuple[str, int, T]],
    lang: str,
    *,
    prefix: str | None = None,
    required: bool = True,
) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, "type": "choice", "required": required, "text": text}
    if prefix:
        item["prefix"] = prefix
    item["answerOption"] = [_option(instrument, link_id, c, s, lab, lang) for c, s, lab in options]
    return item


def build_vas(lang: str) -> list[dict[str, Any]]:
    return [
        {
            "linkId": "vas",
            "type": "decimal",
            "required": True,
            "text": tr("Pain intensity now", "Интенсивность боли сейчас")[lang],
            "code": [
                {
                    "system": codes.LOINC,
                    "code": codes.LOINC_VAS,
                    "display": "Pain severity [Score] Visual analog score",
                }
            ],
            "extension": [
                {
                    "url": codes.EXT_ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [{"system": codes.ITEM_CONTROL_SYSTEM, "code": "slider"}]
                    },
                },
                {"url": codes.EXT_MIN, "valueDecimal": 0},
                {"url": codes.EXT_MAX, "valueDecimal": 100},
                {"url": codes.EXT_SLIDER_STEP, "valueInteger": 1},
                {
                    "url": codes.EXT_UNIT,
                    "valueCoding": {"system": codes.UCUM, "code": "mm", "display": "mm"},
                },
                {"url": codes.EXT_ANCHOR_LOW, "valueString": tr("No pain", "Нет боли")[lang]},
                {
                    "url": codes.EXT_ANCHOR_HIGH,
                    "valueString": tr(
                        "Worst pain imaginable", "Нестерпимая (самая сильная вообразимая) боль"
                    )[lang],
                },
            ],
        }
    ]


def build_nrs(lang: str) -> list[dict[str, Any]]:
    return [
        {
            "linkId": "nrs",
            "type": "integer",
            "required": True,
            "text": tr(
                "Pain intensity now, from 0 (no pain) to 10 (worst pain imaginable)",
                "Интенсивность боли сейчас, от 0 (нет боли) до 10 (нестерпимая боль)",
            )[lang],
            "code": [
                {
                    "system": codes.LOINC,
                    "code": codes.LOINC_NRS,
                    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                }
            ],
            "extension": [
                {"url": codes.EXT_MIN, "valueInteger": 0},
                {"url": codes.EXT_MAX, "valueInteger": 10},
                {"url": codes.EXT_ANCHOR_LOW, "valueString": tr("No pain", "Нет боли")[lang]},
                {
                    "url": codes.EXT_ANCHOR_HIGH,
                    "valueString": tr(
                        "Worst pain imaginable", "Нестерпимая (самая сильная вообразимая) боль"
                    )[lang],
                },
            ],
        }
    ]


def build_dn4(lang: str) -> list[dict[str, Any]]:
    interview = [
        _choice("dn4", f"dn4-{i}", label[lang], YES_NO, lang, prefix=str(i))
        for i, label in enumerate(DN4_ITEMS[:7], start=1)
    ]
    exam = []
    for i, label in enumerate(DN4_ITEMS[7:], start=8):
        item = _choice("dn4", f"dn4-{i}", label[lang], YES_NO, lang, prefix=str(i))
        item["extension"] = [_ext_bool(codes.EXT_CLINICIAN_ONLY)]
        exam.append(item)
    return [
        {
            "linkId": "dn4-interview",
            "type": "group",
            "text": tr(
                "Interview: pain quality and symptoms in the painful area",
                "Опрос пациента: характер боли и симптомы в области боли",
            )[lang],
            "item": interview,
        },
        {
            "linkId": "dn4-exam",
            "type": "group",
            "text": tr(
                "Clinical examination of the painful area", "Клиническое обследование области боли"
            )[lang],
            "extension": [_ext_bool(codes.EXT_CLINICIAN_ONLY)],
            "item": exam,
        },
        _calculated(
            "dn4-interview-total", "DN4-interview", _sum_expr([f"dn4-{i}" for i in range(1, 8)])
        ),
        _calculated("dn4-total", "DN4", _sum_expr([f"dn4-{i}" for i in range(1, 11)])),
    ]


def build_csi(lang: str) -> list[dict[str, Any]]:
    part_a = []
    for i, label in enumerate(CSI_ITEMS, start=1):
        item = _choice("csi", f"csi-{i}", label[lang], CSI_OPTIONS, lang, prefix=str(i))
        if i in CSI_STROKE_CONFOUNDED:
            item["extension"] = [_ext_bool(codes.EXT_STROKE_CONFOUNDED)]
        part_a.append(item)
    part_b: list[dict[str, Any]] = []
    for i, label in enumerate(CSI_B_ITEMS, start=1):
        part_b.append(
            {
                "linkId": f"csi-b-{i}",
                "type": "boolean",
                "required": False,
                "text": label[lang],
                "extension": [_ext_bool(codes.EXT_SCORED, False)],
                "item": [
                    {
                        "linkId": f"csi-b-{i}-year",
                        "type": "integer",
                        "required": False,
                        "text": tr("Year diagnosed", "Год постановки диагноза")[lang],
                        "enableWhen": [
                            {"question": f"csi-b-{i}", "operator": "=", "answerBoolean": True}
                        ],
                        "extension": [
                            _ext_bool(codes.EXT_SCORED, False),
                            {"url": codes.EXT_MIN, "valueInteger": 1900},
                            {"url": codes.EXT_MAX, "valueInteger": 2100},
                        ],
                    }
                ],
            }
        )
    return [
        {
            "linkId": "csi-a",
            "type": "group",
            "text": tr(
                "Part A: how often each statement applies to you",
                "Часть A: как часто к вам относится каждое утверждение",
            )[lang],
            "item": part_a,
        },
        {
            "linkId": "csi-b",
            "type": "group",
            "text": tr(
                "Part B: conditions previously diagnosed by a doctor (not scored)",
                "Часть B: ранее диагностированные врачом состояния (не оцениваются)",
            )[lang],
            "item": part_b,
        },
        _calculated("csi-a-total", "CSI", _sum_expr([f"csi-{i}" for i in range(1, 26)])),
    ]


def build_hads(lang: str) -> list[dict[str, Any]]:
    items = []
    letters = ["a", "b", "c", "d"]
    for i, (label, sub, first) in enumerate(HADS_ITEMS, start=1):
        scores = [3, 2, 1, 0] if first == 3 else [0, 1, 2, 3]
        options = [
            (letter, score, tr(f"Option {letter.upper()}", f"Вариант {'АБВГ'[n]}"))
            for n, (letter, score) in enumerate(zip(letters, scores, strict=True))
        ]
        item = _choice("hads", f"hads-{i}", label[lang], options, lang, prefix=f"{i}{sub}")
        item["extension"] = [{"url": codes.EXT_SUBSCALE, "valueCode": f"hads-{sub.lower()}"}]
        items.append(item)
    odd = [f"hads-{i}" for i in range(1, 15, 2)]
    even = [f"hads-{i}" for i in range(2, 15, 2)]
    return [
        {
            "linkId": "hads-items",
            "type": "group",
            "text": tr(
                "How you have been feeling over the past week",
                "Как вы себя чувствовали в течение последней недели",
            )[lang],
            "item": items,
        },
        _calculated("hads-a", "HADS-A", _sum_expr(odd)),
        _calculated("hads-d", "HADS-D", _sum_expr(even)),
    ]


def _observational(
    instrument: str, defs: list[tuple[T, list[T]]], lang: str
) -> list[dict[str, Any]]:
    items = []
    for i, (label, anchors) in enumerate(defs, start=1):
        options = [(str(n), n, anchor) for n, anchor in enumerate(anchors)]
        item = _choice(instrument, f"{instrument}-{i}", label[lang], options, lang, prefix=str(i))
        item["extension"] = [_ext_bool(codes.EXT_CLINICIAN_ONLY)]
        items.append(item)
    ids = [f"{instrument}-{i}" for i in range(1, len(defs) + 1)]
    return [*items, _calculated(f"{instrument}-total", META[instrument]["name"], _sum_expr(ids))]


BUILDERS = {
    "vas": build_vas,
    "nrs": build_nrs,
    "dn4": build_dn4,
    "csi": build_csi,
    "hads": build_hads,
    "painad": lambda lang: _observational("painad", PAINAD_ITEMS, lang),
    "ncsr": lambda lang: _observational("ncsr", NCSR_ITEMS, lang),
}


def build(instrument: str, lang: str) -> dict[str, Any]:
    meta = META[instrument]
    q: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"{instrument}-{VERSION.replace('.', '-')}-{lang}",
        "language": lang,
        "url": codes.questionnaire_url(instrument),
        "version": VERSION,
        "name": meta["name"].replace("-", ""),
        "title": meta["title"][lang],
        "status": "active",
        "subjectType": ["Patient"],
        "date": DATE,
        "publisher": "Lifeline",
        "copyright": meta["copyright"][lang],
        "code": [{"system": codes.CS_INSTRUMENTS, "code": instrument, "display": meta["name"]}],
    }
    if meta["licensed"]:
        q["extension"] = [_ext_bool(codes.EXT_LICENSED_TEXT, False)]
    q["item"] = BUILDERS[instrument](lang)
    return q


def main() -> None:
    for instrument in BUILDERS:
        for lang in LANGS:
            path = HERE / instrument / VERSION / f"{lang}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps(build(instrument, lang), ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )


if __name__ == "__main__":
    main()
