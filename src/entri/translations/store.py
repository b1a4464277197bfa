"""The SQL behind the write path: read the current rows, then insert, update and append history
in a few set-based statements (see core/bulk.py). Only `translations.service` calls this.

Concurrency: SQLite runs one writer at a time (`BEGIN IMMEDIATE`), so what was read is what is
updated. PostgreSQL writers do not lock on read; each UPDATE names the version it read
(`WHERE id = … AND version = …`) and rows are inserted with `ON CONFLICT DO NOTHING`, both in
key order. When another transaction got there first, fewer rows match than planned and the
write raises `LostRace`, a transient error: the service-level retry (core/db.py) runs the whole
transaction again on fresh data, so no update is lost and nobody sees a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.core.bulk import copy_rows, insert_rows, table_of, update_rows
from entri.core.db import TransientConflict
from entri.core.errors import NotFound
from entri.translations.models import Translation, TranslationHistory

_TABLE = table_of(Translation.__table__)
_HISTORY = table_of(TranslationHistory.__table__)
_IN_CHUNK = 900
LOCK_AT_MOST = 1000
_FOREIGN_KEY_VIOLATION = "23503"

UPDATE_COLUMNS = (
    "value",
    "plural_forms",
    "status",
    "source",
    "ai_confidence",
    "version",
    "updated_by",
    "updated_by_name",
    "updated_at",
    "checks",
    "check_level",
)
"""What a write sets; an UPDATE's parameters are these, then the row's id and version read."""
ROW_COLUMNS = ("id", "key_id", "project_id", "language", "created_at", *UPDATE_COLUMNS)
"""A new row: its identity and creation time, then the same state an update sets."""
HISTORY_COLUMNS = (
    "id",
    "translation_id",
    "key_id",
    "project_id",
    "language",
    "version",
    "action",
    "previous_value",
    "previous_plural_forms",
    "previous_status",
    "new_value",
    "new_plural_forms",
    "new_status",
    "source",
    "ai_confidence",
    "changed_by",
    "changed_by_name",
    "created_at",
    "forced",
    "receipt",
)


class LostRace(TransientConflict):
    """A concurrent writer created or changed a row between our read and our write."""


@dataclass(slots=True)
class Stored:
    """A translation row as the write path needs it."""

    id: str
    value: str | None
    plural_forms: dict[str, str] | None
    status: str
    source: str
    ai_confidence: int | None
    version: int
    checks: list[dict[str, str]] | None


_STORED = (
    Translation.key_id,
    Translation.id,
    Translation.value,
    Translation.plural_forms,
    Translation.status,
    Translation.source,
    Translation.ai_confidence,
    Translation.version,
    Translation.checks,
)


def fetch(session: Session, *, project_id: str, language: str, key_ids: Sequence[str]) -> dict[str, Stored]:
    """The stored rows of `key_ids` in `language`, by key id (unique index on key and language).

    A small write (an edit, a status change, an overwrite call) locks the rows it read, in key
    order: many writers of one hot row then queue instead of failing their version check over
    and over. A big write (an import, which already holds the project) reads without locking
    and relies on the version check alone; locking 100k rows costs more than the rare retry.
    """
    conn = session.connection()
    base = select(*_STORED).where(Translation.language == language).order_by(Translation.key_id)
    if len(key_ids) <= LOCK_AT_MOST:
        base = base.with_for_update()
    found: dict[str, Stored] = {}
    for start in range(0, len(key_ids), _IN_CHUNK):
        chunk = key_ids[start : start + _IN_CHUNK]
        for row in conn.execute(base.where(Translation.key_id.in_(chunk))).all():
            found[row[0]] = Stored(*row[1:])
    return found


def fetch_other_languages(session: Session, *, key_ids: Sequence[str], language: str) -> list[tuple[str, str, Stored]]:
    """(key id, language, row) of every translation of `key_ids` except in `language` (the
    source): what a source change re-checks. Not locked: updates check the version read."""
    conn = session.connection()
    base = select(Translation.language, *_STORED).where(Translation.language != language)
    found: list[tuple[str, str, Stored]] = []
    for start in range(0, len(key_ids), _IN_CHUNK):
        chunk = key_ids[start : start + _IN_CHUNK]
        for row in conn.execute(base.where(Translation.key_id.in_(chunk)).order_by(Translation.key_id)).all():
            language_of, key_id, *state = row
            found.append((key_id, language_of, Stored(*state)))
    return found


def insert(session: Session, rows: Sequence[Sequence[Any]]) -> None:
    """New translation rows (ROW_COLUMNS order). A concurrent creator (PostgreSQL) may have
    inserted the same (key, language) since we looked, or a key flagged fresh was not: either
    way the row is skipped, counted, and the transaction retried on fresh data."""
    if not rows:
        return
    try:
        inserted = insert_rows(session, _TABLE, ROW_COLUMNS, rows, skip_conflicts=True)
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == _FOREIGN_KEY_VIOLATION:
            # PostgreSQL: the key was deleted (and committed) after the caller looked it up.
            raise NotFound("Key not found: it was deleted meanwhile") from exc
        raise
    if inserted != len(rows):
        raise LostRace(f"{len(rows) - inserted} translations were created concurrently")


def insert_fresh(session: Session, rows: Sequence[Sequence[Any]]) -> None:
    """Rows of keys created in this transaction: nobody else can have written them, so they go
    in by COPY on PostgreSQL. Were a key wrongly flagged fresh, the unique index refuses the
    row (a unique violation) and `retry_transient` runs the transaction again, as for a race.
    SQLite's executemany is as fast as it goes: the plain conflict-skipping insert."""
    if rows and session.get_bind().dialect.name == "postgresql":
        copy_rows(session, _TABLE, ROW_COLUMNS, rows)
    else:
        insert(session, rows)


def update(session: Session, rows: Sequence[Sequence[Any]]) -> None:
    """Changed rows: UPDATE_COLUMNS values, then id and the version they were read at."""
    if not rows:
        return
    matched = update_rows(session, _TABLE, UPDATE_COLUMNS, ("id", "version"), rows)
    if matched != len(rows):
        raise LostRace(f"{len(rows) - matched} translations were changed concurrently")


def set_checks(session: Session, rows: Sequence[Sequence[Any]]) -> None:
    """Re-checked rows whose value did not change: (checks, check_level, id). Not a write of the
    translation (no version, no history): the failures are derived data, kept current."""
    if rows:
        update_rows(session, _TABLE, ("checks", "check_level"), ("id",), rows)


def append_history(session: Session, rows: Iterable[Sequence[Any]]) -> None:
    copy_rows(session, _HISTORY, HISTORY_COLUMNS, rows)
