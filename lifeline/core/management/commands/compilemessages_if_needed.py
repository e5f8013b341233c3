"""Compile .po catalogues to .mo when the .mo is missing or older (first run of a checkout)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile translation catalogues that are missing or stale."

    def handle(self, *args: Any, **options: Any) -> None:
        # The project catalogue plus each app's own (lifeline/<app>/locale/), which
        # makemessages run inside the app directory writes, so modules translate separately.
        locale_dirs = [Path(d) for d in settings.LOCALE_PATHS] + [
            Path(app.path) / "locale"
            for app in apps.get_app_configs()
            if app.name.startswith("lifeline.")
        ]
        stale = [
            po
            for locale_dir in locale_dirs
            for po in locale_dir.glob("*/LC_MESSAGES/*.po")
            if not po.with_suffix(".mo").exists()
            or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
        ]
        if not stale:
            return
        if shutil.which("msgfmt") is not None:
            call_command("compilemessages", verbosity=0, ignore_patterns=[".venv/*"])
            return
        # "Only Python and uv" machines have no GNU gettext: Babel compiles the same catalogue.
        for po in stale:
            compile_with_babel(po)


def compile_with_babel(po: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source)
    with po.with_suffix(".mo").open("wb") as target:
        write_mo(target, catalog)
