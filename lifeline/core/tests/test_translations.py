import gettext

from lifeline.core.catalogues import compile_catalogue

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ru\\n"

msgid "Sign in"
msgstr "Войти"
"""


def test_babel_compiles_a_catalogue_gettext_can_read(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")

    compile_catalogue(po)

    with (tmp_path / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    assert translations.gettext("Sign in") == "Войти"
