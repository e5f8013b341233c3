"""One word, one meaning: a message has the same translation in every catalogue.

Django merges all catalogues of a language into one: the project's `locale/` first, then each
app's `locale/` in INSTALLED_APPS order, and for a message (msgid, plural and context) the first
catalogue that has it wins on every page. So when two catalogues translate the same message
differently, one of the apps shows the other's word (a completed freelance order read as the
clinic's «Выполнено» instead of «Завершён»). A word whose meaning differs between apps needs a
context (`pgettext_lazy("freelance order", "Completed")`, `{% translate "Name" context "full
name" %}`); a word that means the same takes one wording.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from lifeline.core.catalogues import catalogue_sources

Key = tuple[str | None, str | tuple[str, ...]]


def _key(message: Message) -> Key:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return (message.context, msgid)


def _translation(message: Message) -> str | tuple[str, ...] | None:
    """What the compiled catalogue serves for `message`: nothing if untranslated or fuzzy."""
    if message.fuzzy:
        return None
    if isinstance(message.string, str):
        return message.string or None
    forms = tuple(message.string)
    return forms if any(forms) else None


def conflicts(catalogues: list[Path], root: Path) -> dict[Key, dict[str, object]]:
    """Messages translated differently in two of `catalogues`: {key: {catalogue: translation}}."""
    seen: dict[Key, dict[str, object]] = defaultdict(dict)
    for path in catalogues:
        with path.open("rb") as source:
            catalog = read_po(source)
        for message in catalog:
            text = _translation(message)
            if message.id and text is not None:
                seen[_key(message)][str(path.relative_to(root))] = text
    return {key: found for key, found in seen.items() if len(set(found.values())) > 1}


def _app(path: str) -> str:
    return path.rsplit("/locale/", 1)[0] if "/locale/" in path else "locale"


def _describe(found: dict[Key, dict[str, object]]) -> str:
    lines = []
    for (context, msgid), translations in sorted(found.items(), key=str):
        label = f"{context}: {msgid!r}" if context else repr(msgid)
        each = ", ".join(f"{_app(path)} «{text}»" for path, text in translations.items())
        lines.append(f"{label} — {each}")
    return "\n".join(lines)


def test_every_russian_message_has_one_translation_across_catalogues():
    root = Path(settings.BASE_DIR)
    russian = [po for po in catalogue_sources(root) if po.parts[-3] == "ru"]
    assert root / "locale/ru/LC_MESSAGES/django.po" in russian
    assert root / "lifeline/freelance/locale/ru/LC_MESSAGES/django.po" in russian

    found = conflicts(russian, root)

    assert not found, (
        "These messages are translated differently in two catalogues, so one app shows the "
        "other's word (Django keeps the first catalogue's). Give the word a context where its "
        "meaning differs (pgettext_lazy / {% translate … context … %}), or use one wording:\n"
        + _describe(found)
    )


def _served(message: Message) -> str | tuple[str, ...]:
    """What Django's merged Russian catalogue returns for `message` (n = 1, 2, 5 for plurals)."""
    context = message.context
    if isinstance(message.id, str):
        if context:
            return translation.pgettext(context, message.id)
        return translation.gettext(message.id)
    singular, plural = message.id[0], message.id[1]
    if context:
        return tuple(translation.npgettext(context, singular, plural, n) for n in (1, 2, 5))
    return tuple(translation.ngettext(singular, plural, n) for n in (1, 2, 5))


def test_django_serves_every_russian_message_as_its_own_catalogue_translates_it():
    """Third-party catalogues rank too: django.contrib.admin, Django REST framework,
    phonenumber_field… come before lifeline.core and the domain apps in INSTALLED_APPS (only
    `locale/` and lifeline.web come before them), so a bare word they translate is theirs."""
    root = Path(settings.BASE_DIR)
    wrong = []
    with translation.override("ru"):
        for po in [po for po in catalogue_sources(root) if po.parts[-3] == "ru"]:
            with po.open("rb") as source:
                catalog = read_po(source)
            for message in catalog:
                expected = _translation(message)
                if not message.id or expected is None:
                    continue
                if isinstance(expected, tuple):
                    expected = expected[:3]
                served = _served(message)
                if served != expected:
                    label = (
                        f"{message.context}: {message.id!r}"
                        if message.context
                        else repr(message.id)
                    )
                    wrong.append(
                        f"{_app(str(po.relative_to(root)))} {label}: «{expected}», shown «{served}»"
                    )

    assert wrong == [], (
        "Django shows another catalogue's translation for these messages (the first catalogue "
        "that has a message wins); give them a context or use the wording shown:\n"
        + "\n".join(wrong)
    )


PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n<5 ? 1 : 2);\\n"

"""


def _catalogue(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True)
    path.write_text(PO + body, encoding="utf-8")
    return path


def test_the_check_reports_different_translations_and_nothing_else(tmp_path):
    first = _catalogue(
        tmp_path / "locale/ru/LC_MESSAGES/django.po",
        'msgid "Completed"\nmsgstr "Выполнено"\n\n'
        'msgid "Edit"\nmsgstr "Изменить"\n\n'
        'msgctxt "order"\nmsgid "Open"\nmsgstr "Открыт"\n\n'
        'msgid "%(n)s call"\nmsgid_plural "%(n)s calls"\n'
        'msgstr[0] "%(n)s вызов"\nmsgstr[1] "%(n)s вызова"\nmsgstr[2] "%(n)s вызовов"\n\n'
        '#, fuzzy\nmsgid "Draft"\nmsgstr "Черновик"\n',
    )
    second = _catalogue(
        tmp_path / "lifeline/shop/locale/ru/LC_MESSAGES/django.po",
        'msgid "Completed"\nmsgstr "Завершён"\n\n'
        'msgid "Edit"\nmsgstr "Изменить"\n\n'
        'msgctxt "task"\nmsgid "Open"\nmsgstr "Открыта"\n\n'
        'msgid "%(n)s call"\nmsgid_plural "%(n)s calls"\n'
        'msgstr[0] "%(n)s звонок"\nmsgstr[1] "%(n)s звонка"\nmsgstr[2] "%(n)s звонков"\n\n'
        'msgid "Draft"\nmsgstr "Набросок"\n\n'
        'msgid "Open"\nmsgstr ""\n',
    )

    found = conflicts([first, second], tmp_path)

    assert found == {
        (None, "Completed"): {
            "locale/ru/LC_MESSAGES/django.po": "Выполнено",
            "lifeline/shop/locale/ru/LC_MESSAGES/django.po": "Завершён",
        },
        (None, ("%(n)s call", "%(n)s calls")): {
            "locale/ru/LC_MESSAGES/django.po": ("%(n)s вызов", "%(n)s вызова", "%(n)s вызовов"),
            "lifeline/shop/locale/ru/LC_MESSAGES/django.po": (
                "%(n)s звонок",
                "%(n)s звонка",
                "%(n)s звонков",
            ),
        },
    }
    assert _describe(found).splitlines()[0] == (
        "'Completed' — locale «Выполнено», lifeline/shop «Завершён»"
    )
