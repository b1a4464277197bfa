"""Stage 1 of fuzzy matching: a few hundred candidates from the trigram index, to be rescored
with rapidfuzz (`matching.py`). Per database (docs/memory.md, "Indexes"):

- PostgreSQL: `pg_trgm`'s `%` operator on the GIN index, with `pg_trgm.similarity_threshold`
  set for the transaction, best trigram similarity first.
- SQLite: the FTS5 `trigram` table. FTS5's own ranking (bm25 over an OR of every trigram)
  touches every row sharing one common trigram — seconds at 1M UI strings — so the query is
  built from the query's *rarest* trigrams (document frequencies read from the index once per
  trigram and cached per process): an OR of small AND groups of them. A text that is ≥ 70 %
  similar keeps most of its trigrams, so it keeps at least one whole group; an unrelated text
  rarely holds all of a group's rare trigrams. The index does the AND/OR in C with skipping.

Both are prefilters: recall against an exhaustive scan is measured by bench/tm_lookup.py.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

CANDIDATES = 300
"""Candidates handed to rapidfuzz (cheap: rapidfuzz scores 300 texts in ~0.1 ms)."""
PG_THRESHOLD = 0.3
"""pg_trgm similarity a candidate needs. Indel ratio 70 corresponds to trigram similarities
from ~0.25 (long texts, one changed word) upwards; 0.3 is pg_trgm's own default."""
ROW_BUDGET = 20_000
MAX_GRAMS = 24
_DF_CACHE_MAX = 200_000


def trigrams(norm: str) -> list[str]:
    """The distinct trigrams FTS5's `trigram` tokenizer indexes (case-folded), in text order."""
    folded = norm.lower()
    return list(dict.fromkeys(folded[i : i + 3] for i in range(len(folded) - 2)))


class _Frequencies:
    """Document frequency per trigram, read from the FTS5 index on first use (a count over one
    doclist) and kept per process. A stale count only changes which trigrams are picked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], int] = {}

    def of(self, session: Session, grams: Sequence[str]) -> dict[str, int]:
        where = str(session.get_bind().engine.url)
        found: dict[str, int] = {}
        missing: list[str] = []
        with self._lock:
            for gram in grams:
                count = self._counts.get((where, gram))
                if count is None:
                    missing.append(gram)
                else:
                    found[gram] = count
        if missing:
            conn = session.connection()
            counted = {gram: int(conn.exec_driver_sql(_COUNT, (_phrase(gram),)).scalar_one()) for gram in missing}
            found.update(counted)
            with self._lock:
                if len(self._counts) > _DF_CACHE_MAX:
                    self._counts.clear()
                self._counts.update({(where, g): c for g, c in counted.items()})
        return found

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


FREQUENCIES = _Frequencies()
_COUNT = "SELECT count(*) FROM tm_entries_fts WHERE tm_entries_fts MATCH ?"


def _phrase(gram: str) -> str:
    return '"' + gram.replace('"', '""') + '"'


def sqlite_grams(session: Session, norm: str) -> list[str]:
    """The rarest trigrams of `norm` whose document frequencies add up to at most
    `ROW_BUDGET` (always at least one, at most `MAX_GRAMS`)."""
    grams = trigrams(norm)
    if not grams:
        return []
    counts = FREQUENCIES.of(session, grams)
    chosen: list[str] = []
    total = 0
    for gram in sorted((g for g in grams if counts.get(g, 0) > 0), key=lambda g: counts[g]):
        if chosen and (total + counts[gram] > ROW_BUDGET or len(chosen) >= MAX_GRAMS):
            break
        chosen.append(gram)
        total += counts[gram]
    return chosen


_GRAM_ROWS = "SELECT rowid FROM tm_entries_fts WHERE tm_entries_fts MATCH ?"
_SQLITE_ROWS = (
    "SELECT seq, source_norm FROM tm_entries WHERE seq IN ({}) "
    "AND organization_id = ? AND source_language = ? AND target_language = ?"
)


def _sqlite_candidates(
    session: Session, *, organization_id: str, source_language: str, target_language: str, norm: str
) -> list[tuple[int, str]]:
    """Rows matching the most windows first: each window's rowids come straight off the index
    (no join), are counted, and only the best `CANDIDATES` are read from the table."""
    cursor = session.connection().connection.cursor()
    try:
        grams = sqlite_grams(session, norm)
        if not grams:
            return []
        union = " UNION ALL ".join([_GRAM_ROWS] * len(grams))
        sql = f"SELECT rowid FROM ({union}) GROUP BY rowid ORDER BY count(*) DESC LIMIT ?"
        best = [row[0] for row in cursor.execute(sql, (*(_phrase(g) for g in grams), CANDIDATES))]
        if not best:
            return []
        sql = _SQLITE_ROWS.format(",".join("?" * len(best)))
        return [
            (int(a), str(b)) for a, b in cursor.execute(sql, (*best, organization_id, source_language, target_language))
        ]
    finally:
        cursor.close()


_PG_CANDIDATES = text(
    "SELECT seq, source_norm FROM tm_entries WHERE organization_id = :org AND source_language = :sl "
    "AND target_language = :tl AND source_norm % :q ORDER BY similarity(source_norm, :q) DESC LIMIT :n"
)


def candidates(
    session: Session, *, organization_id: str, source_language: str, target_language: str, norm: str
) -> list[tuple[int, str]]:
    """(seq, source_norm) of entries of the language pair that may be similar to `norm`."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL pg_trgm.similarity_threshold = {PG_THRESHOLD}"))
        rows = session.execute(
            _PG_CANDIDATES,
            {"org": organization_id, "sl": source_language, "tl": target_language, "q": norm, "n": CANDIDATES},
        )
        return [(int(seq), str(source)) for seq, source in rows]
    return _sqlite_candidates(
        session,
        organization_id=organization_id,
        source_language=source_language,
        target_language=target_language,
        norm=norm,
    )
