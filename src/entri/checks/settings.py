"""The `checks` settings object, validated where settings are written (organization and
project PATCH), so the write path can trust what it reads (docs/checks.md, "Settings").

Organization: `{"severities": {check id: "error" | "warning" | "off"}}`.
Project: the same `severities` (overriding the organization's per check id), plus `dialect`
(a placeholder dialect id, or "auto" to infer it from each key's origin format) and
`identical` (texts that may stay equal to their source: brand names, codes).
"""

from __future__ import annotations

from collections.abc import Mapping

from entri.checks.dialects import DIALECTS
from entri.checks.runner import validate_severities

MAX_IDENTICAL = 1000
MAX_IDENTICAL_LENGTH = 500
ORGANIZATION_FIELDS = ("severities",)
PROJECT_FIELDS = ("severities", "dialect", "identical")


def problems(value: object, *, where: str, for_project: bool) -> list[str]:
    """What is wrong with a `checks` settings object (empty when it is valid)."""
    if not isinstance(value, Mapping):
        return [f"{where} must be an object"]
    allowed = PROJECT_FIELDS if for_project else ORGANIZATION_FIELDS
    found = [
        f"{where}: unknown field '{name}' (allowed: {', '.join(allowed)})" for name in value if name not in allowed
    ]
    if value.get("severities") is not None:
        found += validate_severities(value["severities"], where=f"{where}.severities")
    dialect = value.get("dialect")
    if dialect is not None and dialect not in DIALECTS:
        found.append(f"{where}.dialect must be one of {', '.join(DIALECTS)}")
    identical = value.get("identical")
    if identical is not None:
        if not isinstance(identical, list) or not all(isinstance(t, str) and t for t in identical):
            found.append(f"{where}.identical must be a list of non-empty strings")
        elif len(identical) > MAX_IDENTICAL or any(len(t) > MAX_IDENTICAL_LENGTH for t in identical):
            found.append(
                f"{where}.identical holds at most {MAX_IDENTICAL} strings of at most {MAX_IDENTICAL_LENGTH} characters"
            )
    return found
