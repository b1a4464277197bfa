"""Reads of many translations at once: the per-language listing and the filters keys use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from entri.core.db import refresh_statistics
from entri.core.prepared import Prepared, json_value
from entri.keys.models import Key
from entri.projects.models import Project
from entri.translations.models import Translation


def refresh_statistics_after_bulk_write(session: Session) -> None:
    """Many translations were written at once: refresh the planner statistics (core/db.py)."""
    refresh_statistics(session, Translation.__tablename__)


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


def _page_query() -> Executable:
    """One page of keys with their translation: the page of key ids is cut from the listing
    index first and only those keys are joined."""
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
    if status is None:
        params = {"project_id": project.id, "language": language, "offset": offset, "limit": limit}
        return [_plain(r) for r in _PAGE.rows(session, params)], project.key_count
    # Filtered by status: rarer, built per call (building expressions costs, see _PAGE).
    join = and_(Translation.key_id == Key.id, Translation.language == language)
    order = (Key.namespace, Key.sort_name, Key.id)
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
    return [tuple(r) for r in rows], total


_PAGE = Prepared(_page_query())
"""Compiled once per dialect, run on the cursor (core/prepared.py): the API's hottest read."""
_FORMS = 4
"""Position of plural_forms in LISTING_COLUMNS."""


def _plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A driver row with its JSON decoded; the timestamp stays as the driver gave it (text on
    SQLite), which the response shaper formats (core/prepared.py: timestamp_iso)."""
    if row[_FORMS] is None:
        return row
    out = list(row)
    out[_FORMS] = json_value(out[_FORMS])
    return tuple(out)
