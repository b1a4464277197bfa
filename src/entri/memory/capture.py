"""Writing the memory: called by the translation write path's hook in the same transaction.

This module imports nothing of `entri.translations` (that package calls it): the hook hands it
plain `Segment`s. One set-based upsert per call: segments are grouped in Python by identity
(organization, language pair, source text, target text), then one `INSERT … ON CONFLICT DO
UPDATE` runs with every row as parameters (an executemany on SQLite, batched multi-row
statements on PostgreSQL), adding to `usage_count` where the pair exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from entri.core.bulk import table_of
from entri.core.clock import utcnow
from entri.core.ids import new_ids
from entri.memory.models import IDENTITY, TmEntry
from entri.memory.normalize import normalized, text_hash

_CHUNK = 5000


class Origin(StrEnum):
    """Where an entry came from; the rank breaks similarity ties (human first)."""

    HUMAN = "human"
    IMPORT = "import"
    AI = "ai"


ORIGIN_RANK = {Origin.HUMAN: 3, Origin.IMPORT: 2, Origin.AI: 1}


@dataclass(frozen=True, slots=True)
class Segment:
    """One (source, target) pair to remember."""

    organization_id: str
    source_language: str
    target_language: str
    source_text: str
    target_text: str
    origin: Origin
    project_id: str | None = None
    key_id: str | None = None


def _rank_sql(column: Any) -> Any:
    return case({o.value: r for o, r in ORIGIN_RANK.items()}, value=column, else_=0)


def capture(session: Session, *, segments: Iterable[Segment]) -> int:
    """Remember `segments`; returns how many distinct pairs were written (new or counted).

    Empty or whitespace-only texts, and a source equal to its target, are not remembered.
    A pair captured again gets `usage_count + n` and keeps the best origin it was seen with.
    """
    grouped: dict[tuple[str, str, str, str, str], list[Any]] = {}
    for seg in segments:
        if not seg.source_text.strip() or not seg.target_text.strip():
            continue
        identity = (seg.organization_id, seg.source_language, seg.target_language, seg.source_text, seg.target_text)
        found = grouped.get(identity)
        if found is None:
            grouped[identity] = [seg, 1, seg.origin]
        else:
            found[1] += 1
            if ORIGIN_RANK[seg.origin] > ORIGIN_RANK[found[2]]:
                found[2] = seg.origin
    if not grouped:
        return 0
    now = utcnow()
    ids = iter(new_ids("tm", len(grouped)))
    rows: list[dict[str, Any]] = []
    for (org, src_lang, tgt_lang, source, target), (seg, count, origin) in grouped.items():
        norm = normalized(source)
        rows.append(
            {
                "id": next(ids),
                "organization_id": org,
                "source_language": src_lang,
                "target_language": tgt_lang,
                "source_text": source,
                "target_text": target,
                "source_norm": norm,
                "source_hash": text_hash(source),
                "target_hash": text_hash(target),
                "norm_hash": text_hash(norm),
                "origin": origin.value,
                "usage_count": count,
                "project_id": seg.project_id,
                "key_id": seg.key_id,
                "created_at": now,
                "updated_at": now,
            }
        )
    table = table_of(TmEntry.__table__)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    excluded = insert.excluded
    stmt = insert.on_conflict_do_update(
        index_elements=list(IDENTITY),
        set_={
            "usage_count": table.c.usage_count + excluded.usage_count,
            "updated_at": excluded.updated_at,
            "origin": case(
                (_rank_sql(excluded.origin) > _rank_sql(table.c.origin), excluded.origin), else_=table.c.origin
            ),
        },
    )
    for start in range(0, len(rows), _CHUNK):
        session.execute(stmt, rows[start : start + _CHUNK])
    return len(rows)
