"""Render the «Консультативное заключение» (consultative conclusion) PDF from plain data.

Pure: no database. The conclusion service builds a `ConclusionDocument` from the stored
conclusion and calls `render_conclusion_pdf`, which returns the PDF bytes. The DejaVu fonts
shipped with matplotlib are embedded, so Cyrillic text renders (and can be extracted) in any
viewer. Labels are translated through gettext in the language of `document.language`.
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "LifelineDejaVuSans"
FONT_BOLD = "LifelineDejaVuSans-Bold"
# matplotlib's own data files, located without importing matplotlib (slow to import).
_FONT_DIR = (
    Path(importlib.util.find_spec("matplotlib").origin).parent  # type: ignore[arg-type, union-attr]
    / "mpl-data"
    / "fonts"
    / "ttf"
)


@dataclass(frozen=True)
class ScoreLine:
    """One instrument's result as printed: "DN4 · 6 / 10 · neuropathic component likely"."""

    instrument: str
    score: str
    band: str = ""


@dataclass(frozen=True)
class TreatmentLine:
    """One chosen option with the scheme the doctor settled on."""

    title: str
    scheme: str = ""
    rule_id: str = ""


@dataclass(frozen=True)
class ConclusionDocument:
    """Everything printed on a conclusion, already formatted as text."""

    patient_name: str
    issued_on: date
    doctor_name: str
    organization_name: str = ""
    patient_birth_date: date | None = None
    diagnosis: str = ""
    scores: list[ScoreLine] = field(default_factory=list)
    classification: list[str] = field(default_factory=list)
    treatments: list[TreatmentLine] = field(default_factory=list)
    free_text: str = ""
    version: int = 1
    reference: str = ""
    language: str = "ru"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONT_DIR / "DejaVuSans-Bold.ttf")))


def _text(value: str) -> str:
    """Escape for reportlab's mini-markup and keep the doctor's line breaks."""
    return escape(value).replace("\n", "<br/>")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, alignment=1
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8
        ),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11),
    }


def _table(rows: list[list[Paragraph]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_conclusion_pdf(document: ConclusionDocument) -> bytes:
    """Return the PDF bytes of `document` (A4, fonts embedded)."""
    _register_fonts()
    with translation.override(document.language):
        return _render(document)


def _render(doc: ConclusionDocument) -> bytes:
    styles = _styles()
    cell = styles["cell"]
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Consultative conclusion"),
        author=doc.doctor_name,
        subject=doc.reference,
    )
    width = A4[0] - 36 * mm
    story: list[Flowable] = []
    if doc.organization_name:
        story.append(Paragraph(_text(doc.organization_name), styles["small"]))
    story.append(Paragraph(_text(_("Consultative conclusion").upper()), styles["title"]))
    story.append(Spacer(1, 4 * mm))

    facts = [(_("Patient"), doc.patient_name)]
    if doc.patient_birth_date:
        facts.append((_("Date of birth"), doc.patient_birth_date.strftime("%d.%m.%Y")))
    if doc.diagnosis:
        facts.append((_("Diagnosis"), doc.diagnosis))
    facts.append((_("Date"), doc.issued_on.strftime("%d.%m.%Y")))
    for label, value in facts:
        story.append(Paragraph(f"<b>{_text(label)}:</b> {_text(value)}", styles["base"]))

    story.append(Paragraph(_text(_("Assessment results")), styles["heading"]))
    if doc.scores:
        rows = [
            [
                Paragraph(_text(_("Instrument")), cell),
                Paragraph(_text(_("Score")), cell),
                Paragraph(_text(_("Interpretation")), cell),
            ]
        ]
        rows += [
            [
                Paragraph(_text(line.instrument), cell),
                Paragraph(_text(line.score), cell),
                Paragraph(_text(line.band), cell),
            ]
            for line in doc.scores
        ]
        story.append(_table(rows, [0.3 * width, 0.2 * width, 0.5 * width]))
    else:
        story.append(Paragraph(_text(_("No scored assessment.")), styles["base"]))

    story.append(Paragraph(_text(_("Classification")), styles["heading"]))
    classification = doc.classification or [_("Not classified.")]
    for label in classification:
        story.append(Paragraph(f"• {_text(label)}", styles["base"]))

    story.append(Paragraph(_text(_("Recommended treatment")), styles["heading"]))
    if doc.treatments:
        rows = [[Paragraph(_text(_("Option")), cell), Paragraph(_text(_("Scheme")), cell)]]
        rows += [
            [Paragraph(_text(line.title), cell), Paragraph(_text(line.scheme or "—"), cell)]
            for line in doc.treatments
        ]
        story.append(_table(rows, [0.35 * width, 0.65 * width]))
    else:
        story.append(Paragraph(_text(_("No treatment options chosen.")), styles["base"]))

    if doc.free_text:
        story.append(Paragraph(_text(_("Comments")), styles["heading"]))
        story.append(Paragraph(_text(doc.free_text), styles["base"]))

    story.append(Spacer(1, 8 * mm))
    # gettext calls outside f-strings: xgettext does not look inside them (the label stayed
    # English in the Russian PDF because makemessages never extracted it).
    doctor_label, signature_label = _("Doctor"), _("Signature")
    story.append(
        Paragraph(f"<b>{_text(doctor_label)}:</b> {_text(doc.doctor_name)}", styles["base"])
    )
    story.append(Paragraph(f"{_text(signature_label)}: ____________________", styles["base"]))
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            _text(
                _(
                    "Decision support for the physician. Not a prescription: every option "
                    "above was chosen and adjusted by the treating doctor."
                )
            ),
            styles["small"],
        )
    )
    if doc.reference:
        story.append(
            Paragraph(
                _text(_("Document %(reference)s, version %(version)s"))
                % {"reference": _text(doc.reference), "version": doc.version},
                styles["small"],
            )
        )
    pdf.build(story)
    return buffer.getvalue()
