"""The shapes of the write path: what a caller asks for (`Write`), what it did (`Change`), and
the plan between the two (`Pending`, `Rows`), shared by `service.py` and `checking.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from entri.checks.base import Failure
from entri.core.actor import Actor
from entri.core.vocabularies import Source
from entri.translations import quality, store


class KeyLike(Protocol):
    """What the write path needs of a key: an ORM `Key` or a light `keys.service.KeyRef`."""

    @property
    def id(self) -> str: ...

    @property
    def project_id(self) -> str: ...

    @property
    def is_plural(self) -> bool: ...


class ProjectLike(Protocol):
    """What the write path needs of a project (an ORM `Project`)."""

    @property
    def id(self) -> str: ...

    @property
    def languages(self) -> list[str]: ...

    @property
    def source_language(self) -> str: ...

    @property
    def organization_id(self) -> str: ...

    @property
    def settings(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Write:
    """One value (or, with `keep_value`, one status) to set on a (key, language).

    `status=None` derives it from the value: `translated`, or `untranslated` for "" (see
    docs/api-decisions.md, "Empty strings"). `expected_version` makes the write conditional:
    if the stored version differs, nothing is written and the call answers 409.
    """

    key: KeyLike
    language: str
    value: str | None = None
    plurals: dict[str, str] | None = None
    status: str | None = None
    source: str = Source.HUMAN
    ai_confidence: int | None = None
    expected_version: int | None = None
    keep_value: bool = False
    force: bool = False
    """Review or approve despite failing error-level checks (the caller checked the caller is an
    admin); recorded in history."""
    receipt: dict[str, Any] | None = None
    """Kept in the history entry: what an AI value was made from (docs/ai.md)."""
    downgrade: bool = False
    """A `reviewed`/`approved` status that error-level checks refuse becomes `translated` instead
    of refusing the write (import and revert: the value is kept, its review is not)."""

    @classmethod
    def status_change(
        cls, key: KeyLike, language: str, status: str, *, expected_version: int | None = None, force: bool = False
    ) -> Write:
        return cls(
            key=key, language=language, status=status, keep_value=True, expected_version=expected_version, force=force
        )


@dataclass(slots=True)
class Change:
    """What one write did to one translation; `old_*` are None for a translation just created.
    `failures` are the quality checks the new state fails (stored on the row); `forced` says an
    admin reviewed or approved it despite error-level failures."""

    translation_id: str
    key_id: str
    project_id: str
    language: str
    version: int
    action: str
    old_value: str | None
    old_plurals: dict[str, str] | None
    old_status: str | None
    new_value: str | None
    new_plurals: dict[str, str] | None
    new_status: str
    source: str
    ai_confidence: int | None
    actor: Actor
    at: datetime
    failures: list[Failure] = field(default_factory=list)
    forced: bool = False
    receipt: dict[str, Any] | None = None


@dataclass(slots=True)
class Pending:
    """A change planned but not yet written: how it will be written, and by which write."""

    change: Change
    write: Write | None
    stored: store.Stored | None
    fresh: bool


@dataclass(slots=True)
class Rows:
    """What a write will do, collected language by language before anything is written."""

    pending: list[Pending] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    recheck: list[tuple[Any, ...]] = field(default_factory=list)
    """(checks, check_level, id) of rows whose failures changed but not their content."""
    inputs: dict[str, quality.Inputs] = field(default_factory=dict)
    """Per key id, what its checks need (`quality.Inputs`), read once by `checking.check` and
    reused by `checking.dependents`."""


def same_state(
    row: store.Stored, value: str | None, plurals: Any, status: str, source: str, confidence: int | None
) -> bool:
    return (row.value, row.plural_forms, row.status, row.source, row.ai_confidence) == (
        value,
        plurals,
        status,
        source,
        confidence,
    )
