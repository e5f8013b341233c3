"""Clinic REST endpoints: engine part."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
