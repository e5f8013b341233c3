"""The conclusion builder as a browser submits it: every row's fields are posted, so two rows
must never share a field name (T-6 makes three suggestions that offer the same catalogue
items), and what the doctor typed must reach the issued PDF."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from lifeline.clinic import engine
from lifeline.clinic.enums import ConclusionStatus
from lifeline.clinic.models.conclusions import Conclusion
from lifeline.clinic.tests.factories import EvaluationFactory, SuggestionDecisionFactory, care_team

pytestmark = pytest.mark.django_db

SCHEME = "Консультация психиатра в течение 2 недель"


class _BuilderForm(HTMLParser):
    """The builder's rows: pick value, textarea (name, text) and the row's visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self._row: dict[str, Any] | None = None
        self._depth = 0
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if self._row is None and "data-option" in attr:
            self._row = {"text": "", "pick": None, "textareas": []}
            self.rows.append(self._row)
            self._depth = 0
        if self._row is None:
            return
        if tag == "div":
            self._depth += 1
        if tag == "input" and attr.get("name") == "pick":
            self._row["pick"] = attr.get("value")
        if tag == "textarea":
            self._textarea = attr.get("name") or ""
            self._row["textareas"].append([self._textarea, ""])

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        if self._row is not None and tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self._row = None

    def handle_data(self, data: str) -> None:
        if self._row is None:
            return
        if self._textarea is not None:
            self._row["textareas"][-1][1] += data
        else:
            self._row["text"] += f" {data}"


def _rows(html: str) -> list[dict[str, Any]]:
    parser = _BuilderForm()
    parser.feed(html)
    return parser.rows


def _hads_team():
    result = engine.evaluate(
        {"hads": {f"hads-{i}": "b" for i in range(1, 15)}, "vas": {"vas": 64}},
        {"self_report_reliable": True},
    )
    patient, doctor = care_team()
    evaluation = EvaluationFactory(
        patient=patient, evaluated_by=doctor, suggestions=result["suggestions"], labels=[]
    )
    client = Client()
    client.force_login(doctor)
    return patient, doctor, evaluation, client


def test_every_builder_field_is_unique():
    patient, _doctor, _evaluation, client = _hads_team()

    page = client.get(reverse("clinic-web:conclusion-new", kwargs={"patient_id": patient.pk}))

    rows = _rows(page.content.decode())
    picks = [row["pick"] for row in rows]
    names = [name for row in rows for name, _text in row["textareas"]]
    assert len(rows) >= 3
    assert len(picks) == len(set(picks))
    assert len(names) == len(set(names))
    referral = [r for r in rows if r["pick"].endswith("|psych-referral")]
    assert [" ".join(r["text"].split()) for r in referral] == [
        "Referral to a psychiatrist or clinical psychologist T-6 · Psychological support and "
        "clinical interview Scheme",
        "Referral to a psychiatrist or clinical psychologist T-6 · Referral to a psychiatrist "
        "or clinical psychologist Scheme",
        "Referral to a psychiatrist or clinical psychologist T-6 · Benzodiazepines Scheme",
    ]


def test_scheme_typed_for_the_referral_reaches_the_issued_pdf():
    patient, _doctor, evaluation, client = _hads_team()
    builder = reverse("clinic-web:conclusion-new", kwargs={"patient_id": patient.pk})
    rows = _rows(client.get(builder).content.decode())
    (chosen,) = [
        r
        for r in rows
        if r["pick"].endswith("|psych-referral") and "T-6 · Referral to a psychiatrist" in r["text"]
    ]
    # As a browser does: every textarea is posted, the ticked box only.
    form: dict[str, list[str]] = {}
    for row in rows:
        for name, text in row["textareas"]:
            form.setdefault(name, []).append(SCHEME if row is chosen else text)
    form.update(
        {"evaluation_id": [str(evaluation.pk)], "pick": [chosen["pick"]], "free_text": [""]}
    )

    created = client.post(builder, form)

    conclusion = Conclusion.objects.get()
    assert created.status_code == 302
    assert [(i.rule_id, i.catalogue_item.code, i.scheme) for i in conclusion.items.all()] == [
        ("T-6", "psych-referral", SCHEME)
    ]
    detail = reverse("clinic-web:conclusion-detail", kwargs={"conclusion_id": conclusion.pk})
    assert client.post(detail, {"action": "issue"}).status_code == 302
    conclusion.refresh_from_db()
    assert conclusion.status == ConclusionStatus.ISSUED
    pdf = client.get(
        reverse("clinic-web:conclusion-pdf", kwargs={"conclusion_id": conclusion.pk, "number": 1})
    )
    reader = pypdf.PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert SCHEME in text


def test_builder_shows_each_suggestions_own_decision():
    patient, doctor, evaluation, client = _hads_team()
    SuggestionDecisionFactory(
        evaluation=evaluation,
        actor=doctor,
        rule_id="T-6",
        option="benzodiazepines",
        action="rejected",
        reason="Already on clonazepam",
    )

    page = client.get(reverse("clinic-web:conclusion-new", kwargs={"patient_id": patient.pk}))

    decided = {
        (row["rule_id"], row["option"]): row["decision"] and row["decision"].action
        for row in page.context["rows"]
    }
    assert decided == {
        ("T-0", "self-management-plan"): None,
        ("T-6", "psychological-support"): None,
        ("T-6", "mental-health-referral"): None,
        ("T-6", "benzodiazepines"): "rejected",
    }
