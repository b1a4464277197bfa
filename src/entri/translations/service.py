"""Translations: the one write path every writer uses (API, import, AI, TM, compat, editor).

`write_translation` locks the row (PostgreSQL `FOR UPDATE`; SQLite serializes writers with
`BEGIN IMMEDIATE`), bumps `version` and appends the history row in the caller's transaction,
so a value and its history can never disagree and concurrent writers never lose an update.
Callers commit; the router-facing functions here commit themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from entri.core.clock import utcnow
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
    key: Key, value: str | None, plurals: dict[str, str] | None
) -> tuple[str | None, dict[str, str] | None]:
    """Validate and reconcile `value` / `plurals`: a plural key stores forms, `value` = `other`."""
    if plurals is not None:
        if not key.is_plural:
            raise BadRequest(["pluralForms: key is not a plural key (set isPlural on the key first)"])
        unknown = [c for c in plurals if c not in PLURAL_CATEGORIES]
        if unknown:
            raise BadRequest([f"pluralForms: unknown plural category '{c}'" for c in unknown])
        if "other" not in plurals:
            raise BadRequest(["pluralForms: the 'other' form is required"])
        if any(len(v) > MAX_VALUE for v in plurals.values()):
            raise BadRequest([f"pluralForms: a form exceeds {MAX_VALUE} characters"])
        ordered = {c: plurals[c] for c in PLURAL_CATEGORIES if c in plurals}
        return ordered["other"], ordered
    if value is not None and len(value) > MAX_VALUE:
        raise BadRequest([f"value must be at most {MAX_VALUE} characters"])
    if key.is_plural and value is not None:
        return value, {"other": value}
    return value, None


def _lock(session: Session, *, key: Key, language: str) -> Translation:
    """The row for (key, language), locked for this transaction; created empty if missing."""
    query = select(Translation).where(Translation.key_id == key.id, Translation.language == language)
    row = session.scalar(query.with_for_update())
    if row is not None:
        return row
    now = utcnow()
    values: dict[str, Any] = {
        "id": new_id("tr"),
        "key_id": key.id,
        "project_id": key.project_id,
        "language": language,
        "value": None,
        "plural_forms": None,
        "status": "untranslated",
        "source": "human",
        "version": 0,
        "created_at": now,
        "updated_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # ON CONFLICT DO NOTHING: a concurrent creator wins the insert, we then lock its row.
    session.execute(insert(Translation).values(**values).on_conflict_do_nothing())
    row = session.scalar(query.with_for_update().execution_options(populate_existing=True))
    assert row is not None
    return row


def _record(
    session: Session,
    row: Translation,
    *,
    action: str,
    previous: tuple[str | None, dict[str, str] | None, str | None],
    actor: Actor,
) -> TranslationHistory:
    entry = TranslationHistory(
        id=new_id("hist"),
        translation_id=row.id,
        key_id=row.key_id,
        project_id=row.project_id,
        language=row.language,
        version=row.version,
        action=action,
        previous_value=previous[0],
        previous_plural_forms=previous[1],
        previous_status=previous[2],
        new_value=row.value,
        new_plural_forms=row.plural_forms,
        new_status=row.status,
        source=row.source,
        ai_confidence=row.ai_confidence,
        changed_by=actor.user_id,
        changed_by_name=actor.name,
        created_at=row.updated_at,
    )
    session.add(entry)
    return entry


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
    """Set a value; returns (row, changed). Does not commit.

    Status defaults to `translated` for a non-empty value and `untranslated` for "" (decisions
    25). Writing the same value, forms and source again changes nothing and adds no history.
    With `skip_if_exists`, an existing non-empty value is left alone (import without overwrite,
    AI without overwrite).
    """
    value, plurals = normalize_plurals(key, value, plurals)
    row = _lock(session, key=key, language=language)
    if skip_if_exists and row.version > 0 and row.value is not None:
        return row, False
    if status is None:
        status = "translated" if value else "untranslated"
    if (
        row.version > 0
        and row.value == value
        and row.plural_forms == plurals
        and row.status == status
        and row.source == source
        and row.ai_confidence == ai_confidence
    ):
        return row, False
    previous = (row.value, row.plural_forms, row.status if row.version > 0 else None)
    row.value, row.plural_forms, row.status = value, plurals, status
    row.source, row.ai_confidence = source, ai_confidence
    row.version += 1
    row.updated_by, row.updated_by_name, row.updated_at = actor.user_id, actor.name, utcnow()
    _record(session, row, action=action, previous=previous, actor=actor)
    session.flush()
    return row, True


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
    previous = (row.value, row.plural_forms, row.status)
    row.status = status
    row.version += 1
    actor = Actor.of(principal)
    row.updated_by, row.updated_by_name, row.updated_at = actor.user_id, actor.name, utcnow()
    _record(session, row, action="status", previous=previous, actor=actor)
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


def revert(
    session: Session, *, principal: Principal, project: Project, key: Key, language: str, history_id: str | None = None
) -> Translation:
    """Restore an earlier value with the status and source it had then (decisions.md 24)."""
    principal.require(Permission.EDIT_TRANSLATIONS)
    require_language(project, language)
    current = _lock(session, key=key, language=language)
    entries = history(session, key=key, language=language)
    if history_id is not None:
        target = next((e for e in entries if e.id == history_id), None)
        if target is None:
            raise NotFound("History entry not found for this translation")
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
    row, _ = write_translation(
        session,
        key=key,
        language=language,
        value=target.new_value,
        plurals=target.new_plural_forms,
        source=target.source,
        status=target.new_status,
        ai_confidence=target.ai_confidence,
        actor=Actor.of(principal),
        action="revert",
    )
    session.commit()
    return row


def for_key(session: Session, *, key: Key) -> dict[str, Translation]:
    rows = session.scalars(select(Translation).where(Translation.key_id == key.id))
    return {r.language: r for r in rows}


def values_for(session: Session, *, key_ids: Iterable[str], language: str) -> dict[str, Translation]:
    ids = list(key_ids)
    if not ids:
        return {}
    rows = session.scalars(select(Translation).where(Translation.key_id.in_(ids), Translation.language == language))
    return {r.key_id: r for r in rows}


def translated_key_ids(*, project_id: str, language: str) -> Select[tuple[str]]:
    """Keys with a non-empty value in `language`: the complement is "untranslated"."""
    return select(Translation.key_id).where(
        Translation.project_id == project_id,
        Translation.language == language,
        Translation.status != "untranslated",
    )


def key_ids_matching(*, project_id: str, text: str) -> Select[tuple[str]]:
    return select(Translation.key_id).where(
        Translation.project_id == project_id, Translation.value.ilike(text, escape="\\")
    )


def list_for_language(
    session: Session,
    *,
    project: Project,
    language: str,
    offset: int,
    limit: int,
    status: str | None = None,
) -> tuple[list[tuple[Key, Translation | None]], int]:
    """Every key of the project with its translation in `language` (None when it has none)."""
    join = and_(Translation.key_id == Key.id, Translation.language == language)
    query = select(Key, Translation).outerjoin(Translation, join).where(Key.project_id == project.id)
    count_query = select(func.count()).select_from(Key).where(Key.project_id == project.id)
    if status == "untranslated":
        cond = (Translation.id.is_(None)) | (Translation.status == "untranslated")
        query = query.where(cond)
        count_query = (
            select(func.count()).select_from(Key).outerjoin(Translation, join).where(Key.project_id == project.id, cond)
        )
    elif status is not None:
        query = query.where(Translation.status == status)
        count_query = (
            select(func.count())
            .select_from(Translation)
            .where(Translation.project_id == project.id, Translation.language == language, Translation.status == status)
        )
    total = int(session.scalar(count_query) or 0)
    rows = session.execute(query.order_by(Key.namespace, Key.name, Key.id).offset(offset).limit(limit)).all()
    return [(k, t) for k, t in rows], total
