"""Run one check on one subject, the way the runner does, and return its messages."""

from __future__ import annotations

from collections.abc import Mapping

from entri.checks.base import Context, Subject
from entri.checks.registry import all_checks


def messages(
    check_id: str,
    value: str | None,
    source: str | None,
    *,
    language: str = "de",
    dialect: str = "auto",
    context: Context | None = None,
    **fields: object,
) -> list[str]:
    subject = Subject(language, value, source_value=source, dialect=dialect, **fields)  # type: ignore[arg-type]
    return list(all_checks()[check_id].function(subject, context or Context()))


def plural_messages(
    check_id: str,
    plurals: Mapping[str, str],
    source_plurals: Mapping[str, str] | None,
    *,
    language: str,
    dialect: str = "auto",
    **fields: object,
) -> list[str]:
    subject = Subject(
        language,
        plurals.get("other"),
        plurals=plurals,
        source_plurals=source_plurals,
        source_value=(source_plurals or {}).get("other"),
        dialect=dialect,
        **fields,  # type: ignore[arg-type]
    )
    return list(all_checks()[check_id].function(subject, Context()))
