"""Browse, search and delete memory entries of the caller's organization (§4.5,
decisions.md 9). Every query is scoped by `organization_id`: another organization's entry
is a 404, never a hint it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.errors import BadRequest, NotFound
from entri.core.events import Event, publish
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.memory import matching
from entri.memory.models import TmEntry


@dataclass(frozen=True, slots=True)
class BrowseFilters:
    source_language: str | None = None
    target_language: str | None = None
    q: str | None = None
    """Substring of the source or the target text (case-insensitive for ASCII)."""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def browse(
    session: Session, *, principal: Principal, filters: BrowseFilters, params: PageParams
) -> tuple[list[TmEntry], int]:
    """Entries newest first, filtered; with the total for the page envelope."""
    principal.require(Permission.VIEW)
    conditions = [TmEntry.organization_id == principal.organization_id]
    if filters.source_language:
        conditions.append(TmEntry.source_language == filters.source_language)
    if filters.target_language:
        conditions.append(TmEntry.target_language == filters.target_language)
    if filters.q:
        pattern = _like(filters.q)
        conditions.append(
            or_(TmEntry.source_text.ilike(pattern, escape="\\"), TmEntry.target_text.ilike(pattern, escape="\\"))
        )
    total = int(session.scalar(select(func.count()).select_from(TmEntry).where(*conditions)) or 0)
    rows = session.scalars(
        select(TmEntry).where(*conditions).order_by(TmEntry.seq.desc()).offset(params.offset).limit(params.limit)
    )
    return list(rows), total


def search(
    session: Session,
    *,
    principal: Principal,
    source_text: str,
    source_language: str,
    target_language: str,
    min_similarity: int = matching.DEFAULT_MIN_SIMILARITY,
    limit: int = matching.DEFAULT_LIMIT,
) -> list[matching.Match]:
    """Best matches first (see `matching.lookup`)."""
    principal.require(Permission.VIEW)
    problems = []
    if not 0 <= min_similarity <= 100:
        problems.append("minSimilarity must be 0-100")
    if not 1 <= limit <= matching.MAX_LIMIT:
        problems.append(f"limit must be 1-{matching.MAX_LIMIT}")
    if not source_text.strip():
        problems.append("sourceText should not be empty")
    if problems:
        raise BadRequest(problems)
    return matching.lookup(
        session,
        organization_id=principal.organization_id,
        source_language=source_language,
        target_language=target_language,
        text=source_text,
        min_similarity=min_similarity,
        limit=limit,
    )


def delete_entry(session: Session, *, principal: Principal, entry_id: str) -> None:
    """Remove one entry (admins and owners: the memory is shared by every project)."""
    principal.require(Permission.MANAGE_PROJECTS)
    mine = (TmEntry.id == entry_id, TmEntry.organization_id == principal.organization_id)
    found = session.execute(select(TmEntry.source_language, TmEntry.target_language).where(*mine)).first()
    deleted = session.execute(delete(TmEntry).where(*mine))
    if found is None or not getattr(deleted, "rowcount", 0):
        raise NotFound("Translation memory entry not found")
    event = Event(
        name="tm.deleted",
        organization_id=principal.organization_id,
        actor=Actor.of(principal),
        target_type="tm_entry",
        target_id=entry_id,
        data={"entryId": entry_id, "sourceLanguage": found[0], "targetLanguage": found[1]},
        language=found[1],
    )
    publish(session, [event])
    session.commit()
