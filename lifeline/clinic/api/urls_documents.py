"""Clinic REST endpoints: documents part."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
