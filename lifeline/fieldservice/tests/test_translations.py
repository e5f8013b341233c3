"""Every string of the module reads in Russian as its own catalogue translates it.

Django looks a context-free msgid up in the project catalogue (`locale/`) first, then in the
apps' catalogues in INSTALLED_APPS order, so a bare "Done" or "Open" that another module
translated first shows that module's word on our pages («Выполнено» for a request status
«Готово»). Such labels carry a translation context (`pgettext`)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from django.utils import translation

import lifeline.fieldservice

CATALOGUE = Path(lifeline.fieldservice.__file__).parent / "locale/ru/LC_MESSAGES/django.po"


def test_no_string_of_the_module_is_translated_by_another_catalogue() -> None:
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    overridden = []
    with translation.override("ru"):
        for message in catalogue:
            if not message.id or message.fuzzy or message.pluralizable or not message.string:
                continue
            if message.context:
                shown = translation.pgettext(message.context, message.id)
            else:
                shown = translation.gettext(message.id)
            if shown != message.string:
                overridden.append((message.context, message.id, message.string, shown))
    assert overridden == []
