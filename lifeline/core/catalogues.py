"""Compile the translation catalogues (.po → .mo) that are missing or older than their source.

A checkout has no .mo files (they are build output). Django reads a language's catalogue once
per process, the first time a text of that language is translated, and keeps it: a .mo written
after that — `migrate` already translates — is not seen until the process restarts, so the
first run's pages and the demo notifications it seeded were English. Hence this runs before
`django.setup()` (`lifeline serve`) or before any test process starts (the root conftest), and
needs no Django: Babel reads and writes the catalogues, the same on a machine without GNU
gettext. Each .mo appears by an atomic rename, so a process reading it never sees half a file.
"""

from __future__ import annotations

import os
from pathlib import Path


def catalogue_sources(root: Path) -> list[Path]:
    """The project catalogue and each app's own (`lifeline/<app>/locale/`) under `root`."""
    return sorted(
        [
            *root.glob("locale/*/LC_MESSAGES/*.po"),
            *root.glob("lifeline/*/locale/*/LC_MESSAGES/*.po"),
        ]
    )


def compile_catalogue(po: Path) -> Path:
    """Write `po`'s compiled catalogue beside it (fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    mo = po.with_suffix(".mo")
    with po.open("rb") as source:
        catalog = read_po(source)
    partial = mo.with_suffix(f".mo.{os.getpid()}")
    with partial.open("wb") as target:
        write_mo(target, catalog)
    os.replace(partial, mo)
    return mo


def compile_stale_catalogues(root: Path) -> list[Path]:
    """Compile every catalogue under `root` whose .mo is missing or older than its .po."""
    compiled = []
    for po in catalogue_sources(root):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        compiled.append(compile_catalogue(po))
    return compiled
