"""Recording and reading the activity trail (docs/activity.md).

`record` turns the events of one publish into rows with one executemany (core/bulk.py): no ORM
object per entry, and one statement whether a publish carries one event or a hundred. The write
path already folds more than 100 value changes into summary events (translations/events.py), so
a bulk write costs a handful of rows, never one per value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from entri.activity.models import NAME_LENGTH, ActivityEntry
from entri.core.bulk import insert_rows, table_of
from entri.core.clock import iso
from entri.core.errors import BadRequest
from entri.core.events import Event
from entri.core.ids import new_ids
from entri.core.pagination import PageParams
from entri.core.vocabularies import Source, spelled

SYSTEM_NAME = "System"
"""`userName` of an entry no person or token caused (a job's bookkeeping)."""

COLUMNS = (
    "id",
    "organization_id",
    "project_id",
    "action",
    "user_id",
    "user_name",
    "token_id",
    "target_type",
    "target_id",
    "source",
    "language",
    "count",
    "metadata",
    "created",
)


def _json(value: Any) -> Any:
    """Event data as JSON: datetimes as the API's ISO strings, enums as their values."""
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json(v) for v in value]
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _row(entry_id: str, event: Event) -> tuple[Any, ...]:
    actor = event.actor
    return (
        entry_id,
        event.organization_id,
        event.project_id,
        event.name,
        actor.user_id if actor else None,
        (actor.name if actor else SYSTEM_NAME)[:NAME_LENGTH],
        actor.token_id if actor else None,
        event.target_type,
        event.target_id,
        event.source,
        event.language,
        event.count,
        _json(event.data),
        event.at,
    )


def record(session: Session, events: Sequence[Event]) -> int:
    """Append one entry per event, in the caller's transaction; returns how many."""
    if not events:
        return 0
    ids = new_ids("act", len(events))
    rows = [_row(entry_id, event) for entry_id, event in zip(ids, events, strict=True)]
    return insert_rows(session, table_of(ActivityEntry.__table__), COLUMNS, rows)


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    project_id: str | None = None
    """One project's entries (the project feed; on the organization feed, also a deleted
    project's trail)."""
    action: str | None = None
    """An action name, or `<resource>.*` for every action of a resource (`glossary.*`)."""
    user_id: str | None = None
    target_type: str | None = None
    source: str | None = None
    language: str | None = None
    since: datetime | None = None
    """Inclusive."""
    until: datetime | None = None
    """Exclusive: `to` is inclusive, so this is the first moment after it (`parse_moment`)."""


MOMENT_HINT = "must be an ISO 8601 date or date-time (2025-03-02, 2025-03-02T14:30:00Z)"


def parse_moment(raw: str, *, end: bool = False) -> datetime | None:
    """An ISO 8601 date or date-time, None when it is not one. A date-time without an offset is
    UTC. With `end` the moment is included: the result is the first moment after it (a date-only
    value means "through that whole day", so the next day's start)."""
    text = raw.strip()
    try:
        if len(text) == 10:
            start = datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        # Moments compare at the millisecond, the precision of `created`: `to` set to an
        # entry's `created` includes that entry.
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        return moment + timedelta(milliseconds=1) if end else moment
    except (ValueError, OverflowError):  # not a date, or one past year 9999
        return None


def filters_of(
    *,
    project_id: str | None = None,
    action: str | None,
    user_id: str | None,
    target_type: str | None,
    source: str | None,
    language: str | None,
    since: str | None,
    until: str | None,
) -> Filters:
    """Query parameters checked and parsed: 400 naming every bad one (the language is
    normalized by the caller)."""
    problems: list[str] = []
    if source and source not in {s.value for s in Source}:
        problems.append(f"source must be one of {spelled(Source)}")
    start = parse_moment(since) if since else None
    if since and start is None:
        problems.append(f"from {MOMENT_HINT}")
    end = parse_moment(until, end=True) if until else None
    if until and end is None:
        problems.append(f"to {MOMENT_HINT}")
    if start is not None and end is not None and start >= end:
        problems.append("from must be before to")
    if problems:
        raise BadRequest(problems)
    return Filters(
        project_id=project_id or None,
        action=action or None,
        user_id=user_id or None,
        target_type=target_type or None,
        source=source or None,
        language=language or None,
        since=start,
        until=end,
    )


def _filtered(query: Select[Any], filters: Filters) -> Select[Any]:
    if filters.project_id is not None:
        query = query.where(ActivityEntry.project_id == filters.project_id)
    if filters.action is not None:
        if filters.action.endswith(".*"):
            query = query.where(ActivityEntry.action.startswith(filters.action[:-1], autoescape=True))
        else:
            query = query.where(ActivityEntry.action == filters.action)
    if filters.user_id is not None:
        query = query.where(ActivityEntry.user_id == filters.user_id)
    if filters.target_type is not None:
        query = query.where(ActivityEntry.target_type == filters.target_type)
    if filters.source is not None:
        query = query.where(ActivityEntry.source == filters.source)
    if filters.language is not None:
        query = query.where(ActivityEntry.language == filters.language)
    if filters.since is not None:
        query = query.where(ActivityEntry.created >= filters.since)
    if filters.until is not None:
        query = query.where(ActivityEntry.created < filters.until)
    return query


def list_entries(
    session: Session, *, organization_id: str, filters: Filters, params: PageParams
) -> tuple[list[ActivityEntry], int]:
    """An organization's feed (every project and the organization's own entries), or one
    project's (`filters.project_id`); newest first."""
    # The organization is checked for a project feed too: a project id alone never reads
    # another organization's rows.
    query = _filtered(select(ActivityEntry).where(ActivityEntry.organization_id == organization_id), filters)
    total = int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    if total == 0 or params.offset >= total:
        return [], total
    ordered = query.order_by(ActivityEntry.created.desc(), ActivityEntry.id.desc())
    return list(session.scalars(ordered.offset(params.offset).limit(params.limit))), total
