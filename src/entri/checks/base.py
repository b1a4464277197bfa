"""The shapes every check shares: what is checked (`Subject`), what a check says (`Failure`),
and what a check is (`Check`), so the runner, the registry and the API agree on one vocabulary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class Severity(StrEnum):
    """How a failing check weighs: an `error` blocks review and approval (unless forced) and
    `?exclude=failing-errors` leaves the value out of an export; a `warning` is only shown."""

    ERROR = "error"
    WARNING = "warning"


class Level(IntEnum):
    """The worst severity among a translation's failures, stored beside them for filtering."""

    CLEAN = 0
    WARNING = 1
    ERROR = 2


OFF = "off"
"""A severity setting that switches a check off."""


@dataclass(frozen=True, slots=True)
class Failure:
    """One failing check on one translation: `message` names the problem and the offending text."""

    id: str
    severity: Severity
    message: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "severity": self.severity.value, "message": self.message}


@dataclass(frozen=True, slots=True)
class Subject:
    """One translation and what it is checked against.

    `value` is the singular text (for a plural key: the `other` form); `plurals` the forms by CLDR
    category, or None for a non-plural key. The same for `source_*`, the source language's text of
    the same key (None when the key has no source text yet: parity checks then pass).
    `dialect` is a placeholder dialect id from `dialects.DIALECTS`, already resolved (project
    override, else inferred from the key's origin format, else "auto").
    """

    language: str
    value: str | None
    plurals: Mapping[str, str] | None = None
    source_language: str = "en"
    source_value: str | None = None
    source_plurals: Mapping[str, str] | None = None
    dialect: str = "auto"
    max_length: int | None = None
    do_not_translate: bool = False
    is_source: bool = False
    """True when the subject is the source language's own text: parity checks do not apply."""


@dataclass(frozen=True, slots=True)
class Context:
    """Per-project data a check may need, prepared once per write (not per string).

    `identical` lists strings that may stay equal to their source (brand names, codes).
    `extra` is where later checks plug their prepared data in (the glossary's term automaton,
    keyed by the check id), without changing this class.
    """

    identical: frozenset[str] = frozenset()
    extra: Mapping[str, Any] = field(default_factory=dict)


CheckFunction = Callable[[Subject, Context], Iterable[str]]
"""Yields one message per problem found; yields nothing when the subject passes."""


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: stable `id` (API, settings, stored rows), default severity, a one-line
    description for docs and the settings UI, and the function."""

    id: str
    severity: Severity
    description: str
    function: CheckFunction
    applies_to_source: bool = False
    """Most checks compare a translation with its source; a few (ICU syntax, max length) also
    hold for the source text itself."""
    needs_source: bool = False
    """A parity check: it passes when the key has no source text, so it is not even called."""
    triggers: frozenset[str] = frozenset()
    """For a non-plural subject, the check runs only when one of these occurs in the translation
    or its source (a substring, or `MAX_LENGTH_SET` / `SAME_AS_SOURCE`); empty: it always runs.
    Screening once per subject costs less than calling a dozen checks that have nothing to look
    at (docs/checks.md, "Speed")."""


MAX_LENGTH_SET = "\x00max_length"
"""Pseudo-trigger: the key has a maximum length."""
SAME_AS_SOURCE = "\x00same"
"""Pseudo-trigger: the translation equals its source text."""
PLURALS_ONLY = "\x00plural"
"""Pseudo-trigger no text has: the check only looks at plural forms."""
PSEUDO_TRIGGERS = frozenset({MAX_LENGTH_SET, SAME_AS_SOURCE, PLURALS_ONLY})
