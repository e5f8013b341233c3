# ruff: noqa: E501 - each note is one literal, as the rule set writes it (makemessages extracts it whole)
"""The rule set's evidence notes (`source_grade`) in the reader's language.

The versioned rule set states each option's sources in English, as the clinical spec writes
them; a Russian page showed that English (issue 14, item 8). Each note is listed here under the
context "evidence source", so makemessages extracts it and the catalogue translates it; a note
not listed is shown as written, and a test fails when the rule set has one that is not listed.
"""

from __future__ import annotations

import functools

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

_NOTES: tuple[Promise, ...] = (
    pgettext_lazy("evidence source", "AAN 2016 (Simpson et al.) Level A"),
    pgettext_lazy("evidence source", "AHA/ASA 2016 (class/LOE to verify)"),
    pgettext_lazy("evidence source", "AHA/ASA 2016 Class III, LOE B"),
    pgettext_lazy(
        "evidence source",
        "AHA/ASA 2016 Class IIa, LOE B; CPSP RCT (Vestergaard 2001); not recommended by NeuPSIG for neuropathic pain in general",
    ),
    pgettext_lazy(
        "evidence source",
        "AHA/ASA 2016 Class IIa, LOE B; NeuPSIG 2015 strong (TCA, NNT 3.6); Canadian 2019 second-line, Level C",
    ),
    pgettext_lazy("evidence source", "AHA/ASA 2016 Class IIb, LOE B"),
    pgettext_lazy("evidence source", "AHA/ASA 2016 as summarised"),
    pgettext_lazy(
        "evidence source", "Canadian 2019 Level C (resistant cases); NeuPSIG 2025 third-line, weak"
    ),
    pgettext_lazy("evidence source", "Canadian 2019"),
    pgettext_lazy("evidence source", "Canadian 2019: electrical stimulation Level B"),
    pgettext_lazy(
        "evidence source", "Canadian 2019: positioning Level B/C; overhead pulleys Level A against"
    ),
    pgettext_lazy("evidence source", "Consensus"),
    pgettext_lazy("evidence source", "LOCAL; HADS possible case"),
    pgettext_lazy("evidence source", "LOCAL; HADS probable case"),
    pgettext_lazy("evidence source", "LOCAL; NICE NG193"),
    pgettext_lazy("evidence source", "Labels"),
    pgettext_lazy(
        "evidence source",
        "Lefaucheur 2020 (HF-rTMS M1); NeuPSIG 2025 third-line, weak; CPSP meta-analysis low-quality evidence",
    ),
    pgettext_lazy("evidence source", "NICE NG193 2021"),
    pgettext_lazy("evidence source", "NICE NG193 principles; LOCAL"),
    pgettext_lazy(
        "evidence source",
        "NeuPSIG 2015 SNRIs strong (NNT 6.4); Canadian 2019 second-line, Level C; no positive CPSP RCT",
    ),
    pgettext_lazy("evidence source", "NeuPSIG 2015 SNRIs strong (NNT 6.4); no CPSP RCT"),
    pgettext_lazy("evidence source", "NeuPSIG 2015 Table 3: peripheral neuropathic pain only"),
    pgettext_lazy("evidence source", "NeuPSIG 2015 strong for neuropathic pain; no CPSP RCT"),
    pgettext_lazy(
        "evidence source",
        "NeuPSIG 2015 strong, first-line; Canadian 2019 first-line, Level C; CPSP RCT (Kim 2011) primary endpoint negative",
    ),
    pgettext_lazy("evidence source", "NeuPSIG 2015/2025; NICE CG173"),
    pgettext_lazy("evidence source", "NeuPSIG 2015: strong against"),
    pgettext_lazy("evidence source", "NeuPSIG 2015: weak against"),
    pgettext_lazy("evidence source", "NeuPSIG 2025; AHA/ASA 2016"),
    pgettext_lazy("evidence source", "Not effective in the CPSP RCT; an RCT favoured pregabalin"),
)


@functools.cache
def source_grades() -> dict[str, Promise]:
    """The English text of each note (its msgid: what no active catalogue gives) -> the note."""
    with translation.override(None):
        return {str(note): note for note in _NOTES}


def source_grade_label(text: str) -> str:
    """`text` (a rule set's `source_grade`) in the active language; unknown text as written."""
    note = source_grades().get(text)
    return str(note) if note is not None else text
