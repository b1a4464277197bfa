"""Hot queries compiled once per dialect and run on the DBAPI cursor, rows as plain tuples.

The per-language listing and token authentication run on every request. SQLAlchemy builds,
caches and post-processes a statement on each execution (result processors per column per
row); for a 100-row page that bookkeeping cost more than SQLite's work. Here the SQL text is
compiled once and rows come back as the driver gives them, so the caller converts the few
columns that need it (timestamps and JSON differ by driver: see `timestamp_iso`, `json_value`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable


class Prepared:
    """One statement with named bind parameters, compiled lazily for each dialect it meets."""

    def __init__(self, statement: Executable) -> None:
        self._statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _for(self, session: Session) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        dialect = session.get_bind().dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self._statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            order = tuple(compiled.positiontup) if compiled.positional else None
            # Literals in the statement (`- 1`) are bind parameters too, with their values.
            found = self._compiled[dialect.name] = (str(compiled), order, dict(compiled.params))
        return found

    def rows(self, session: Session, params: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
        """All rows, in the session's transaction."""
        sql, order, literals = self._for(session)
        values = {**literals, **params} if literals else params
        bound: Any = tuple(values[name] for name in order) if order is not None else dict(values)
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute(sql, bound)
            return list(cursor.fetchall())
        finally:
            cursor.close()


def timestamp_iso(value: str | datetime | None) -> str | None:
    """A stored timestamp as the API writes it (`2025-03-04T09:12:45.318Z`). SQLite hands back
    SQLAlchemy's text form `YYYY-MM-DD HH:MM:SS.ffffff` (UTC); PostgreSQL a datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) >= 23:
            return f"{value[:10]}T{value[11:23]}Z"
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def json_value(value: Any) -> Any:
    """A JSON column as the driver hands it back: text on SQLite, decoded on PostgreSQL."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value
