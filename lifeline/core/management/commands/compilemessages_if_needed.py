"""Compile .po catalogues to .mo when the .mo is missing or older (first run of a checkout)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile translation catalogues that are missing or stale."

    def handle(self, *args: Any, **options: Any) -> None:
        stale = False
        for locale_dir in settings.LOCALE_PATHS:
            for po in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                mo = po.with_suffix(".mo")
                if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                    stale = True
        if stale and shutil.which("msgfmt") is None:
            # A machine without GNU gettext still serves, in English (the msgids).
            self.stderr.write(
                "Translations not compiled: install gettext (msgfmt) for the Russian UI."
            )
            return
        if stale:
            call_command("compilemessages", verbosity=0, ignore_patterns=[".venv/*"])
