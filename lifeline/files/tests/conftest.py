from __future__ import annotations

from pathlib import Path

import pytest

from lifeline.files.permissions import _RULES


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """A fresh, empty MEDIA_ROOT per test, so "nothing stored" can be asserted exactly."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return root


@pytest.fixture(autouse=True)
def _isolated_access_rules():
    saved = dict(_RULES)
    yield
    _RULES.clear()
    _RULES.update(saved)


@pytest.fixture
def stored_blobs(media_root):
    """Call it to list every file currently in storage."""

    def _list() -> list[Path]:
        return sorted(path for path in media_root.rglob("*") if path.is_file())

    return _list
