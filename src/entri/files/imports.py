"""File import: parse with the format's codec, then apply the whole Catalog in one transaction.

Atomic by construction: the file is parsed and every entry validated before the first write,
and all writes share the request's transaction, so a bad file or a bad entry leaves the
project exactly as it was (400 naming the problem).
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.bulk import roomy_page_cache
from entri.core.db import refresh_statistics_after, retry_transient
from entri.core.errors import BadRequest
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.text import first_unstorable
from entri.core.vocabularies import Action, Source
from entri.files.templates import save_template
from entri.formats import FormatError, get_format
from entri.formats.catalog import Catalog, Entry, repeated_key_warnings
from entri.formats.gcpause import gc_paused
from entri.keys import service as keys
from entri.keys.rules import key_problems
from entri.projects.models import Project
from entri.projects.service import require_language
from entri.translations import service as translations
from entri.translations.rules import MAX_VALUE

CONTEXT_SEPARATOR = "\x04"
"""gettext's own msgctxt/msgid separator: names the second of two same-name keys apart."""
CHUNK = 5000
MAX_PROBLEMS = 50


@dataclass
class ImportResult:
    imported: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _is_plural(entry: Entry) -> bool:
    """Plural in the file, even when untranslated (gettext `msgid_plural` with empty forms)."""
    return entry.plurals is not None or entry.source_plurals is not None


def decode_content(format_id: str, content: str, content_encoding: str | None = None) -> bytes:
    """`mo` travels base64-encoded inside the JSON body; so may any file (`contentEncoding:
    "base64"`), which keeps UTF-16 and ISO-8859-1 files byte-exact. Otherwise it is the text."""
    info = get_format(format_id)
    if not info.binary and content_encoding != "base64":
        return content.encode("utf-8", errors="surrogatepass")
    try:
        # `base64` and `encodebytes` wrap lines at 76 characters: whitespace is not an error.
        return base64.b64decode("".join(content.split()), validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest([f"content: a '{format_id}' file must be sent base64-encoded"]) from None


def parse_file(format_id: str, data: bytes, language: str) -> Catalog:
    try:
        return get_format(format_id).codec().parse(data, language)
    except FormatError as exc:
        raise BadRequest([f"content: {exc}"]) from None
    except RecursionError:
        raise BadRequest(["content: the file is nested too deeply"]) from None


def _key_names(catalog: Catalog) -> list[tuple[Entry, str]]:
    """Pair each entry with the key name it maps to: its own name (PO: the msgid, see
    docs/api-decisions.md "PO"), except when one name occurs with several gettext contexts;
    then every entry that has a context is named `context\x04name` (gettext's own separator)
    so none overwrites another."""
    with_context = {e.key for e in catalog.entries if e.context}
    contexts: dict[str, set[str | None]] = {}
    for entry in catalog.entries:
        if entry.key in with_context:
            contexts.setdefault(entry.key, set()).add(entry.context)
    shared = {key for key, found in contexts.items() if len(found) > 1}
    return [
        (e, f"{e.context}{CONTEXT_SEPARATOR}{e.key}" if e.context and e.key in shared else e.key)
        for e in catalog.entries
    ]


def _texts(entry: Entry) -> list[str]:
    return list(entry.plurals.values()) if entry.plurals else [] if entry.value is None else [entry.value]


def _validate(named: list[tuple[Entry, str]]) -> None:
    """Every entry against the key and translation limits, before anything is written. Lengths
    per entry; NULs and lone surrogates in one scan of all the text (core/text.py)."""
    problems: list[str] = []
    everything: list[str] = []
    for entry, name in named:
        found = key_problems(name=name, namespace=entry.namespace, context=entry.context, max_length=entry.max_length)
        texts = _texts(entry)
        if any(len(t) > MAX_VALUE for t in texts):
            found.append(f"the value of '{name[:60]}' is longer than {MAX_VALUE} characters")
        problems.extend(f"content: {p}" for p in found)
        if len(problems) >= MAX_PROBLEMS:
            break
        everything.append("\n".join([*texts, entry.description or "", entry.source or ""]))
        everything.extend((entry.source_plurals or {}).values())
    if not problems and first_unstorable(everything) is not None:
        for entry, name in named:
            texts = [
                *_texts(entry),
                entry.description or "",
                entry.source or "",
                *(entry.source_plurals or {}).values(),
            ]
            if first_unstorable(texts) is not None:
                problems.append(f"content: {name[:60]!r} contains a NUL or an unpaired surrogate character")
                break
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])


def import_file(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    language: str,
    format_id: str,
    content: str,
    namespace: str | None = None,
    overwrite: bool = False,
    content_encoding: str | None = None,
) -> ImportResult:
    principal.require(Permission.IMPORT_EXPORT)
    require_language(project, language)
    data = decode_content(format_id, content, content_encoding)
    with gc_paused():  # builds several objects per entry, none of them cyclic (formats/gcpause.py)
        catalog = parse_file(format_id, data, language)
        named = _key_names(catalog)
        _validate(named)
        result = _apply_retrying(
            session,
            principal=principal,
            project=project,
            language=language,
            format_id=format_id,
            data=data,
            named=named,
            namespace=namespace,
            overwrite=overwrite,
        )
    result.warnings = catalog.warnings + result.warnings
    return result


@retry_transient
def _apply_retrying(session: Session, /, **kwargs: Any) -> ImportResult:
    return _apply(session, **kwargs)


def _apply(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    language: str,
    format_id: str,
    data: bytes,
    named: list[tuple[Entry, str]],
    namespace: str | None,
    overwrite: bool,
) -> ImportResult:
    """One transaction: keys first (queued behind other key creators of the project), then
    values through the write path, chunk by chunk so memory stays flat on big files."""
    with roomy_page_cache(session):
        result = _apply_in_cache(
            session,
            project=project,
            actor=Actor.of(principal),
            language=language,
            named=named,
            namespace=namespace,
            overwrite=overwrite,
        )
        save_template(
            session, project_id=project.id, language=language, namespace=namespace or "", format_id=format_id, data=data
        )
        session.commit()  # inside: the dirty pages are written from the big cache
    refresh_statistics_after(
        session, rows=result.created + result.imported, tables=("keys", "translations", "translation_history")
    )
    return result


def _apply_in_cache(
    session: Session,
    *,
    project: Project,
    actor: Actor,
    language: str,
    named: list[tuple[Entry, str]],
    namespace: str | None,
    overwrite: bool,
) -> ImportResult:
    keys.lock_for_keys(session, project=project)
    existing = keys.key_refs(session, project_id=project.id)
    planned = [(entry, (namespace if namespace is not None else entry.namespace, name)) for entry, name in named]
    keys.update_key_refs(session, _merge_key_metadata(planned, existing))
    result = ImportResult(warnings=_repeated_keys(planned))
    for start in range(0, len(planned), CHUNK):
        _apply_chunk(
            session,
            project=project,
            language=language,
            chunk=planned[start : start + CHUNK],
            existing=existing,
            overwrite=overwrite,
            actor=actor,
            result=result,
        )
    return result


def _repeated_keys(planned: list[tuple[Entry, tuple[str, str]]]) -> list[str]:
    """Keys a file holds more than once: legal in several formats, but only the last value stays."""
    counts = Counter(ident for _, ident in planned)
    return repeated_key_warnings((name, n) for (_, name), n in counts.items())


def _merge_key_metadata(
    planned: list[tuple[Entry, tuple[str, str]]], existing: dict[tuple[str, str], keys.KeyRef]
) -> list[keys.KeyRef]:
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
    chunk: list[tuple[Entry, tuple[str, str]]],
    existing: dict[tuple[str, str], keys.KeyRef],
    overwrite: bool,
    actor: Actor,
    result: ImportResult,
) -> None:
    new_fields: dict[tuple[str, str], keys.KeyFields] = {}
    for entry, ident in chunk:
        if ident not in existing and ident not in new_fields:
            new_fields[ident] = keys.KeyFields(
                key=ident[1],
                namespace=ident[0],
                description=entry.description,
                context=entry.context,
                is_plural=_is_plural(entry),
                max_length=entry.max_length,
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
    changes = translations.write(
        session, project=project, writes=writes, actor=actor, action=Action.IMPORT, skip_existing=not overwrite
    )
    # A key repeated in the file is one translation (the last write wins), counted once.
    mine = [c for c in changes if c.language == language]
    result.imported += len(mine)
    result.updated += sum(1 for c in mine if c.old_status is not None)
    result.skipped += len(wanted) - len(mine)


def summary(result: ImportResult, *, language: str, format_id: str) -> dict[str, Any]:
    return {
        "imported": result.imported,
        "created": result.created,
        "updated": result.updated,
        "skipped": result.skipped,
        "errors": result.errors,
        "warnings": result.warnings,
        "language": language,
        "format": format_id,
    }
