"""Turn settings into a `Checker` once per write, then run it on every subject.

Settings (docs/checks.md): a mapping of check id to `error`, `warning` or `off`, merged from
the organization's `settings.checks.severities` and the project's override. Unknown ids in
settings are refused by `validate_severities` where settings are written, not here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from entri.checks.base import (
    MAX_LENGTH_SET,
    OFF,
    PSEUDO_TRIGGERS,
    SAME_AS_SOURCE,
    Check,
    Context,
    Failure,
    Level,
    Severity,
    Subject,
)
from entri.checks.registry import all_checks


class Checker:
    """The enabled checks with their effective severity, ready to run on many subjects."""

    __slots__ = ("_checks", "_plan", "_substrings", "context")

    def __init__(self, severities: Mapping[str, str] | None = None, context: Context | None = None) -> None:
        chosen: list[tuple[Check, Severity]] = []
        overrides = severities or {}
        for check in all_checks().values():
            setting = overrides.get(check.id, check.severity.value)
            if setting != OFF:
                chosen.append((check, Severity(setting)))
        self._checks = tuple(chosen)
        self._plan = tuple(
            (c.function, c.id, severity, c.applies_to_source, c.needs_source, c.triggers or None)
            for c, severity in chosen
        )
        """The checks as plain tuples: unpacked once per check and subject, cheaper than
        attribute reads on this path, which runs for every stored value."""
        self._substrings = tuple(sorted({t for c, _ in chosen for t in c.triggers} - PSEUDO_TRIGGERS))
        self.context = context or Context()

    def check(self, subject: Subject, *, screen: bool = True) -> list[Failure]:
        """Every failure of `subject`, in catalogue order (empty when it passes or is empty).

        A non-plural subject is screened first: a check whose triggers (`Check.triggers`) do not
        occur is not called, nor a parity check when there is no source text. `screen=False`
        calls every check (the tests hold both ways equal).
        """
        if subject.value is None and not subject.plurals:
            return []
        failures: list[Failure] = []
        context = self.context
        is_source = subject.is_source
        has_source = not is_source and bool(subject.source_value or subject.source_plurals)
        present: set[str] | None = None
        if screen and subject.plurals is None:
            value, source = subject.value or "", subject.source_value or ""
            present = {t for t in self._substrings if t in value or t in source}
            if subject.max_length is not None:
                present.add(MAX_LENGTH_SET)
            if value == source:
                present.add(SAME_AS_SOURCE)
        # A plain loop, not `extend(generator)`: this runs for every stored value, and a
        # generator per check cost more than all the checks' fast paths together.
        for function, check_id, severity, to_source, needs_source, triggers in self._plan:
            if is_source and not to_source:
                continue
            if needs_source and not has_source:
                continue
            if triggers is not None and present is not None and triggers.isdisjoint(present):
                continue
            for message in function(subject, context):
                failures.append(Failure(check_id, severity, message))
        return failures


def level(failures: Sequence[Failure]) -> Level:
    """The worst severity among `failures`."""
    if any(f.severity is Severity.ERROR for f in failures):
        return Level.ERROR
    return Level.WARNING if failures else Level.CLEAN


def validate_severities(severities: object, *, where: str = "checks.severities") -> list[str]:
    """Problems with a severity setting, for the settings routes (empty when valid)."""
    if not isinstance(severities, Mapping):
        return [f"{where} must be an object of check id to 'error', 'warning' or 'off'"]
    known = all_checks()
    allowed = {Severity.ERROR.value, Severity.WARNING.value, OFF}
    problems: list[str] = []
    for check_id, setting in severities.items():
        if check_id not in known:
            problems.append(f"{where}: unknown check '{check_id}' (known: {', '.join(known)})")
        elif setting not in allowed:
            problems.append(f"{where}.{check_id} must be 'error', 'warning' or 'off'")
    return problems


def counts(failure_lists: Iterable[Sequence[Failure]]) -> dict[str, int]:
    """How many subjects fail each check id (an import's `checks` summary)."""
    found: dict[str, int] = {}
    for failures in failure_lists:
        for check_id in {f.id for f in failures}:
            found[check_id] = found.get(check_id, 0) + 1
    return dict(sorted(found.items()))
