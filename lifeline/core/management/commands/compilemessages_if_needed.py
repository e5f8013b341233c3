"""Compile .po catalogues to .mo when the .mo is missing or older (first run of a checkout).

`lifeline serve` compiles them itself before Django starts (see `lifeline.core.catalogues`);
this command is for other ways of running the project, e.g. `lifeline manage` in an image build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lifeline.core.catalogues import compile_stale_catalogues


class Command(BaseCommand):
    help = "Compile translation catalogues that are missing or stale."

    def handle(self, *args: Any, **options: Any) -> None:
        for mo in compile_stale_catalogues(Path(settings.BASE_DIR)):
            if options["verbosity"] > 1:
                self.stdout.write(f"compiled {mo}")
