"""Looking a text up in the memory, in tiers (decisions.md 9, docs/memory.md):

1. exact source text: similarity 100;
2. the same text once placeholders are masked and whitespace collapsed (`Hello {name}` vs
   `Hello {user}`): 99, with the target's placeholders renamed to the query's;
3. trigram prefilter (`prefilter.py`) rescored with rapidfuzz `fuzz.ratio` (normalized indel
   similarity) of the normalized texts, floored and capped at 98 — 100 and 99 belong to tiers 1-2.

At equal similarity an entry approved by a person ranks above an imported one, which ranks
above an AI one; then the more often used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.memory import prefilter
from entri.memory.capture import ORIGIN_RANK, Origin
from entri.memory.models import TmEntry
from entri.memory.normalize import normalized, substitute, text_hash

DEFAULT_MIN_SIMILARITY = 70
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
FUZZY_CAP = 98


@dataclass(frozen=True, slots=True)
class Match:
    entry: TmEntry
    similarity: int
    target_text: str
    """The entry's target, with placeholders renamed to the query's in tier 2."""

    def rank(self) -> tuple[int, int, int, int]:
        return (-self.similarity, -ORIGIN_RANK[Origin(self.entry.origin)], -self.entry.usage_count, self.entry.seq)


def lookup(
    session: Session,
    *,
    organization_id: str,
    source_language: str,
    target_language: str,
    text: str,
    min_similarity: int = DEFAULT_MIN_SIMILARITY,
    limit: int = DEFAULT_LIMIT,
) -> list[Match]:
    """The best `limit` entries of the language pair at least `min_similarity` similar to `text`."""
    norm = normalized(text)
    if not norm:
        return []
    scope = (
        TmEntry.organization_id == organization_id,
        TmEntry.source_language == source_language,
        TmEntry.target_language == target_language,
    )
    matches: dict[int, Match] = {}
    for entry in session.scalars(select(TmEntry).where(*scope, TmEntry.norm_hash == text_hash(norm))):
        if entry.source_norm != norm:
            continue
        if entry.source_text == text:
            matches[entry.seq] = Match(entry, 100, entry.target_text)
        elif min_similarity <= 99:
            matches[entry.seq] = Match(entry, 99, substitute(entry.target_text, entry.source_text, text))
    if min_similarity <= FUZZY_CAP:
        _fuzzy(session, matches, organization_id, source_language, target_language, norm, min_similarity, limit)
    return sorted(matches.values(), key=Match.rank)[:limit]


def _fuzzy(
    session: Session,
    matches: dict[int, Match],
    organization_id: str,
    source_language: str,
    target_language: str,
    norm: str,
    min_similarity: int,
    limit: int,
) -> None:
    found = prefilter.candidates(
        session,
        organization_id=organization_id,
        source_language=source_language,
        target_language=target_language,
        norm=norm,
    )
    choices = {seq: source for seq, source in found if seq not in matches and source != norm}
    if not choices:
        return
    scored = process.extract(
        norm, choices, scorer=fuzz.ratio, score_cutoff=min_similarity, limit=max(limit * 3, limit + len(matches))
    )
    similarity = {seq: min(FUZZY_CAP, math.floor(score)) for _, score, seq in scored}
    similarity = {seq: s for seq, s in similarity.items() if s >= min_similarity}
    if not similarity:
        return
    for entry in session.scalars(select(TmEntry).where(TmEntry.seq.in_(list(similarity)))):
        matches[entry.seq] = Match(entry, similarity[entry.seq], entry.target_text)
