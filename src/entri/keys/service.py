"""Translation keys: create, read, list with filters, update, delete, and their bulk forms.

Bulk calls are all-or-nothing (docs/api-decisions.md, "Bulk keys"): everything is validated
before anything is written, and the whole batch shares one transaction. This slice knows
nothing of translations; creating a key together with its source text is `content.service`.

Concurrent creators of keys in one project queue on the project row (`lock_for_keys`) before
they check names, so two requests creating the same name give one 201 and one 409, never a
unique-violation 500, and key counts stay exact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from entri.core.bulk import copy_rows, table_of
from entri.core.clock import utcnow
from entri.core.db import retry_transient
from entri.core.errors import MAX_PROBLEMS, BadRequest, Conflict, NotFound
from entri.core.ids import new_ids
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.keys import hooks
from entri.keys.events import announce
from entri.keys.models import SORT_PREFIX, Key, KeyTag
from entri.keys.rules import MAX_BULK, key_problems
from entri.projects import service as projects
from entri.projects.models import Project

KEY_COLUMNS = (
    "id",
    "project_id",
    "namespace",
    "name",
    "name_hash",
    "sort_name",
    "description",
    "context",
    "is_plural",
    "max_length",
    "origin_format",
    "created_at",
    "updated_at",
)
DO_NOT_TRANSLATE = "do-not-translate"
"""The key tag marking a key whose text stays as in the source (docs/checks.md)."""
LISTING_ORDER = (Key.namespace, Key.sort_name, Key.id)
"""Matches index ix_keys_listing, so a page is read straight off the index."""


def name_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


@dataclass
class KeyFields:
    key: str
    namespace: str = ""
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    is_plural: bool = False
    max_length: int | None = None
    context: str | None = None
    origin_format: str | None = None
    """The file format of the import creating the key (picks the checks' placeholder dialect)."""


def get_key(session: Session, *, project: Project, key_id: str) -> Key:
    key = session.get(Key, key_id) if len(key_id) <= 64 else None
    if key is None or key.project_id != project.id:
        raise NotFound("Key not found")
    return key


def find_key(session: Session, *, project_id: str, namespace: str, name: str) -> Key | None:
    return session.scalar(
        select(Key).where(Key.project_id == project_id, Key.namespace == namespace, Key.name_hash == name_hash(name))
    )


def keys_by_id(session: Session, *, project_id: str, key_ids: Sequence[str]) -> dict[str, Key]:
    """The project's keys among `key_ids` (a page of the web editor), by id."""
    if not key_ids:
        return {}
    rows = session.scalars(select(Key).where(Key.project_id == project_id, Key.id.in_(list(key_ids))))
    return {k.id: k for k in rows}


def names_of(session: Session, *, key_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """`{key id: (name, namespace)}` of the keys that exist, by primary key, 500 ids a query
    (webhook deliveries name the keys whose values they announce)."""
    ids = list(dict.fromkeys(key_ids))
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        query = select(Key.id, Key.name, Key.namespace).where(Key.id.in_(ids[start : start + 500]))
        found.update({key_id: (name, namespace) for key_id, name, namespace in session.execute(query)})
    return found


def find_keys_by_names(session: Session, *, project_id: str, names: Sequence[str]) -> dict[str, list[Key]]:
    """Keys of a project by name, across namespaces, for callers that name keys by string."""
    hashes = list({name_hash(n) for n in names})
    found: dict[str, list[Key]] = {}
    for start in range(0, len(hashes), 500):
        query = select(Key).where(Key.project_id == project_id, Key.name_hash.in_(hashes[start : start + 500]))
        for key in session.scalars(query.order_by(Key.namespace)):
            found.setdefault(key.name, []).append(key)
    return found


def _set_tags(key: Key, tags: Sequence[str]) -> None:
    key.tag_rows = [KeyTag(tag=t, position=i) for i, t in enumerate(dict.fromkeys(tags))]


@dataclass(slots=True)
class KeyRef:
    """A key as plain data, for bulk writers that must not hold 100k ORM objects in memory."""

    id: str
    project_id: str
    namespace: str
    name: str
    is_plural: bool
    description: str | None
    context: str | None
    max_length: int | None = None
    origin_format: str | None = None
    do_not_translate: bool = False
    """These three are known only for a key `add_keys` created (`fresh`): what the quality checks
    of its first values need, so they read nothing back."""
    fresh: bool = False
    """Created by `add_keys` in the current transaction: it can have no translation yet, so the
    write path inserts its values without looking for existing rows (a wrong flag only costs a
    retry: the insert skips conflicts and reports them)."""


def key_refs(session: Session, *, project_id: str) -> dict[tuple[str, str], KeyRef]:
    """All keys of a project by (namespace, name), as plain data."""
    query = select(Key.id, Key.project_id, Key.namespace, Key.name, Key.is_plural, Key.description, Key.context)
    return {(r.namespace, r.name): KeyRef(*r) for r in session.execute(query.where(Key.project_id == project_id))}


def update_key_refs(session: Session, refs: Sequence[KeyRef]) -> None:
    """Write back plural flag, description and context changed on `KeyRef`s (one executemany)."""
    if refs:
        now = utcnow()
        rows = [
            {
                "id": r.id,
                "is_plural": r.is_plural,
                "description": r.description,
                "context": r.context,
                "updated_at": now,
            }
            for r in refs
        ]
        session.execute(update(Key), rows)


def validate_keys(items: Sequence[KeyFields]) -> None:
    """400 naming every key whose fields break a limit (keys/rules.py); nothing is written."""
    problems: list[str] = []
    for i, f in enumerate(items):
        where = f"keys[{i}]: " if len(items) > 1 else ""
        problems += key_problems(
            name=f.key,
            namespace=f.namespace,
            description=f.description,
            context=f.context,
            tags=f.tags,
            max_length=f.max_length,
            where=where,
        )
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])


def lock_rows(session: Session, *, key_ids: Sequence[str]) -> None:
    """Lock key rows `FOR UPDATE`, in id order, before they are deleted or moved: a writer
    inserting a translation of one of them holds a key-share lock on it (the foreign key) until it
    commits, so the hooks (`keys/hooks.py`) then see every translation the key has."""
    ids = sorted(key_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(select(Key.id).where(Key.id.in_(chunk)).order_by(Key.id).with_for_update())


def lock_for_keys(session: Session, *, project: Project) -> None:
    """Queue behind any other transaction creating or deleting keys of this project (see the
    module docstring). Take it before reading which keys exist."""
    projects.lock_project(session, project_id=project.id)


def add_keys(session: Session, *, project: Project, items: Sequence[KeyFields], validate: bool = True) -> list[KeyRef]:
    """Insert keys and their tags (no permission check, no commit): the building block for
    every creator, set-based so a 100k-key import stays a handful of statements. The caller
    holds `lock_for_keys` and has checked the names are new."""
    if validate:
        validate_keys(items)
    now = utcnow()
    refs: list[KeyRef] = []
    tags: list[tuple[str, str, int]] = []
    for key_id, fields in zip(new_ids("key", len(items)), items, strict=True):
        refs.append(
            KeyRef(
                id=key_id,
                project_id=project.id,
                namespace=fields.namespace,
                name=fields.key,
                is_plural=fields.is_plural,
                description=fields.description,
                context=fields.context,
                max_length=fields.max_length,
                origin_format=fields.origin_format,
                do_not_translate=DO_NOT_TRANSLATE in fields.tags,
                fresh=True,
            )
        )
        tags.extend((key_id, t, i) for i, t in enumerate(dict.fromkeys(fields.tags)))
    rows = (
        (
            ref.id,
            ref.project_id,
            ref.namespace,
            ref.name,
            name_hash(ref.name),
            ref.name[:SORT_PREFIX],
            ref.description,
            ref.context,
            ref.is_plural,
            fields.max_length,
            fields.origin_format,
            now,
            now,
        )
        for ref, fields in zip(refs, items, strict=True)
    )
    copy_rows(session, table_of(Key.__table__), KEY_COLUMNS, rows)
    projects.adjust_key_count(session, project_id=project.id, delta=len(refs))
    copy_rows(session, table_of(KeyTag.__table__), ("key_id", "tag", "position"), tags)
    return refs


def loaded(session: Session, refs: Sequence[KeyRef]) -> list[Key]:
    """ORM keys (with tags) for refs just inserted, in the same order, for API responses."""
    found: dict[str, Key] = {}
    ids = [r.id for r in refs]
    for start in range(0, len(ids), 500):
        query = select(Key).where(Key.id.in_(ids[start : start + 500])).options(selectinload(Key.tag_rows))
        found.update({k.id: k for k in session.scalars(query)})
    return [found[i] for i in ids]


def _require_new_names(session: Session, *, project: Project, items: Sequence[KeyFields]) -> None:
    seen: set[tuple[str, str]] = set()
    duplicates: list[str] = []
    for i, item in enumerate(items):
        ident = (item.namespace, item.key)
        if ident in seen:
            duplicates.append(f"keys[{i}]: '{item.key}' appears twice in namespace '{item.namespace}'")
        seen.add(ident)
    hashes = list({name_hash(k) for _, k in seen})
    for start in range(0, len(hashes), 500):
        query = select(Key.namespace, Key.name).where(
            Key.project_id == project.id, Key.name_hash.in_(hashes[start : start + 500])
        )
        for namespace, name in session.execute(query):
            if (namespace, name) in seen:
                duplicates.append(f"Key '{name}' already exists in namespace '{namespace}'")
    if duplicates:
        raise Conflict(duplicates)


def create(session: Session, *, principal: Principal, project: Project, items: Sequence[KeyFields]) -> list[KeyRef]:
    """New keys, all or nothing (no commit): 400 for a bad field, 409 for a name that exists."""
    principal.require(Permission.MANAGE_KEYS)
    _bulk_size(items)
    validate_keys(items)
    lock_for_keys(session, project=project)
    _require_new_names(session, project=project, items=items)
    refs = add_keys(session, project=project, items=items, validate=False)
    announce(session, principal, project, "key.created", [(r.id, r.namespace, r.name) for r in refs])
    return refs


def _bulk_size(items: Sequence[Any]) -> None:
    if not items:
        raise BadRequest(["keys should not be empty"])
    _bulk_limit(len(items))


def _bulk_limit(count: int) -> None:
    if count > MAX_BULK:
        raise BadRequest([f"at most {MAX_BULK} items per bulk call ({count} given)"])


def _apply_changes(
    session: Session, *, project: Project, key: Key, changes: dict[str, Any], where: str = ""
) -> dict[str, Any]:
    """Apply `changes` to `key`; returns what a key.updated event says about them."""
    said: dict[str, Any] = {"changed": sorted(changes)}
    new_name = changes.get("key", key.name)
    new_namespace = changes.get("namespace", key.namespace)
    if new_name is None or new_namespace is None:
        raise BadRequest(["key and namespace cannot be null"])
    problems = key_problems(
        name=new_name,
        namespace=new_namespace,
        description=changes.get("description"),
        context=changes.get("context"),
        tags=changes.get("tags"),
        max_length=changes.get("maxLength"),
        where=where,
    )
    if problems:
        raise BadRequest(problems)
    if (new_namespace, new_name) != (key.namespace, key.name):
        other = find_key(session, project_id=project.id, namespace=new_namespace, name=new_name)
        if other is not None and other.id != key.id:
            raise Conflict(f"Key '{new_name}' already exists in namespace '{new_namespace}'")
        said.update(previousKey=key.name, previousNamespace=key.namespace)
        if new_namespace != key.namespace:
            lock_rows(session, key_ids=[key.id])
            hooks.moving(session, project_id=project.id, moves=[hooks.Move(key.id, key.namespace, new_namespace)])
        key.name, key.name_hash, key.namespace = new_name, name_hash(new_name), new_namespace
        key.sort_name = new_name[:SORT_PREFIX]
        projects.keys_reordered(session, project_id=project.id)
    if "description" in changes:
        key.description = changes["description"]
    if "context" in changes:
        key.context = changes["context"]
    if "maxLength" in changes:
        key.max_length = changes["maxLength"]
    if "isPlural" in changes and changes["isPlural"] is not None:
        key.is_plural = bool(changes["isPlural"])
    if "tags" in changes:
        _set_tags(key, changes["tags"] or [])
    key.updated_at = utcnow()
    return said


@retry_transient
def update_key(
    session: Session, *, principal: Principal, project: Project, key_id: str, changes: dict[str, Any]
) -> Key:
    principal.require(Permission.MANAGE_KEYS)
    lock_for_keys(session, project=project)
    key = get_key(session, project=project, key_id=key_id)
    said = _apply_changes(session, project=project, key=key, changes=changes)
    announce(session, principal, project, "key.updated", [(key.id, key.namespace, key.name)], {key.id: said})
    session.commit()
    return key


@retry_transient
def update_keys(session: Session, *, principal: Principal, project: Project, items: Sequence[dict[str, Any]]) -> int:
    principal.require(Permission.MANAGE_KEYS)
    _bulk_size(items)
    lock_for_keys(session, project=project)
    ids = [str(item["_id"]) for item in items]
    found = {k.id: k for k in session.scalars(select(Key).where(Key.project_id == project.id, Key.id.in_(ids)))}
    missing = [f"keys[{i}]._id '{kid}' not found" for i, kid in enumerate(ids) if kid not in found]
    if missing:
        raise BadRequest(missing)
    if len(set(ids)) != len(ids):
        raise BadRequest(["keys: the same _id appears more than once"])
    said: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(items):
        changes = {k: v for k, v in item.items() if k != "_id"}
        key = found[str(item["_id"])]
        said[key.id] = _apply_changes(session, project=project, key=key, changes=changes, where=f"keys[{i}]: ")
        session.flush()
    updated = [(found[i].id, found[i].namespace, found[i].name) for i in ids]
    announce(session, principal, project, "key.updated", updated, said)
    session.commit()
    return len(items)


@retry_transient
def delete_key(session: Session, *, principal: Principal, project: Project, key_id: str) -> Key:
    principal.require(Permission.MANAGE_KEYS)
    lock_for_keys(session, project=project)
    key = get_key(session, project=project, key_id=key_id)
    lock_rows(session, key_ids=[key.id])
    hooks.removing(session, project_id=project.id, key_ids=[key.id])
    announce(session, principal, project, "key.deleted", [(key.id, key.namespace, key.name)])
    session.delete(key)
    projects.adjust_key_count(session, project_id=project.id, delta=-1)
    session.commit()
    return key


@retry_transient
def delete_keys(
    session: Session, *, principal: Principal, project: Project, key_ids: Sequence[str]
) -> tuple[int, list[str]]:
    principal.require(Permission.MANAGE_KEYS)
    _bulk_limit(len(key_ids))
    lock_for_keys(session, project=project)
    wanted = list(dict.fromkeys(key_ids))
    doomed = session.execute(
        select(Key.id, Key.namespace, Key.name).where(Key.project_id == project.id, Key.id.in_(wanted))
    ).all()
    found = {key_id for key_id, _, _ in doomed}
    if found:
        ordered = sorted(found)
        lock_rows(session, key_ids=ordered)
        hooks.removing(session, project_id=project.id, key_ids=ordered)
        announce(
            session,
            principal,
            project,
            "key.deleted",
            [(key_id, namespace, name) for key_id, namespace, name in doomed],
        )
        session.execute(delete(Key).where(Key.id.in_(found)))
        projects.adjust_key_count(session, project_id=project.id, delta=-len(found))
    session.commit()
    return len(found), [k for k in wanted if k not in found]


@dataclass(frozen=True)
class KeyFilters:
    namespace: str | None = None
    tag: str | None = None
    search: str | None = None
    untranslated: str | None = None


def like_pattern(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, its wildcards escaped with `\\`."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_keys(
    session: Session,
    *,
    project: Project,
    filters: KeyFilters,
    params: PageParams,
    value_matches: Select[Any] | None = None,
    translated: Select[Any] | None = None,
) -> tuple[list[Key], int]:
    """Keys by the listing order. `value_matches` (key ids whose text matches the search) and
    `translated` (key ids translated in `filters.untranslated`) come from the caller, which
    knows translations; this slice does not."""
    query = select(Key).where(Key.project_id == project.id)
    if filters.namespace is not None:
        query = query.where(Key.namespace == filters.namespace)
    if filters.tag:
        query = query.where(Key.id.in_(select(KeyTag.key_id).where(KeyTag.tag == filters.tag)))
    if filters.search:
        pattern = like_pattern(filters.search)
        query = query.where(
            or_(
                Key.name.ilike(pattern, escape="\\"),
                Key.description.ilike(pattern, escape="\\"),
                *([Key.id.in_(value_matches)] if value_matches is not None else []),
            )
        )
    if filters.untranslated and translated is not None:
        query = query.where(Key.id.not_in(translated))
    unfiltered = filters == KeyFilters()
    total = (
        project.key_count
        if unfiltered
        else int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    )
    ordered = query.order_by(*LISTING_ORDER).options(selectinload(Key.tag_rows))
    rows = session.scalars(ordered.offset(params.offset).limit(params.limit))
    return list(rows), total


def remove_keys(session: Session, *, project: Project, key_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """Delete keys of `project` with everything that hangs off them (no permission check, no
    commit, no event): the building block for callers with their own rules, such as the
    method-style API's `deleteString`. The caller holds `lock_for_keys`. Returns the (id,
    namespace, name) of the keys that existed."""
    wanted = list(dict.fromkeys(key_ids))
    doomed: list[tuple[str, str, str]] = []
    for start in range(0, len(wanted), 500):
        query = select(Key.id, Key.namespace, Key.name).where(
            Key.project_id == project.id, Key.id.in_(wanted[start : start + 500])
        )
        doomed += [(key_id, namespace, name) for key_id, namespace, name in session.execute(query)]
    if doomed:
        ordered = sorted(d[0] for d in doomed)
        lock_rows(session, key_ids=ordered)
        hooks.removing(session, project_id=project.id, key_ids=ordered)  # the progress journals
    for start in range(0, len(doomed), 500):
        session.execute(delete(Key).where(Key.id.in_([d[0] for d in doomed[start : start + 500]])))
    projects.adjust_key_count(session, project_id=project.id, delta=-len(doomed))
    return doomed


def tags_of(session: Session, *, key_ids: Sequence[str]) -> dict[str, list[str]]:
    """`{key id: tags in order}` for keys that have tags (500 ids a query)."""
    ids = list(dict.fromkeys(key_ids))
    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(KeyTag.key_id, KeyTag.tag)
            .where(KeyTag.key_id.in_(ids[start : start + 500]))
            .order_by(KeyTag.key_id, KeyTag.position)
        )
        for key_id, tag in session.execute(query):
            found.setdefault(key_id, []).append(tag)
    return found
