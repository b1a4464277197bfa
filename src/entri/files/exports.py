"""File export: build a Catalog from the database and render it with the format's codec.

When the same (language, namespace, format) was imported before, the stored file is the
layout: its entries get today's values, entries of deleted or untranslated keys drop out, new
keys are appended, and the codec patches only what changed. Otherwise the codec renders its
canonical style. Untranslated keys are omitted, except in PO, POT and XLIFF, which keep them
with an empty target (docs/api-decisions.md, "Import and export", "Empty strings").
Bilingual formats (those and CSV) carry the source text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from entri.checks.base import Level
from entri.core.actor import Actor
from entri.core.errors import BadRequest
from entri.core.events import Event, publish
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.files.imports import CONTEXT_SEPARATOR, parse_file
from entri.files.templates import load_template
from entri.formats import FORMAT_IDS, FormatError, FormatInfo, get_format
from entri.formats.catalog import Catalog, Entry
from entri.formats.gcpause import gc_paused
from entri.keys.models import Key
from entri.projects.models import Project
from entri.projects.service import require_language
from entri.translations.models import Translation

EXCLUDE_FAILING = "failing-errors"
"""`?exclude=` value: leave out values failing error-level quality checks."""


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    filename: str
    total_keys: int
    truncated: bool


def _display_name(name: str, context: str | None) -> str:
    """Undo the import's context prefix (`ctx\\x04msgid`) so gettext files get their msgid back."""
    if context and name.startswith(context + CONTEXT_SEPARATOR):
        return name[len(context) + 1 :]
    return name


Row = Any
"""(key id, name, namespace, description, context, is_plural, max_length, value, forms,
status, version): `_values` columns, by position."""


def _values(
    session: Session, project_id: str, language: str, namespace: str | None, *, exclude_failing: bool = False
) -> list[Row]:
    """Every key of the project (or namespace) with its value in `language`. With
    `exclude_failing`, a value failing error-level checks reads as absent (docs/checks.md)."""
    join = and_(Translation.key_id == Key.id, Translation.language == language)
    if exclude_failing:
        join = and_(join, Translation.check_level < Level.ERROR)
    query = (
        select(
            Key.id,
            Key.name,
            Key.namespace,
            Key.description,
            Key.context,
            Key.is_plural,
            Key.max_length,
            Translation.value,
            Translation.plural_forms,
            Translation.status,
            Translation.version,
        )
        .outerjoin(Translation, join)
        .where(Key.project_id == project_id)
        .order_by(Key.namespace, Key.sort_name, Key.id)
    )
    if namespace is not None:
        query = query.where(Key.namespace == namespace)
    # Core rows through the connection, fetched at once: the ORM's per-row processing, and
    # attribute access on 100k rows, cost more than the query.
    return list(session.connection().execute(query).all())


def _source_texts(rows: list[Row]) -> dict[str, tuple[Any, Any]]:
    """key id -> (value, forms) of the keys that have a source-language text."""
    return {row[0]: (row[7], row[8]) for row in rows if row[10]}


def _entries(
    rows: list[Row], sources: dict[str, tuple[Any, Any]] | None, *, keep_empty: bool, fallback: bool
) -> list[Entry]:
    entries: list[Entry] = []
    append = entries.append
    for key_id, name, namespace, description, context, is_plural, max_length, value, forms, status, version in rows:
        source_text = source_forms = None
        if sources is not None:
            source_text, source_forms = sources.get(key_id, (None, None))
        if not (version and (value is not None or forms)):
            value = forms = status = None
            if fallback and source_text is not None:
                value, forms = source_text, source_forms
        if value is None and forms is None and not keep_empty:
            continue
        if not is_plural and forms is not None:
            value, forms = forms.get("other", value), None
        elif forms is not None:
            value = None  # an entry has a value or forms, never both (formats/catalog.py)
        append(
            Entry(
                key=_display_name(name, context),
                namespace=namespace,
                value=value,
                plurals=forms,
                context=context,
                description=description,
                max_length=max_length,
                state=status,
                source=source_text,
                source_plurals=source_forms if is_plural else None,
            )
        )
    return entries


def _require_unique_names(entries: list[Entry]) -> None:
    seen: dict[tuple[str, str | None], str] = {}
    for entry in entries:
        ident = (entry.key, entry.context)
        if ident in seen and seen[ident] != entry.namespace:
            raise BadRequest(
                [
                    f"namespace: key '{entry.key}' exists in namespaces '{seen[ident]}' and "
                    f"'{entry.namespace}'; export one namespace at a time with ?namespace="
                ]
            )
        seen[ident] = entry.namespace


def _merge_into_template(template: Catalog, entries: list[Entry]) -> Catalog:
    """Today's values in the stored file's layout; the codec's memo keeps everything else."""
    fresh = {(e.key, e.context): e for e in entries}
    used: set[tuple[str, str | None]] = set()
    kept: list[Entry] = []
    for old in template.entries:
        new = fresh.get((old.key, old.context))
        if new is None:
            continue
        used.add((old.key, old.context))  # a key repeated in the file gets the value at each place
        # A file that said nothing about state was imported with the status its value implies;
        # keep saying nothing unless the status has moved since, or the codec would rewrite it.
        implied = "translated" if (new.value or new.plurals) else "untranslated"
        state_unchanged = old.state is None and new.state in (None, implied)
        old.value, old.plurals = new.value, new.plurals
        old.state = old.state if state_unchanged else new.state
        if new.source_plurals is not None or old.source_plurals is not None:
            if new.source_plurals != old.source_plurals:
                old.source, old.source_plurals = new.source, new.source_plurals
        elif new.source is not None and new.source != old.source:
            old.source = new.source
        kept.append(old)
    template.entries = kept + [e for e in entries if (e.key, e.context) not in used]
    return template


def export_file(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    language: str,
    format_id: str | None,
    namespace: str | None = None,
    fallback: str | None = None,
    max_entries: int = 0,
    exclude: str | None = None,
) -> ExportedFile:
    """`exclude="failing-errors"` leaves out values that fail error-level checks (a release
    build that must not ship a broken placeholder); `fallback="source"` fills them from the
    source then, like any missing value."""
    principal.require(Permission.IMPORT_EXPORT)
    if not format_id:
        raise BadRequest([f"format should not be empty; valid formats: {', '.join(FORMAT_IDS)}"])
    try:
        info = get_format(format_id)
    except FormatError as exc:
        raise BadRequest([f"format: {exc}"]) from None
    if fallback not in (None, "source"):
        raise BadRequest(["fallback must be 'source'"])
    if exclude not in (None, EXCLUDE_FAILING):
        raise BadRequest([f"exclude must be '{EXCLUDE_FAILING}'"])
    require_language(project, language)
    with gc_paused():
        return _export(
            session,
            project=project,
            info=info,
            language=language,
            format_id=format_id,
            namespace=namespace,
            fallback=fallback,
            max_entries=max_entries,
            exclude_failing=exclude == EXCLUDE_FAILING,
        )


def _export(
    session: Session,
    *,
    project: Project,
    info: FormatInfo,
    language: str,
    format_id: str,
    namespace: str | None,
    fallback: str | None,
    max_entries: int,
    exclude_failing: bool,
) -> ExportedFile:
    rows = _values(session, project.id, language, namespace, exclude_failing=exclude_failing)
    sources = None
    if info.bilingual or fallback == "source":
        source_rows = (
            rows
            if language == project.source_language
            else _values(session, project.id, project.source_language, namespace)
        )
        sources = _source_texts(source_rows)
        del source_rows
    entries = _entries(rows, sources, keep_empty=info.keeps_untranslated, fallback=fallback == "source")
    if namespace is None:
        _require_unique_names(entries)
    total = len(entries)
    truncated = 0 < max_entries < total
    if truncated:
        entries = entries[:max_entries]
    catalog = Catalog(language=language, entries=entries, source_language=project.source_language)
    template = load_template(
        session, project_id=project.id, language=language, namespace=namespace or "", format_id=format_id
    )
    if template is not None and not truncated:
        catalog = _merge_into_template(parse_file(format_id, template, language), entries)
    elif format_id == "arb":
        catalog.headers["@@locale"] = language.replace("-", "_")
    try:
        content = info.codec().render(catalog)
    except FormatError as exc:
        raise BadRequest([f"format: cannot write these translations as {format_id}: {exc}"]) from None
    return ExportedFile(content=content, filename=info.filename_for(language), total_keys=total, truncated=truncated)


def announce(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    language: str,
    format_id: str,
    namespace: str | None,
    exported: ExportedFile,
) -> None:
    """Record `export.completed` on `session` (a write session of its own: an export reads on a
    read session, and what it records is that a file left, after it was built); commits."""
    publish(
        session,
        [
            Event(
                name="export.completed",
                organization_id=project.organization_id,
                actor=Actor.of(principal),
                project_id=project.id,
                target_type="export",
                data={
                    "projectId": project.id,
                    "language": language,
                    "format": format_id,
                    "namespace": namespace,
                    "keys": exported.total_keys,
                    "truncated": exported.truncated,
                },
                language=language,
            )
        ],
    )
    session.commit()
