"""Translations: the one write path every writer uses (API, import, AI, TM, compat, editor).

`write_translation` locks the row (PostgreSQL `FOR UPDATE`; SQLite serializes writers with
`BEGIN IMMEDIATE`), bumps `version` and appends the history row in the caller's transaction,
so a value and its history can never disagree and concurrent writers never lose an update.
Callers commit; the router-facing functions here commit themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from entri.core.clock import utcnow
from entri.core.db import refresh_statistics
from entri.core.errors import BadRequest, Forbidden, NotFound
from entri.core.ids import new_id
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.formats.catalog import PLURAL_CATEGORIES
from entri.keys.models import Key
from entri.projects.models import Project
from entri.projects.service import require_language
from entri.translations.models import Translation, TranslationHistory

STATUSES = ("untranslated", "translated", "reviewed", "approved")
SOURCES = ("human", "ai", "import", "tm", "api")
REVIEW_STATUSES = frozenset({"reviewed", "approved"})
MAX_VALUE = 100_000


@dataclass(frozen=True)
class Actor:
    """Who a history row names. Built from a Principal, or by system writers (import jobs)."""

    user_id: str | None
    name: str

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(user_id=principal.user_id, name=principal.display_name)


def normalize_plurals(
    key: KeyLike, value: str | None, plurals: dict[str, str] | None
) -> tuple[str | None, dict[str, str] | None]:
    """Validate and reconcile `value` / `plurals`: a plural key stores forms, `value` = `other`."""
    if plurals is not None:
        if not key.is_plural:
            raise BadRequest(["pluralForms: key is not a plural key (set isPlural on the key first)"])
        unknown = [c for c in plurals if c not in PLURAL_CATEGORIES]
        if unknown:
            raise BadRequest([f"pluralForms: unknown plural category '{c}'" for c in unknown])
        if not plurals:
            raise BadRequest(["pluralForms: at least one form is required"])
        if any(len(v) > MAX_VALUE for v in plurals.values()):
            raise BadRequest([f"pluralForms: a form exceeds {MAX_VALUE} characters"])
        ordered = {c: plurals[c] for c in PLURAL_CATEGORIES if c in plurals}
        # Real files omit `other` (Element X ru/pl stringsdict): keep what came, absent stays absent.
        return ordered.get("other", next(reversed(ordered.values()))), ordered
    if value is not None and len(value) > MAX_VALUE:
        raise BadRequest([f"value must be at most {MAX_VALUE} characters"])
    if key.is_plural and value is not None:
        return value, {"other": value}
    return value, None


class KeyLike(Protocol):
    """What the write path needs of a key: an ORM `Key` or a light `keys.service.KeyRef`."""

    @property
    def id(self) -> str: ...

    @property
    def project_id(self) -> str: ...

    @property
    def is_plural(self) -> bool: ...


@dataclass
class TranslationWrite:
    """One value to set. `status=None` means: derived from the value (decisions.md 25)."""

    key: KeyLike
    language: str
    value: str | None
    plurals: dict[str, str] | None = None
    source: str = "human"
    status: str | None = None
    ai_confidence: int | None = None


_CHUNK = 500


def _insert_missing(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert rows that do not exist yet; a concurrent creator's row wins (ON CONFLICT DO NOTHING)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(Translation).values(rows[start : start + _CHUNK]).on_conflict_do_nothing())


def _lock_many(session: Session, pairs: list[tuple[KeyLike, str]]) -> dict[tuple[str, str], Translation]:
    """Rows for every (key, language) pair, locked for this transaction, created empty if missing.

    PostgreSQL locks them with FOR UPDATE (in key order, so two batches cannot deadlock);
    SQLite's write transaction already holds the database lock.
    """
    wanted = {(k.id, lang): k for k, lang in pairs}
    by_language: dict[str, list[str]] = {}
    for key_id, lang in sorted(wanted):
        by_language.setdefault(lang, []).append(key_id)

    def fetch() -> dict[tuple[str, str], Translation]:
        found: dict[tuple[str, str], Translation] = {}
        for lang, key_ids in by_language.items():
            for start in range(0, len(key_ids), _CHUNK):
                query = (
                    select(Translation)
                    .where(Translation.language == lang, Translation.key_id.in_(key_ids[start : start + _CHUNK]))
                    .order_by(Translation.key_id)
                    .with_for_update()
                    .execution_options(populate_existing=True)
                )
                found.update({(t.key_id, t.language): t for t in session.scalars(query)})
        return found

    rows = fetch()
    missing = [ident for ident in wanted if ident not in rows]
    if missing:
        now = utcnow()
        _insert_missing(
            session,
            [
                {
                    "id": new_id("tr"),
                    "key_id": key_id,
                    "project_id": wanted[(key_id, lang)].project_id,
                    "language": lang,
                    "value": None,
                    "plural_forms": None,
                    "status": "untranslated",
                    "source": "human",
                    "version": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for key_id, lang in missing
            ],
        )
        rows = fetch()
    return rows


def write_translations(
    session: Session,
    writes: Sequence[TranslationWrite],
    *,
    actor: Actor,
    action: str = "update",
    skip_if_exists: bool = False,
) -> list[tuple[Translation, bool]]:
    """Set many values in the caller's transaction: the one write path. Does not commit.

    Returns (row, changed) per write, in order. Status defaults to `translated` for a
    non-empty value and `untranslated` for "" (decisions.md 25). Writing the same value,
    forms, status, source and confidence again changes nothing and adds no history. With
    `skip_if_exists`, a translation that already has a value is left alone (import or AI
    without overwrite). A pair written twice in one call is applied in order.
    """
    normalized = [normalize_plurals(w.key, w.value, w.plurals) for w in writes]
    rows = _lock_many(session, [(w.key, w.language) for w in writes])
    now = utcnow()
    history: list[dict[str, Any]] = []
    results: list[tuple[Translation, bool]] = []
    for write, (value, plurals) in zip(writes, normalized, strict=True):
        row = rows[(write.key.id, write.language)]
        status = write.status or ("translated" if value else "untranslated")
        unchanged = (
            row.version > 0
            and row.value == value
            and row.plural_forms == plurals
            and row.status == status
            and row.source == write.source
            and row.ai_confidence == write.ai_confidence
        )
        if unchanged or (skip_if_exists and row.version > 0 and row.value is not None):
            results.append((row, False))
            continue
        previous = (row.value, row.plural_forms, row.status if row.version > 0 else None)
        history.append(
            _history_row(
                row.id,
                write,
                value,
                plurals,
                status,
                actor=actor,
                action=action,
                now=now,
                version=row.version + 1,
                previous=previous,
            )
        )
        row.value, row.plural_forms, row.status = value, plurals, status
        row.source, row.ai_confidence = write.source, write.ai_confidence
        row.version += 1
        row.updated_by, row.updated_by_name, row.updated_at = actor.user_id, actor.name, now
        results.append((row, True))
    session.flush()
    for start in range(0, len(history), _CHUNK):
        session.execute(insert(TranslationHistory), history[start : start + _CHUNK])
    return results


def _history_row(
    translation_id: str,
    write: TranslationWrite,
    value: str | None,
    plurals: dict[str, str] | None,
    status: str,
    *,
    actor: Actor,
    action: str,
    now: Any,
    version: int,
    previous: tuple[str | None, dict[str, str] | None, str | None],
) -> dict[str, Any]:
    return {
        "id": new_id("hist"),
        "translation_id": translation_id,
        "key_id": write.key.id,
        "project_id": write.key.project_id,
        "language": write.language,
        "version": version,
        "action": action,
        "previous_value": previous[0],
        "previous_plural_forms": previous[1],
        "previous_status": previous[2],
        "new_value": value,
        "new_plural_forms": plurals,
        "new_status": status,
        "source": write.source,
        "ai_confidence": write.ai_confidence,
        "changed_by": actor.user_id,
        "changed_by_name": actor.name,
        "created_at": now,
    }


def insert_new_translations(session: Session, writes: Sequence[TranslationWrite], *, actor: Actor, action: str) -> int:
    """The write path for keys created in this same transaction: no row can exist yet, so
    rows and their first history entries go in as two set-based INSERTs (no lock, no fetch).
    A pair written twice keeps the last write, as `write_translations` would end with it."""
    latest: dict[tuple[str, str], TranslationWrite] = {}
    for write in writes:
        latest[(write.key.id, write.language)] = write
    now = utcnow()
    rows: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for write in latest.values():
        value, plurals = normalize_plurals(write.key, write.value, write.plurals)
        status = write.status or ("translated" if value else "untranslated")
        row_id = new_id("tr")
        rows.append(
            {
                "id": row_id,
                "key_id": write.key.id,
                "project_id": write.key.project_id,
                "language": write.language,
                "value": value,
                "plural_forms": plurals,
                "status": status,
                "source": write.source,
                "ai_confidence": write.ai_confidence,
                "version": 1,
                "updated_by": actor.user_id,
                "updated_by_name": actor.name,
                "created_at": now,
                "updated_at": now,
            }
        )
        history.append(
            _history_row(
                row_id,
                write,
                value,
                plurals,
                status,
                actor=actor,
                action=action,
                now=now,
                version=1,
                previous=(None, None, None),
            )
        )
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(Translation), rows[start : start + _CHUNK])
        session.execute(insert(TranslationHistory), history[start : start + _CHUNK])
    return len(rows)


def write_translation(
    session: Session,
    *,
    key: Key,
    language: str,
    value: str | None,
    plurals: dict[str, str] | None = None,
    source: str,
    actor: Actor,
    status: str | None = None,
    ai_confidence: int | None = None,
    action: str = "update",
    skip_if_exists: bool = False,
) -> tuple[Translation, bool]:
    """One write through `write_translations`; returns (row, changed). Does not commit."""
    write = TranslationWrite(
        key=key,
        language=language,
        value=value,
        plurals=plurals,
        source=source,
        status=status,
        ai_confidence=ai_confidence,
    )
    return write_translations(session, [write], actor=actor, action=action, skip_if_exists=skip_if_exists)[0]


def _record_status(session: Session, row: Translation, previous_status: str, actor: Actor) -> None:
    session.add(
        TranslationHistory(
            id=new_id("hist"),
            translation_id=row.id,
            key_id=row.key_id,
            project_id=row.project_id,
            language=row.language,
            version=row.version,
            action="status",
            previous_value=row.value,
            previous_plural_forms=row.plural_forms,
            previous_status=previous_status,
            new_value=row.value,
            new_plural_forms=row.plural_forms,
            new_status=row.status,
            source=row.source,
            ai_confidence=row.ai_confidence,
            changed_by=actor.user_id,
            changed_by_name=actor.name,
            created_at=row.updated_at,
        )
    )


def require_status_permission(principal: Principal, status: str) -> None:
    needed = Permission.REVIEW_TRANSLATIONS if status in REVIEW_STATUSES else Permission.EDIT_TRANSLATIONS
    if not (principal.can(needed) or principal.can(Permission.REVIEW_TRANSLATIONS)):
        raise Forbidden(f"Your role '{principal.role}' cannot set status '{status}'")


def upsert(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    key: Key,
    language: str,
    value: str | None,
    plurals: dict[str, str] | None,
    source: str,
    ai_confidence: int | None,
    status: str | None = None,
) -> Translation:
    principal.require(Permission.EDIT_TRANSLATIONS)
    if status is not None:
        require_status_permission(principal, status)
    require_language(project, language)
    if value is None and plurals is None:
        raise BadRequest(["value should not be empty"])
    if status not in (None, "untranslated") and not (value or plurals):
        raise BadRequest([f"status: an empty translation cannot be '{status}'"])
    row, _ = write_translation(
        session,
        key=key,
        language=language,
        value=value,
        plurals=plurals,
        source=source,
        actor=Actor.of(principal),
        ai_confidence=ai_confidence if source == "ai" else None,
        status=status,
    )
    session.commit()
    return row


def set_status(
    session: Session, *, principal: Principal, project: Project, key: Key, language: str, status: str
) -> Translation:
    require_status_permission(principal, status)
    require_language(project, language)
    row = session.scalar(
        select(Translation).where(Translation.key_id == key.id, Translation.language == language).with_for_update()
    )
    if row is None or row.version == 0:
        raise NotFound(f"Key has no translation in '{language}'")
    if status != "untranslated" and not (row.value or row.plural_forms):
        raise BadRequest([f"status: an empty translation cannot be '{status}'"])
    if row.status == status:
        return row
    previous_status = row.status
    row.status = status
    row.version += 1
    actor = Actor.of(principal)
    row.updated_by, row.updated_by_name, row.updated_at = actor.user_id, actor.name, utcnow()
    _record_status(session, row, previous_status, actor)
    session.commit()
    return row


def history(session: Session, *, key: Key, language: str) -> list[TranslationHistory]:
    return list(
        session.scalars(
            select(TranslationHistory)
            .where(TranslationHistory.key_id == key.id, TranslationHistory.language == language)
            .order_by(TranslationHistory.version.desc())
        )
    )


def _state_before_replaced(entries: list[TranslationHistory], target: TranslationHistory) -> str:
    """The status a value ended with before it was replaced: status changes made to it after it
    was written count (an approved value comes back approved), the next value write ends it.
    `entries` is `history()`, newest first."""
    status = target.new_status
    for entry in reversed(entries):
        if entry.version <= target.version:
            continue
        if entry.action != "status":
            break
        status = entry.new_status
    return status


def revert(
    session: Session, *, principal: Principal, project: Project, key: Key, language: str, history_id: str | None = None
) -> Translation:
    """Restore an earlier value with the status and source it had then (decisions.md 24).

    With a history id, "then" is right after that entry. Without one, it is the most recent
    earlier value that differs from the current one, as it stood just before it was replaced.
    A caller who may not review gets the value back as `translated`: a revert is no way
    around the approval rights (docs/api-decisions.md).
    """
    principal.require(Permission.EDIT_TRANSLATIONS)
    require_language(project, language)
    current = _lock_many(session, [(key, language)])[(key.id, language)]
    entries = history(session, key=key, language=language)
    if history_id is not None:
        target = next((e for e in entries if e.id == history_id), None)
        if target is None:
            raise NotFound("History entry not found for this translation")
        status = target.new_status
    else:
        target = next(
            (
                e
                for e in entries
                if e.action != "status" and (e.new_value, e.new_plural_forms) != (current.value, current.plural_forms)
            ),
            None,
        )
        if target is None:
            raise BadRequest(["There is no earlier value to revert to"])
        status = _state_before_replaced(entries, target)
    if status in REVIEW_STATUSES and not principal.can(Permission.REVIEW_TRANSLATIONS):
        status = "translated"
    row, _ = write_translation(
        session,
        key=key,
        language=language,
        value=target.new_value,
        plurals=target.new_plural_forms,
        source=target.source,
        status=status,
        ai_confidence=target.ai_confidence,
        actor=Actor.of(principal),
        action="revert",
    )
    session.commit()
    return row


def refresh_statistics_after_bulk_write(session: Session) -> None:
    """Many translations were written at once: refresh the planner statistics (core/db.py)."""
    refresh_statistics(session, Translation.__tablename__)


def for_key(session: Session, *, key: Key) -> dict[str, Translation]:
    rows = session.scalars(select(Translation).where(Translation.key_id == key.id))
    return {r.language: r for r in rows}


def values_for(session: Session, *, key_ids: Iterable[str], language: str) -> dict[str, Translation]:
    ids = list(key_ids)
    if not ids:
        return {}
    rows = session.scalars(select(Translation).where(Translation.key_id.in_(ids), Translation.language == language))
    return {r.key_id: r for r in rows}


def translated_key_ids(*, project_id: str, language: str) -> Select[Any]:
    """Keys with a non-empty value in `language`: the complement is "untranslated"."""
    return select(Translation.key_id).where(
        Translation.project_id == project_id,
        Translation.language == language,
        Translation.status != "untranslated",
    )


def key_ids_matching(*, project_id: str, text: str) -> Select[Any]:
    return select(Translation.key_id).where(
        Translation.project_id == project_id, Translation.value.ilike(text, escape="\\")
    )


LISTING_COLUMNS = (
    Key.id.label("key_id"),
    Key.name.label("key"),
    Key.namespace.label("namespace"),
    Translation.value,
    Translation.plural_forms,
    Translation.status,
    Translation.source,
    Translation.ai_confidence,
    Translation.version,
    Translation.updated_by,
    Translation.updated_by_name,
    Translation.updated_at,
)


@cache
def _page_query() -> Executable:
    """One page of keys with their translation, built once: constructing the expression costs
    more than running it, and only the bound values change between requests."""
    order = (Key.namespace, Key.sort_name, Key.id)
    page_ids = (
        select(Key.id)
        .where(Key.project_id == bindparam("project_id"))
        .order_by(*order)
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )
    join = and_(Translation.key_id == Key.id, Translation.language == bindparam("language"))
    query = select(*LISTING_COLUMNS).join(page_ids, page_ids.c.id == Key.id).outerjoin(Translation, join)
    return query.order_by(*order)


def list_for_language(
    session: Session,
    *,
    project: Project,
    language: str,
    offset: int,
    limit: int,
    status: str | None = None,
) -> tuple[list[Any], int]:
    """Every key of the project with its translation in `language` (NULL columns when none).

    Plain column rows, not ORM objects: this is the hottest read of the API. Without a status
    filter the page of keys is cut from the covering index first and only those keys are
    joined, so a deep page costs the same as the first one.
    """
    join = and_(Translation.key_id == Key.id, Translation.language == language)
    order = (Key.namespace, Key.sort_name, Key.id)
    if status is None:
        params = {"project_id": project.id, "language": language, "offset": offset, "limit": limit}
        # Through the connection: plain Core rows skip the ORM's result processing.
        return list(session.connection().execute(_page_query(), params).all()), project.key_count
    query = select(*LISTING_COLUMNS).outerjoin(Translation, join).where(Key.project_id == project.id)
    if status == "untranslated":
        cond: ColumnElement[bool] = (Translation.id.is_(None)) | (Translation.status == "untranslated")
        count_query = select(func.count()).select_from(Key).outerjoin(Translation, join)
        count_query = count_query.where(Key.project_id == project.id, cond)
    else:
        cond = Translation.status == status
        count_query = (
            select(func.count())
            .select_from(Translation)
            .where(Translation.project_id == project.id, Translation.language == language, cond)
        )
    total = int(session.scalar(count_query) or 0)
    rows = session.connection().execute(query.where(cond).order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), total
