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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.clock import utcnow
from entri.core.errors import MAX_PROBLEMS, BadRequest, Conflict, NotFound
from entri.core.events import publish
from entri.core.ids import new_ids
from entri.core.text import first_unstorable
from entri.core.vocabularies import PLURAL_CATEGORIES, Action, Source, Status, spelled
from entri.translations import checking, events, hooks, quality, store
from entri.translations.changes import Change, KeyLike, Pending, ProjectLike, Rows, Write, same_state
from entri.translations.models import Translation, TranslationHistory
from entri.translations.rules import CONFIDENCE_RANGE, MAX_VALUE

__all__ = ["Change", "KeyLike", "ProjectLike", "Write", "write"]

_STATUSES = frozenset(Status)
_SOURCES = frozenset(Source)


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
    announce: bool = True,
) -> list[Change]:
    """Apply `writes` in the caller's transaction; returns the changes made, in key order.

    With `skip_existing`, a translation that already has a value is left alone (import or AI
    without overwrite). Every changed row is quality-checked (`quality.py`) and stores its
    failures; a source text that changes re-checks the key's other languages (`_dependents`).
    Raises BadRequest (invalid write), NotFound (a status change on a translation that does
    not exist), Conflict (`expected_version` differs, or a review status refused by
    error-level checks); nothing is written then. With `announce` (the default) the changes are
    published as events (`events.py`: activity, webhooks); a bulk writer that publishes its own
    summary event passes False. May raise a transient `store.LostRace` on
    PostgreSQL, which the caller's `retry_transient` absorbs.
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
    rows = Rows()
    for language, plans in by_language.items():
        # Keys created in this transaction have no rows yet: nothing to read (keys/service.KeyRef).
        known = [p.write.key.id for p in plans if not getattr(p.write.key, "fresh", False)]
        stored = store.fetch(session, project_id=project.id, language=language, key_ids=known)
        _plan(rows, plans, stored, actor=actor, action=action, now=now, skip_existing=skip_existing)
    policy = quality.policy_for(session, project=project)
    checking.check(session, project, policy, rows)
    # Every language planned and checked before the first row is written: an error writes nothing.
    checking.dependents(session, project, policy, rows, actor=actor, now=now)
    inserts, fresh_inserts, updates = _tuples(rows)
    store.insert(session, inserts)
    store.insert_fresh(session, fresh_inserts)
    store.update(session, updates)
    store.set_checks(session, rows.recheck)
    history_ids = new_ids("hist", len(rows.changes))
    store.append_history(session, (_history_row(hid, c) for hid, c in zip(history_ids, rows.changes, strict=True)))
    # Keys created by this transaction: no other can move them yet, so their namespace is known.
    fresh = {
        p.write.key.id: str(getattr(p.write.key, "namespace", ""))
        for p in planned
        if getattr(p.write.key, "fresh", False)
    }
    for plan in planned:
        if getattr(plan.write.key, "fresh", False):
            setattr(plan.write.key, "fresh", False)  # noqa: B010  (it has rows now: read them next time)
    hooks.after_write(session, project=project, changes=rows.changes, fresh_namespaces=fresh)
    if announce:
        publish(session, events.events_of(project, rows.changes))
    return rows.changes


def _plan(
    rows: Rows,
    plans: list[_Planned],
    stored: dict[str, store.Stored],
    *,
    actor: Actor,
    action: Action,
    now: datetime,
    skip_existing: bool,
) -> None:
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
            if same_state(row, value, plurals, str(status), str(source), confidence):
                continue
        replaced = row is not None and exists
        change = Change(
            translation_id=row.id if row is not None else next(ids),
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
            new_status=str(status),
            source=str(source),
            ai_confidence=confidence,
            actor=actor,
            at=now,
            receipt=write.receipt,
        )
        rows.pending.append(Pending(change, write, row, row is None and getattr(key, "fresh", False)))
    if conflicts:
        raise Conflict(conflicts[:MAX_PROBLEMS])
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])


def _tuples(rows: Rows) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Row tuples for `store`: new rows, new rows of fresh keys, updates (see store's columns)."""
    inserts: list[tuple[Any, ...]] = []
    fresh_inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    for pending in rows.pending:
        c = pending.change
        state = (
            c.new_value,
            c.new_plurals,
            c.new_status,
            c.source,
            c.ai_confidence,
            c.version,
            c.actor.user_id,
            c.actor.name,
            c.at,
            quality.stored_checks(c.failures),
            quality.level_of(c.failures),
        )
        row = pending.stored
        if row is None:
            new_row = (c.translation_id, c.key_id, c.project_id, c.language, c.at, *state)
            (fresh_inserts if pending.fresh else inserts).append(new_row)
        else:
            updates.append((*state, row.id, row.version))
    return inserts, fresh_inserts, updates


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
        c.forced,
        c.receipt,
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
