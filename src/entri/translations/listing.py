"""Reads of many translations at once: the per-language listing and the filters keys use."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from entri.core.db import refresh_statistics
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
