"""Writing an import: its entries, chunk by chunk, in one transaction.

The project's key creators queue behind the import (`lock_for_keys`). The stored file goes in
first, then each chunk looks up which of its keys exist, creates the others and writes its
values through the write path (translations/service.py). Only the current chunk's entries,
keys and writes are in memory; the caller decides where chunks come from (a whole parsed file,
or a codec reading the file as it goes: imports.py). Nothing commits before the last chunk.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.checks import runner as checks
from entri.core.actor import Actor
from entri.core.bulk import roomy_page_cache
from entri.core.db import refresh_statistics_after, retry_transient
from entri.core.events import Event, publish
from entri.core.principal import Principal
from entri.core.vocabularies import Action, Source
from entri.files.plan import ChunkPlan, Report, protect_reviewed, read_states, report_chunk
from entri.files.templates import save_template
from entri.formats.catalog import Entry
from entri.keys import service as keys
from entri.keys.models import Key
from entri.projects.models import Project
from entri.translations import service as translations

CHUNK = 5000
"""Entries per chunk: big enough that per-statement costs vanish, small enough to stay light."""
LOOKUP_BATCH = 1000
"""Names per key lookup (an IN list: SQLite takes up to 32,766 parameters, small lists plan well)."""

Ident = tuple[str, str]
"""(namespace, name): a key's identity in its project."""
Planned = tuple[Entry, Ident]


@dataclass
class ImportResult:
    imported: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: dict[str, int] = field(default_factory=dict)
    """How many imported values fail each quality check, by check id."""
    conflicts: int = 0
    """Reviewed or approved values left alone by an import protecting them (not in `skipped`)."""
    changes: list[dict[str, Any]] | None = None
    """A dry run's per-key report (files/plan.py); None for a real import."""


def _is_plural(entry: Entry) -> bool:
    """Plural in the file, even when untranslated (gettext `msgid_plural` with empty forms)."""
    return entry.plurals is not None or entry.source_plurals is not None


@retry_transient
def apply(session: Session, /, **kwargs: Any) -> ImportResult:
    """`_apply`, run again from the start when it lost a race (PostgreSQL): `chunks` is called
    anew, so a streamed file is read again from its first byte."""
    return _apply(session, **kwargs)


def _apply(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    language: str,
    format_id: str,
    data: bytes,
    chunks: Callable[[], Iterator[list[Planned]]],
    unique: bool,
    namespace: str | None,
    overwrite: bool,
    protect_reviewed: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """One transaction: the project's key creators queue behind this import (`lock_for_keys`),
    then each chunk creates its new keys and writes its values through the write path.

    `unique`: no two entries name the same key. Then, in a project that had no key when the
    lock was taken, every entry's key is new and no chunk needs to look keys up.
    `protect_reviewed`: an overwrite leaves reviewed and approved values alone (plan.py).
    `dry_run`: everything is done, reported key by key, and rolled back.
    """
    actor = Actor.of(principal)
    result = ImportResult()
    report = Report() if dry_run else None
    with page_cache_for(session, file_bytes=len(data)):
        keys.lock_for_keys(session, project=project)
        # The file first, while little else is in memory: binding it copies it once more.
        save_template(
            session, project_id=project.id, language=language, namespace=namespace or "", format_id=format_id, data=data
        )
        session.flush()
        look_up = not unique or _has_keys(session, project_id=project.id)
        for chunk in chunks():
            _apply_chunk(
                session,
                project=project,
                language=language,
                chunk=chunk,
                format_id=format_id,
                look_up=look_up,
                overwrite=overwrite,
                protect=overwrite and protect_reviewed,
                report=report,
                actor=actor,
                result=result,
            )
            # The write path leaves a few reference cycles per chunk (database results); with
            # the collector paused (gc_paused) they would pile up for the whole import.
            gc.collect(0)
        if report is None:
            _announce(
                session,
                actor=actor,
                project=project,
                language=language,
                format_id=format_id,
                namespace=namespace,
                result=result,
            )
            session.commit()  # the cache is given back just before (core/bulk.py: roomy_page_cache)
    if report is not None:
        session.rollback()  # a dry run: nothing stays, not even its summary event
        result.changes = report.as_list()
        return result
    refresh_statistics_after(
        session, rows=result.created + result.imported, tables=("keys", "translations", "translation_history")
    )
    return result


def _announce(
    session: Session,
    *,
    actor: Actor,
    project: Project,
    language: str,
    format_id: str,
    namespace: str | None,
    result: ImportResult,
) -> None:
    """One `import.completed` event with the counts stands for the whole file: the values were
    written with `announce=False`, so a 100k-key import is one activity entry, not 100k."""
    publish(
        session,
        [
            Event(
                name="import.completed",
                organization_id=project.organization_id,
                actor=actor,
                project_id=project.id,
                target_type="import",
                data={
                    "projectId": project.id,
                    "imported": result.imported,
                    "created": result.created,
                    "updated": result.updated,
                    "skipped": result.skipped,
                    "language": language,
                    "format": format_id,
                    "namespace": namespace,
                },
                language=language,
                source=Source.IMPORT.value,
                count=result.imported,
            )
        ],
    )


CACHE_PER_FILE_BYTE = 6
MAX_CACHE_KIB = 256 * 1024


@contextmanager
def page_cache_for(session: Session, *, file_bytes: int) -> Iterator[None]:
    """SQLite's page cache sized for one import (6 bytes per byte of the file, at most 256 MiB),
    then back to the connection's own.

    An import inserts into a dozen indexes keyed by random ids and hashes. Once they outgrow
    the cache, nearly every insert reads a page back and spills another into the WAL, and in one
    big transaction each read also searches a WAL index that keeps growing: a 1M-key import ran
    at half the per-key pace of a 100k one, and 256 MiB took a third off its time. A small file
    gets a small cache, since the cache is memory the import holds (docs/import-export.md, "Big
    files"). PostgreSQL's buffers are the server's business: nothing to do there.
    """
    kib = min(MAX_CACHE_KIB, CACHE_PER_FILE_BYTE * file_bytes // 1024)
    with roomy_page_cache(session, kib=kib):
        yield


def _has_keys(session: Session, *, project_id: str) -> bool:
    return session.scalar(select(Key.id).where(Key.project_id == project_id).limit(1)) is not None


def _existing_keys(session: Session, *, project_id: str, idents: set[Ident]) -> dict[Ident, keys.KeyRef]:
    """The keys among `idents` that exist, as plain data: one lookup on the unique index
    (project, namespace, name hash) per batch of names, so an import never holds a project's
    whole key list.

    On the DBAPI cursor: for an overwrite of 100k keys, SQLAlchemy's rows and its rendering
    of the IN list cost as much as the index lookups themselves. PostgreSQL gets the names as
    one array (`= ANY`): a thousand parameters cost it more to parse and plan than to look up."""
    hashes: dict[str, list[str]] = {}
    for namespace, name in idents:
        hashes.setdefault(namespace, []).append(keys.name_hash(name))
    bind = session.connection()
    postgres = bind.dialect.name == "postgresql"
    mark = "%s" if postgres else "?"
    query = (
        f"SELECT id, name, is_plural, description, context FROM {Key.__tablename__}"
        f" WHERE project_id = {mark} AND namespace = {mark} AND name_hash "
    )
    found: dict[Ident, keys.KeyRef] = {}
    cursor = bind.connection.cursor()
    try:
        for namespace, batch in hashes.items():
            statements: list[tuple[str, tuple[Any, ...]]]
            if postgres:
                statements = [(f"{query}= ANY({mark})", (project_id, namespace, batch))]
            else:
                statements = [
                    (f"{query}IN ({', '.join([mark] * len(some))})", (project_id, namespace, *some))
                    for some in (batch[i : i + LOOKUP_BATCH] for i in range(0, len(batch), LOOKUP_BATCH))
                ]
            for sql, params in statements:
                cursor.execute(sql, params)
                for key_id, name, is_plural, description, context in cursor.fetchall():
                    found[(namespace, name)] = keys.KeyRef(
                        key_id, project_id, namespace, name, bool(is_plural), description, context
                    )
    finally:
        cursor.close()
    return found


def _merge_key_metadata(planned: list[Planned], existing: dict[Ident, keys.KeyRef]) -> list[keys.KeyRef]:
    """Existing keys learn what the file knows and they don't (plural shape, comment, context)."""
    changed: dict[str, keys.KeyRef] = {}
    for entry, ident in planned:
        ref = existing.get(ident)
        if ref is None:
            continue
        if _is_plural(entry) and not ref.is_plural:
            ref.is_plural = True
            changed[ref.id] = ref
        if ref.description is None and entry.description:
            ref.description = entry.description
            changed[ref.id] = ref
        if ref.context is None and entry.context:
            ref.context = entry.context
            changed[ref.id] = ref
    return list(changed.values())


def _apply_chunk(
    session: Session,
    *,
    project: Project,
    language: str,
    chunk: list[Planned],
    format_id: str,
    look_up: bool,
    overwrite: bool,
    protect: bool,
    report: Report | None,
    actor: Actor,
    result: ImportResult,
) -> None:
    existing: dict[Ident, keys.KeyRef] = {}
    if look_up:
        existing = _existing_keys(session, project_id=project.id, idents={ident for _, ident in chunk})
        keys.update_key_refs(session, _merge_key_metadata(chunk, existing))
    new_fields: dict[Ident, keys.KeyFields] = {}
    for entry, ident in chunk:
        if ident not in existing and ident not in new_fields:
            new_fields[ident] = keys.KeyFields(
                key=ident[1],
                namespace=ident[0],
                description=entry.description,
                context=entry.context,
                is_plural=_is_plural(entry),
                max_length=entry.max_length,
                origin_format=format_id,
            )
    created = keys.add_keys(session, project=project, items=list(new_fields.values()), validate=False)
    for ref in created:
        existing[(ref.namespace, ref.name)] = ref
    fresh = {ref.id for ref in created}
    result.created += len(created)

    writes: list[translations.Write] = []
    wanted: set[str] = set()
    for entry, ident in chunk:
        ref = existing[ident]
        if entry.value is None and entry.plurals is None:
            result.skipped += 1
        else:
            wanted.add(ref.id)
            writes.append(
                translations.Write(
                    key=ref,
                    language=language,
                    value=entry.value,
                    plurals=entry.plurals,
                    source=Source.IMPORT,
                    status=entry.state,
                    downgrade=True,
                )
            )
        if entry.source is not None and language != project.source_language and ref.id in fresh:
            # A bilingual file gives new keys their source text too.
            writes.append(
                translations.Write(
                    key=ref,
                    language=project.source_language,
                    value=entry.source,
                    plurals=entry.source_plurals if ref.is_plural else None,
                    source=Source.IMPORT,
                )
            )
    plan = None
    if protect or report is not None:
        plan = ChunkPlan(states=read_states(session, language=language, refs=list(existing.values()), fresh=fresh))
        if protect:
            writes = protect_reviewed(writes, language=language, plan=plan)
    changes = translations.write(
        session,
        project=project,
        writes=writes,
        actor=actor,
        action=Action.IMPORT,
        skip_existing=not overwrite,
        announce=False,  # the import's own summary stands for its values (`_announce`)
    )
    # A key repeated in the file is one translation (the last write wins), counted once.
    mine = [c for c in changes if c.language == language]
    conflicts = len(plan.conflicts) if plan is not None else 0
    result.imported += len(mine)
    result.updated += sum(1 for c in mine if c.old_status is not None)
    result.skipped += len(wanted) - len(mine) - conflicts
    result.conflicts += conflicts
    if report is not None and plan is not None:
        report_chunk(report, chunk=chunk, refs=existing, fresh=fresh, changes=mine, plan=plan)
    for check_id, count in checks.counts(c.failures for c in mine).items():
        result.checks[check_id] = result.checks.get(check_id, 0) + count
