"""The words every slice agrees on, spelled once: translation status, value source, history action.

They are `StrEnum`s so they compare equal to the plain strings stored in the database and sent
over HTTP, and a typo in code is a name error instead of a silently stored "robot".
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a translation stands in the review workflow (docs/api-decisions.md, "Statuses")."""

    UNTRANSLATED = "untranslated"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    APPROVED = "approved"


REVIEW_STATUSES = frozenset({Status.REVIEWED, Status.APPROVED})
"""Statuses only a reviewer may set."""


class Source(StrEnum):
    """Who or what produced a value: `human` edits, `ai`, file `import`, `tm` fill, `api` overwrite."""

    HUMAN = "human"
    AI = "ai"
    IMPORT = "import"
    TM = "tm"
    API = "api"


class Action(StrEnum):
    """What a history entry records: which kind of writer made the change."""

    UPDATE = "update"
    STATUS = "status"
    REVERT = "revert"
    OVERWRITE = "overwrite"
    IMPORT = "import"
    AI = "ai"
    TM = "tm"
    SOURCE_CHANGE = "source_change"
    """The source text changed: a reviewed or approved translation went back to `translated`."""


PLURAL_CATEGORIES: tuple[str, ...] = ("zero", "one", "two", "few", "many", "other")
"""CLDR plural categories in canonical order (the codecs in `formats` keep their own copy, since
they import nothing of the server; a test holds the two equal)."""


def spelled(vocabulary: type[StrEnum]) -> str:
    """The members as a message lists them: `a, b, c`."""
    return ", ".join(m.value for m in vocabulary)
