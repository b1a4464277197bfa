"""Helpers for messages: quote the offending text briefly, so a message stays one readable line."""

from __future__ import annotations

QUOTE_AT_MOST = 80


def quote(text: str, limit: int = QUOTE_AT_MOST) -> str:
    """`text` in double quotes, shortened in the middle past `limit` characters."""
    if len(text) > limit:
        half = (limit - 1) // 2
        text = f"{text[:half]}…{text[-half:]}"
    return f'"{text}"'
