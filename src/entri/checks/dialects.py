"""Placeholder dialects (minimal; the full module replaces this)."""

from __future__ import annotations

DIALECTS = ("auto",)


def infer_dialect(format_id: str | None) -> str:
    return "auto"
