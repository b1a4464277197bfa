"""Reads of many translations at once: the per-language listing and the filters keys use."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, and_, bindparam, func, or_, select, text, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from entri.checks.base import Level
from entri.core.prepared import Prepared, json_value
from entri.keys.models import Key
from entri.keys.service import LISTING_ORDER, like_pattern
from entri.projects.models import Project
from entri.translations.models import Translation


def translated_key_ids(*, project_id: str, language: str) -> Select[Any]:
    """Keys with a non-empty value in `language`: the complement is "untranslated"."""
    return select(Translation.key_id).where(
        Translation.project_id == project_id,
        Translation.language == language,
        Translation.status != "untranslated",
    )


@dataclass(frozen=True, slots=True)
class StoredState:
    """What a translation holds now, for a caller comparing a value it might write."""

    value: str | None
    plural_forms: dict[str, str] | None
    status: str


_STATE_CHUNK = 900


def states(session: Session, *, language: str, key_ids: Sequence[str]) -> dict[str, StoredState]:
    """The current translation of each of `key_ids` in `language`, by key id; keys without one
    are absent. Reads without locking (an import holds its project): files/plan.py compares the
    values a file brings with these to tell conflicts and skipped values apart."""
    query = select(Translation.key_id, Translation.value, Translation.plural_forms, Translation.status).where(
        Translation.language == language, Translation.version > 0
    )
    found: dict[str, StoredState] = {}
    for start in range(0, len(key_ids), _STATE_CHUNK):
        chunk = key_ids[start : start + _STATE_CHUNK]
        for key_id, value, forms, status in session.execute(query.where(Translation.key_id.in_(chunk))):
            found[key_id] = StoredState(value, forms, status)
    return found


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
    Translation.checks,
)


_ORDER = LISTING_ORDER
"""The keys' listing order (keys/service.py), matching index ix_keys_listing."""


def _page_query(*, anchored: bool) -> Executable:
    """One page of keys with their translation: the page of key ids is cut from the listing
    index first and only those keys are joined. `anchored` starts the index walk at a cached
    anchor key instead of the first key (see `_anchor_for`)."""
    page_ids = select(Key.id).where(Key.project_id == bindparam("project_id"))
    if anchored:
        start = tuple_(bindparam("a_ns"), bindparam("a_sort"), bindparam("a_id"))
        page_ids = page_ids.where(tuple_(*_ORDER) >= start)
    page = (
        page_ids.order_by(*_ORDER)
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )
    join = and_(Translation.key_id == Key.id, Translation.language == bindparam("language"))
    query = select(*LISTING_COLUMNS).join(page, page.c.id == Key.id).outerjoin(Translation, join)
    return query.order_by(*_ORDER)


def _anchor_query() -> Executable:
    """Every ANCHOR_EVERY-th key of a project in listing order: one walk of the index."""
    position = (func.row_number().over(order_by=_ORDER) - 1).label("position")
    ranked = select(*_ORDER, position).where(Key.project_id == bindparam("project_id")).subquery()
    every = bindparam("every", type_=Integer)
    return select(ranked.c.namespace, ranked.c.sort_name, ranked.c.id).where(ranked.c.position % every == 0)


ANCHOR_EVERY = 500
_ANCHORED_FROM = 2 * ANCHOR_EVERY
_ANCHOR_PROJECTS = 256
_anchors: OrderedDict[str, tuple[int, list[tuple[str, str, str]]]] = OrderedDict()
_anchors_lock = threading.Lock()


def _anchor_for(session: Session, project: Project, offset: int) -> tuple[tuple[str, str, str], int] | None:
    """The key where the walk to `offset` can start, and the offset left from there.

    OFFSET walks the index entry by entry: page 1,000 of a 100k-key project cost 4.6 ms of
    SQLite time against 0.3 ms for page 1. Anchors (the key at every 500th position) are read
    once per project and per `keys_revision` (bumped by every create, delete and rename), kept
    for the 256 projects read last, so any page starts at most 499 entries from its anchor.
    """
    if offset < _ANCHORED_FROM:
        return None
    with _anchors_lock:
        cached = _anchors.get(project.id)
        if cached is not None:
            _anchors.move_to_end(project.id)
    if cached is None or cached[0] != project.keys_revision:
        rows = _ANCHORS.rows(session, {"project_id": project.id, "every": ANCHOR_EVERY})
        cached = (project.keys_revision, [(r[0], r[1], r[2]) for r in rows])
        with _anchors_lock:
            _anchors[project.id] = cached
            while len(_anchors) > _ANCHOR_PROJECTS:
                _anchors.popitem(last=False)
    index = offset // ANCHOR_EVERY
    if index >= len(cached[1]):
        return None
    return cached[1][index], offset - index * ANCHOR_EVERY


def list_for_language(
    session: Session,
    *,
    project: Project,
    language: str,
    offset: int,
    limit: int,
    status: str | None = None,
    check: str | None = None,
    namespace: str | None = None,
    search: str | None = None,
) -> tuple[list[Any], int]:
    """Every key of the project with its translation in `language` (NULL columns when none).

    Plain column rows, not ORM objects: this is the hottest read of the API. Without a filter
    the page of keys is cut from the covering index first and only those keys are joined, so a
    deep page costs the same as the first one. `search` matches the key name or any language's
    text (the source's included), case-insensitively; `namespace` is exact (the web editor's
    filters).
    """
    if status is None and check is None and namespace is None and not search:
        params: dict[str, Any] = {"project_id": project.id, "language": language, "offset": offset, "limit": limit}
        anchor = _anchor_for(session, project, offset)
        if anchor is None:
            return [_plain(r) for r in _PAGE.rows(session, params)], project.key_count
        (params["a_ns"], params["a_sort"], params["a_id"]), params["offset"] = anchor
        return [_plain(r) for r in _ANCHORED_PAGE.rows(session, params)], project.key_count
    # Filtered: rarer, built per call (building expressions costs, see _PAGE).
    join = and_(Translation.key_id == Key.id, Translation.language == language)
    conds: list[ColumnElement[bool]] = []
    if status == "untranslated":
        conds.append((Translation.id.is_(None)) | (Translation.status == "untranslated"))
    elif status is not None:
        conds.append(Translation.status == status)
    if check is not None:
        conds.append(failing_condition(session, check))
    if namespace is not None:
        conds.append(Key.namespace == namespace)
    if search:
        pattern = like_pattern(search)
        conds.append(
            or_(
                Key.name.ilike(pattern, escape="\\"),
                Key.id.in_(key_ids_matching(project_id=project.id, text=pattern)),
            )
        )
    query = select(*LISTING_COLUMNS).outerjoin(Translation, join).where(Key.project_id == project.id, *conds)
    count_query = select(func.count()).select_from(Key).outerjoin(Translation, join)
    total = int(session.scalar(count_query.where(Key.project_id == project.id, *conds)) or 0)
    rows = session.connection().execute(query.order_by(*_ORDER).offset(offset).limit(limit)).all()
    return [_plain(tuple(r)) for r in rows], total


def failing(
    session: Session,
    *,
    project: Project,
    language: str | None,
    severity: str | None,
    check: str | None,
    offset: int,
    limit: int,
) -> tuple[list[tuple[Any, ...]], int]:
    """Translations failing checks, by language then key order: (language, *LISTING_COLUMNS)."""
    conds: list[ColumnElement[bool]] = [Translation.project_id == project.id]
    conds.append(failing_condition(session, ERRORS if severity == "error" else FAILING))
    if severity == "warning":
        conds.append(Translation.check_level == Level.WARNING)
    if language is not None:
        conds.append(Translation.language == language)
    else:
        conds.append(Translation.language.in_(project.languages))  # a removed language's rows stay hidden
    if check is not None and check not in (FAILING, ERRORS):
        conds.append(failing_condition(session, check))
    total = int(session.scalar(select(func.count()).select_from(Translation).where(*conds)) or 0)
    query = (
        select(Translation.language, *LISTING_COLUMNS)
        .join(Key, Key.id == Translation.key_id)
        .where(*conds)
        .order_by(Translation.language, *_ORDER)
        .offset(offset)
        .limit(limit)
    )
    rows = session.connection().execute(query).all()
    return [(r[0], *_plain(tuple(r[1:]))) for r in rows], total


FAILING = "failing"
ERRORS = "errors"


def failing_condition(session: Session, check: str) -> ColumnElement[bool]:
    """Translations failing any check (`failing`), an error-level one (`errors`), or the check
    with that id. `check_level` is indexed; a check id is looked up in the stored JSON."""
    if check == FAILING:
        return Translation.check_level > Level.CLEAN
    if check == ERRORS:
        return Translation.check_level == Level.ERROR
    named = bindparam("check_id", check, type_=String)
    if session.get_bind().dialect.name == "postgresql":
        has = "translations.checks @> jsonb_build_array(jsonb_build_object('id', CAST(:check_id AS text)))"
        return and_(Translation.check_level > Level.CLEAN, text(has).bindparams(named))
    return and_(
        Translation.check_level > Level.CLEAN,
        text(
            "EXISTS (SELECT 1 FROM json_each(translations.checks) WHERE json_extract(value, '$.id') = :check_id)"
        ).bindparams(named),
    )


_PAGE = Prepared(_page_query(anchored=False))
"""Compiled once per dialect, run on the cursor (core/prepared.py): the API's hottest read."""
_ANCHORED_PAGE = Prepared(_page_query(anchored=True))
_ANCHORS = Prepared(_anchor_query())
_FORMS = 4
"""Position of plural_forms in LISTING_COLUMNS."""
_CHECKS = len(LISTING_COLUMNS) - 1
"""Position of checks (the last column)."""


def _plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A driver row with its JSON decoded; the timestamp stays as the driver gave it (text on
    SQLite), which the response shaper formats (core/prepared.py: timestamp_iso)."""
    if row[_FORMS] is None and row[_CHECKS] is None:
        return row
    out = list(row)
    if out[_FORMS] is not None:
        out[_FORMS] = json_value(out[_FORMS])
    if out[_CHECKS] is not None:
        out[_CHECKS] = json_value(out[_CHECKS])
    return tuple(out)
