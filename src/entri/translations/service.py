"""The one write path for translation values and statuses.

Every writer — API upsert, status change, revert, overwrite by key, file import, and later AI,
TM fill, the compat API and the editor — calls `write()`. It validates everything itself (so a
direct caller cannot store an unknown status or source, an out-of-range confidence, a language
the project does not have, an oversized value, a NUL or a lone surrogate), reads the current
rows in one query, writes new rows, changed rows and their history in a few set-based
statements in the caller's transaction, and returns one `Change` per row it changed. Hooks
(quality checks, activity, the webhook outbox, TM capture) consume those changes in the same
transaction. It does not commit.

A write whose value, forms, status, source and confidence equal what is stored changes
nothing and adds no history. A (key, language) written twice in one call keeps the last write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.clock import utcnow
from entri.core.errors import MAX_PROBLEMS, BadRequest, Conflict, NotFound
from entri.core.ids import new_ids
from entri.core.text import first_unstorable
from entri.core.vocabularies import PLURAL_CATEGORIES, Action, Source, Status, spelled
from entri.translations import store
from entri.translations.models import Translation, TranslationHistory
from entri.translations.rules import CONFIDENCE_RANGE, MAX_VALUE

_STATUSES = frozenset(Status)
_SOURCES = frozenset(Source)


class KeyLike(Protocol):
    """What the write path needs of a key: an ORM `Key` or a light `keys.service.KeyRef`."""

    @property
    def id(self) -> str: ...

    @property
    def project_id(self) -> str: ...

    @property
    def is_plural(self) -> bool: ...


class ProjectLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def languages(self) -> list[str]: ...


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

    @classmethod
    def status_change(cls, key: KeyLike, language: str, status: str, *, expected_version: int | None = None) -> Write:
        return cls(key=key, language=language, status=status, keep_value=True, expected_version=expected_version)


@dataclass(frozen=True, slots=True)
class Change:
    """What one write did to one translation; `old_*` are None for a translation just created."""

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


@dataclass(slots=True)
class _Planned:
    write: Write
    value: str | None
    plurals: dict[str, str] | None


def _forms(write: Write, problems: list[str], where: str) -> tuple[str | None, dict[str, str] | None]:
    """Reconcile value and plural forms: a plural key stores forms and `value` = `other`.
    Checks lengths; the caller checks storability for all writes at once."""
    value, plurals = write.value, write.plurals
    for text in [value] if plurals is None else list(plurals.values()):
        if text is not None and len(text) > MAX_VALUE:
            problems.append(f"{where}value is longer than {MAX_VALUE} characters")
    if plurals is not None:
        if not write.key.is_plural:
            problems.append(f"{where}pluralForms: key is not a plural key (set isPlural on the key first)")
        unknown = [c for c in plurals if c not in PLURAL_CATEGORIES]
        problems.extend(f"{where}pluralForms: unknown plural category '{c}'" for c in unknown)
        if not plurals:
            problems.append(f"{where}pluralForms: at least one form is required")
            return None, None
        ordered = {c: plurals[c] for c in PLURAL_CATEGORIES if c in plurals}
        # Real files omit `other` (Element X ru/pl stringsdict): keep what came, absent stays absent.
        return ordered.get("other", next(reversed(ordered.values()), None)), ordered
    if value is None:
        problems.append(f"{where}value should not be empty")
    if write.key.is_plural and value is not None:
        return value, {"other": value}
    return value, None


def _unstorable(planned: list[_Planned], problems: list[str]) -> None:
    texts: list[str] = []
    owners: list[int] = []
    for i, plan in enumerate(planned):
        for text in [plan.value] if plan.plurals is None else plan.plurals.values():
            if text is not None:
                texts.append(text)
                owners.append(i)
    hit = first_unstorable(texts)
    if hit is not None:
        where = f"translations[{owners[hit]}]: " if len(planned) > 1 else ""
        problems.append(f"{where}value contains a NUL or an unpaired surrogate character")


def _validate(project: ProjectLike, writes: Sequence[Write]) -> list[_Planned]:
    """Check every write before anything is read or written; one 400 lists what is wrong."""
    problems: list[str] = []
    planned: list[_Planned] = []
    languages = set(project.languages)
    for i, write in enumerate(writes):
        where = f"translations[{i}]: " if len(writes) > 1 else ""
        if write.key.project_id != project.id:
            problems.append(f"{where}the key does not belong to this project")
        if write.language not in languages:
            problems.append(f"{where}language '{write.language}' is not a language of this project")
        if write.status is not None and write.status not in _STATUSES:
            problems.append(f"{where}status must be one of {spelled(Status)}")
        if write.keep_value:
            if write.status is None or write.value is not None or write.plurals is not None:
                problems.append(f"{where}a status change names a status and no value")
            planned.append(_Planned(write, None, None))
        else:
            if write.source not in _SOURCES:
                problems.append(f"{where}source must be one of {spelled(Source)}")
            if write.ai_confidence is not None and (
                write.source != Source.AI or write.ai_confidence not in CONFIDENCE_RANGE
            ):
                problems.append(f"{where}aiConfidence must be 0-100, and only with source 'ai'")
            value, plurals = _forms(write, problems, where)
            if write.status not in (None, Status.UNTRANSLATED) and not (value or plurals):
                problems.append(f"{where}status: an empty translation cannot be '{write.status}'")
            planned.append(_Planned(write, value, plurals))
        if len(problems) >= MAX_PROBLEMS:
            break
    if not problems:
        _unstorable(planned, problems)
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])
    return planned


def write(
    session: Session,
    *,
    project: ProjectLike,
    writes: Sequence[Write],
    actor: Actor,
    action: Action,
    skip_existing: bool = False,
) -> list[Change]:
    """Apply `writes` in the caller's transaction; returns the changes made, in key order.

    With `skip_existing`, a translation that already has a value is left alone (import or AI
    without overwrite). Raises BadRequest (invalid write), NotFound (a status change on a
    translation that does not exist), Conflict (`expected_version` differs); nothing is
    written then. May raise a transient `store.LostRace` on PostgreSQL, which the caller's
    `retry_transient` absorbs.
    """
    if not isinstance(action, Action):
        raise BadRequest([f"action must be one of {spelled(Action)}"])
    planned = _validate(project, writes)
    latest: dict[tuple[str, str], _Planned] = {}
    for plan in planned:
        latest[(plan.write.language, plan.write.key.id)] = plan
    by_language: dict[str, list[_Planned]] = {}
    for (language, _), plan in sorted(latest.items()):
        by_language.setdefault(language, []).append(plan)
    now = utcnow()
    rows = _Rows()
    for language, plans in by_language.items():
        # Keys created in this transaction have no rows yet: nothing to read (keys/service.KeyRef).
        known = [p.write.key.id for p in plans if not getattr(p.write.key, "fresh", False)]
        stored = store.fetch(session, project_id=project.id, language=language, key_ids=known)
        _plan(rows, plans, stored, actor=actor, action=action, now=now, skip_existing=skip_existing)
    # Every language planned and checked before the first row is written: an error writes nothing.
    store.insert(session, rows.inserts)
    store.insert_fresh(session, rows.fresh_inserts)
    store.update(session, rows.updates)
    history_ids = new_ids("hist", len(rows.changes))
    store.append_history(session, (_history_row(hid, c) for hid, c in zip(history_ids, rows.changes, strict=True)))
    for plan in planned:
        if getattr(plan.write.key, "fresh", False):
            setattr(plan.write.key, "fresh", False)  # noqa: B010  (it has rows now: read them next time)
    return rows.changes


@dataclass(slots=True)
class _Rows:
    """What a write will do, collected language by language before anything is written."""

    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    fresh_inserts: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def _plan(
    rows: _Rows,
    plans: list[_Planned],
    stored: dict[str, store.Stored],
    *,
    actor: Actor,
    action: Action,
    now: datetime,
    skip_existing: bool,
) -> None:
    inserts, fresh_inserts, updates, changes = rows.inserts, rows.fresh_inserts, rows.updates, rows.changes
    problems: list[str] = []
    conflicts: list[str] = []
    ids = iter(new_ids("tr", sum(1 for p in plans if p.write.key.id not in stored)))
    for plan in plans:
        write, key = plan.write, plan.write.key
        row = stored.get(key.id)
        exists = row is not None and row.version > 0
        version = row.version if row is not None else 0
        if write.expected_version is not None and write.expected_version != version:
            conflicts.append(
                f"The translation of '{key.id}' in '{write.language}' is at version {version}, "
                f"not {write.expected_version}: it changed since it was read"
            )
            continue
        if write.keep_value:
            if row is None or not exists:
                raise NotFound(f"Key has no translation in '{write.language}'")
            value, plurals, source, confidence = row.value, row.plural_forms, row.source, row.ai_confidence
            status = write.status or row.status
            if status != Status.UNTRANSLATED and not (value or plurals):
                problems.append(f"status: an empty translation cannot be '{status}'")
                continue
        else:
            value, plurals, source, confidence = plan.value, plan.plurals, write.source, write.ai_confidence
            status = write.status or (Status.TRANSLATED if value else Status.UNTRANSLATED)
        if row is not None and exists:
            if skip_existing and row.value is not None:
                continue
            if (row.value, row.plural_forms, row.status, row.source, row.ai_confidence) == (
                value,
                plurals,
                status,
                source,
                confidence,
            ):
                continue
        status, source = str(status), str(source)
        state = (value, plurals, status, source, confidence, version + 1, actor.user_id, actor.name, now)
        if row is None:
            translation_id = next(ids)
            new_row = (translation_id, key.id, key.project_id, write.language, now, *state)
            (fresh_inserts if getattr(key, "fresh", False) else inserts).append(new_row)
        else:
            translation_id = row.id
            updates.append((*state, row.id, row.version))
        replaced = row is not None and exists
        changes.append(
            Change(
                translation_id=translation_id,
                key_id=key.id,
                project_id=key.project_id,
                language=write.language,
                version=version + 1,
                action=action.value,
                old_value=row.value if row is not None and replaced else None,
                old_plurals=row.plural_forms if row is not None and replaced else None,
                old_status=row.status if row is not None and replaced else None,
                new_value=value,
                new_plurals=plurals,
                new_status=status,
                source=source,
                ai_confidence=confidence,
                actor=actor,
                at=now,
            )
        )
    if conflicts:
        raise Conflict(conflicts[:MAX_PROBLEMS])
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])


def _history_row(history_id: str, c: Change) -> tuple[Any, ...]:
    return (
        history_id,
        c.translation_id,
        c.key_id,
        c.project_id,
        c.language,
        c.version,
        c.action,
        c.old_value,
        c.old_plurals,
        c.old_status,
        c.new_value,
        c.new_plurals,
        c.new_status,
        c.source,
        c.ai_confidence,
        c.actor.user_id,
        c.actor.name,
        c.at,
    )


def current(session: Session, *, key_id: str, language: str) -> Translation | None:
    """The stored translation, fresh from the database (after a write, for the response)."""
    return session.scalar(
        select(Translation)
        .where(Translation.key_id == key_id, Translation.language == language)
        .execution_options(populate_existing=True)
    )


def for_key(session: Session, *, key_id: str) -> dict[str, Translation]:
    rows = session.scalars(select(Translation).where(Translation.key_id == key_id))
    return {r.language: r for r in rows}


def values_for(session: Session, *, key_ids: Sequence[str], language: str) -> dict[str, Translation]:
    ids = list(key_ids)
    found: dict[str, Translation] = {}
    for start in range(0, len(ids), 500):
        query = select(Translation).where(Translation.key_id.in_(ids[start : start + 500]))
        found.update({r.key_id: r for r in session.scalars(query.where(Translation.language == language))})
    return found


def history(session: Session, *, key_id: str, language: str) -> list[TranslationHistory]:
    return list(
        session.scalars(
            select(TranslationHistory)
            .where(TranslationHistory.key_id == key_id, TranslationHistory.language == language)
            .order_by(TranslationHistory.version.desc())
        )
    )
