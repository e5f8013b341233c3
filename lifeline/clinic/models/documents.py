"""Clinic models: documents."""

from __future__ import annotations

__all__: list[str] = []
