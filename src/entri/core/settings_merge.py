"""Nested partial update of a settings object (PATCH `{"settings": {...}}`).

An object merges into the stored object key by key, at every depth; any other value replaces;
`null` removes the key. So `{"checks": {"severities": {"unchanged": "off"}}}` changes one
severity and keeps every other setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def merged(stored: Mapping[str, Any] | None, patch: Mapping[str, Any]) -> dict[str, Any]:
    """`stored` with `patch` applied (neither is modified)."""
    result = dict(stored or {})
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        elif isinstance(value, Mapping) and isinstance(result.get(name), Mapping):
            result[name] = merged(result[name], value)
        else:
            result[name] = value
    return result
