"""Excel (xlsx) exports built with openpyxl from selector output. Pure: no queries here."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cohort_workbook(summary: Mapping[str, Any]) -> bytes:
    """Two sheets: the summary figures and one row per patient (`cohort_summary` output)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = pgettext("export sheet", "Summary")[:31]
    bold = Font(bold=True)
    rows: list[tuple[str, Any]] = [
        (_("Patients"), summary["patient_count"]),
        (_("Patients with follow-up"), summary["with_follow_up"]),
        (_("Mean pain change (0–10)"), summary["mean_change"]),
        (_("Mean pain change, %"), summary["mean_change_percent"]),
        (_("Responders ≥30 %"), summary["responders_30"]),
        (_("Responders ≥50 %"), summary["responders_50"]),
    ]
    for label, value in rows:
        sheet.append([label, value])
    sheet.append([])
    sheet.append([_("Mechanism"), _("Patients")])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.cell(row=sheet.max_row, column=2).font = bold
    for mechanism, count in summary["mechanisms"].items():
        sheet.append([mechanism, count])
    sheet.column_dimensions["A"].width = 34

    patients = book.create_sheet(_("Patients")[:31])
    header = [
        _("Patient"),
        _("Mechanism"),
        _("Baseline pain (0–10)"),
        _("Latest pain (0–10)"),
        _("Change, %"),
        _("Responder ≥30 %"),
        _("Responder ≥50 %"),
    ]
    patients.append(header)
    for cell in patients[1]:
        cell.font = bold
    for row in summary["rows"]:
        patients.append(
            [
                row.patient_name,
                row.mechanism,
                row.baseline,
                row.latest,
                row.change_percent,
                _("yes") if row.responder_30 else _("no"),
                _("yes") if row.responder_50 else _("no"),
            ]
        )
    patients.column_dimensions["A"].width = 32
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
