"""The catalogue of checks, by id. Modules register at import; `all_checks()` imports them all.

A later check (glossary adherence) registers the same way and reads its prepared data from
`Context.extra[its id]`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from entri.checks.base import Check, CheckFunction, Severity

_CHECKS: dict[str, Check] = {}
_MODULES = (
    "entri.checks.basic",
    "entri.checks.placeholders",
    "entri.checks.icu",
    "entri.checks.markup",
    "entri.checks.spacing",
    "entri.checks.identical",
    "entri.checks.glossary",
)
"""Modules holding checks; each registers its checks when imported."""


def register(
    check_id: str,
    severity: Severity,
    description: str,
    *,
    applies_to_source: bool = False,
    needs_source: bool = False,
    triggers: Iterable[str] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Decorator: add a check function to the catalogue under `check_id` (see `Check` for the
    screening flags: a wrong trigger hides failures, so tests run every check unscreened too)."""

    def add(function: CheckFunction) -> CheckFunction:
        if check_id in _CHECKS:
            raise ValueError(f"check '{check_id}' registered twice")
        _CHECKS[check_id] = Check(
            check_id, severity, description, function, applies_to_source, needs_source, frozenset(triggers)
        )
        return function

    return add


def all_checks() -> dict[str, Check]:
    """Every registered check, by id, in registration order."""
    for module in _MODULES:
        importlib.import_module(module)
    return dict(_CHECKS)
