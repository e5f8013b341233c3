from __future__ import annotations

import io
from datetime import date

import pypdf

from lifeline.clinic.pdf import ConclusionDocument, ScoreLine, TreatmentLine, render_conclusion_pdf


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _document(**overrides):
    fields = {
        "patient_name": "Иванова Мария Петровна",
        "patient_birth_date": date(1958, 4, 2),
        "diagnosis": "Последствия ишемического инсульта",
        "issued_on": date(2026, 11, 23),
        "doctor_name": "Петров Пётр Петрович",
        "organization_name": "Клиника боли",
        "scores": [
            ScoreLine("DN4", "6", "positive (neuropathic component likely)"),
            ScoreLine("NRS (0–10)", "7", "severe"),
        ],
        "classification": ["Центральная постинсультная боль, вероятная"],
        "treatments": [TreatmentLine("Амитриптилин", "10 мг на ночь", "T-1a")],
        "free_text": "Повторный осмотр через 4 недели.",
        "reference": "abc-123",
        "language": "en",
    }
    fields.update(overrides)
    return ConclusionDocument(**fields)


def test_pdf_contains_every_section_with_cyrillic_text():
    text = _text(render_conclusion_pdf(_document()))

    assert text.split("\n")[:2] == ["Клиника боли", " CONSULTATIVE CONCLUSION"]
    for expected in (
        "Patient: Иванова Мария Петровна",
        "Date of birth: 02.04.1958",
        "Diagnosis: Последствия ишемического инсульта",
        "Date: 23.11.2026",
        "DN4",
        "positive (neuropathic component likely)",
        "Центральная постинсультная боль, вероятная",
        "Амитриптилин",
        "10 мг на ночь",
        "Повторный осмотр через 4 недели.",
        "Doctor: Петров Пётр Петрович",
        "Decision support for the physician. Not a prescription",
        "Document abc-123, version 1",
    ):
        assert expected in text, expected


def test_pdf_embeds_the_dejavu_fonts():
    reader = pypdf.PdfReader(io.BytesIO(render_conclusion_pdf(_document())))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            fonts.add(str(descriptor["/BaseFont"]))
            if "/FontDescriptor" in descriptor:
                assert "/FontFile2" in descriptor["/FontDescriptor"]
    assert any("DejaVuSans" in name for name in fonts)


def test_pdf_without_scores_or_treatment_says_so():
    text = _text(render_conclusion_pdf(_document(scores=[], treatments=[], classification=[])))

    assert "No scored assessment." in text
    assert "Not classified." in text
    assert "No treatment options chosen." in text


def test_pdf_escapes_markup_in_free_text():
    text = _text(render_conclusion_pdf(_document(free_text="<b>dose</b> & <script>")))

    assert "<b>dose</b> & <script>" in text


def test_russian_pdf_has_no_english_labels():
    text = _text(render_conclusion_pdf(_document(language="ru")))

    assert "Врач: Петров Пётр Петрович" in text
    assert "Подпись: ____________________" in text
    for english in ("Signature", "Doctor", "Patient", "Diagnosis", "Date"):
        assert english not in text, english
