"""Clinic REST endpoints: care part."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
