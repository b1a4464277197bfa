"""How AI values fared, read from translation history (docs/analytics.md, "AI quality").

An *AI value* is a history entry with source `ai` that writes a value (any action but a status
change, a source-change demotion or a revert: those carry the source of the value they keep or
restore). Its *life* runs until the next AI value of the same translation. Within it:

- it is *approved* when some entry sets the status `approved`; the *approved value* is the value
  of the last such entry (what was finally approved);
- it is *approved unchanged* when that approved value is the AI value itself;
- its *edit distance* is the Levenshtein distance (rapidfuzz) between the AI value and the
  approved value, over the `value` (the `other` form of a plural key);
- it is *current* when it is the translation's last AI value and the translation's value is
  still the AI value; a current one *fails checks* when the translation's stored check failures
  (docs/checks.md, kept current on source and settings changes) are not empty.

The model is the one named in the entry's receipt (docs/ai.md), `unknown` without one (a value
an API client sent with source `ai`, or one saved before receipts existed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from entri.core.vocabularies import Action, Source, Status
from entri.translations.models import Translation, TranslationHistory

UNKNOWN_MODEL = "unknown"
_NOT_VALUES = (Action.STATUS.value, Action.SOURCE_CHANGE.value, Action.REVERT.value)


@dataclass
class Outcome:
    """The AI values of one model in one language."""

    model: str
    language: str
    ai_values: int = 0
    approved: int = 0
    approved_unchanged: int = 0
    distances: list[int] = field(default_factory=list)
    current: int = 0
    failing: int = 0
    failing_checks: Counter[str] = field(default_factory=Counter)


@dataclass
class _Life:
    model: str
    language: str
    value: tuple[Any, Any]
    approved: tuple[Any, Any] | None = None


def _is_ai_value(source: str, action: str) -> bool:
    return source == Source.AI and action not in _NOT_VALUES


def _text(state: tuple[Any, Any]) -> str:
    return state[0] or ""


def _close(out: dict[tuple[str, str], Outcome], life: _Life, *, current: bool, checks: Any) -> None:
    found = out.get((life.model, life.language))
    if found is None:
        found = out[(life.model, life.language)] = Outcome(life.model, life.language)
    found.ai_values += 1
    if life.approved is not None:
        found.approved += 1
        found.approved_unchanged += life.approved == life.value
        found.distances.append(Levenshtein.distance(_text(life.value), _text(life.approved)))
    if current:
        found.current += 1
        failures = checks if isinstance(checks, list) else None
        if failures:
            found.failing += 1
            found.failing_checks.update({str(f.get("id")) for f in failures if isinstance(f, dict)})


def walk(entries: Iterable[Sequence[Any]], failing: dict[str, Any]) -> list[Outcome]:
    """Outcomes of the AI values in `entries`: history rows (translation_id, language, action,
    source, new_value, new_plural_forms, new_status, model) ordered by translation then
    version. `failing`: stored check failures of translations that fail any, by id."""
    out: dict[tuple[str, str], Outcome] = {}
    tid: str | None = None
    life: _Life | None = None
    last: tuple[Any, Any] | None = None

    def finish() -> None:
        if life is not None and tid is not None:
            _close(out, life, current=last == life.value, checks=failing.get(tid))

    for translation_id, language, action, source, value, plurals, status, model in entries:
        if translation_id != tid:
            finish()
            tid, life, last = translation_id, None, None
        state = (value, plurals)
        if _is_ai_value(source, action):
            if life is not None:
                _close(out, life, current=False, checks=None)
            life = _Life(model or UNKNOWN_MODEL, language, state)
        if life is not None and status == Status.APPROVED:
            life.approved = state
        last = state
    finish()
    return sorted(out.values(), key=lambda o: (o.model, o.language))


def ai_outcomes(session: Session, *, project_id: str, languages: Sequence[str]) -> list[Outcome]:
    """The AI values of the project's `languages`, by model and language."""
    h = TranslationHistory
    is_ai = and_(h.source == Source.AI.value, h.action.not_in(_NOT_VALUES))
    touched = select(h.translation_id).where(h.project_id == project_id, is_ai, h.language.in_(list(languages)))
    failing_query = select(Translation.id, Translation.checks).where(
        Translation.project_id == project_id, Translation.check_level > 0, Translation.id.in_(touched)
    )
    failing = dict(session.execute(failing_query).all())
    query = (
        select(
            h.translation_id,
            h.language,
            h.action,
            h.source,
            h.new_value,
            h.new_plural_forms,
            h.new_status,
            h.receipt["model"].as_string(),
        )
        .where(h.project_id == project_id, h.translation_id.in_(touched))
        .order_by(h.translation_id, h.version)
    )
    rows = session.execute(query.execution_options(yield_per=5000))
    return walk((tuple(r) for r in rows), failing)
