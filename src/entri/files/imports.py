"""File import: parse with the format's codec, then apply the whole Catalog in one transaction.

Atomic by construction: the file is parsed and every entry validated before the first write,
and all writes share the request's transaction, so a bad file or a bad entry leaves the
project exactly as it was (400 naming the problem).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from entri.core.db import BULK_WRITE_ROWS
from entri.core.errors import BadRequest
from entri.core.gcpause import gc_paused
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.files.templates import save_template
from entri.formats import FormatError, get_format
from entri.formats.catalog import Catalog, Entry, repeated_key_warnings
from entri.keys import service as keys
from entri.projects.models import Project
from entri.projects.service import require_language
from entri.translations import service as translations

CONTEXT_SEPARATOR = "\x04"
"""gettext's own msgctxt/msgid separator: names the second of two same-name keys apart."""
MAX_KEY = 1000
MAX_VALUE = 100_000
MAX_NAMESPACE = 255
MAX_LENGTH_LIMIT = 1_000_000
"""A file's max length (XLIFF `maxwidth`) above this is no real limit, and would not fit the column."""
CHUNK = 5000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


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
    """Pair each entry with the key name it maps to: its own name (PO: the msgid, decisions.md
    26), except when one name occurs with several gettext contexts; then every entry that has
    a context is named `context\x04name` (gettext's own separator) so none overwrites another."""
    contexts: dict[str, set[str | None]] = {}
    for entry in catalog.entries:
        contexts.setdefault(entry.key, set()).add(entry.context)
    named: list[tuple[Entry, str]] = []
    for entry in catalog.entries:
        shared = len(contexts[entry.key]) > 1
        name = f"{entry.context}{CONTEXT_SEPARATOR}{entry.key}" if shared and entry.context else entry.key
        named.append((entry, name))
    return named


def _validate(named: list[tuple[Entry, str]]) -> None:
    problems: list[str] = []
    for entry, name in named:
        if not name:
            problems.append("content: an entry has an empty key")
        elif len(name) > MAX_KEY:
            problems.append(f"content: key '{name[:60]}…' is longer than {MAX_KEY} characters")
        if len(entry.namespace) > MAX_NAMESPACE:
            problems.append(f"content: the namespace of '{name[:60]}' is longer than {MAX_NAMESPACE} characters")
        if entry.max_length is not None and not 0 <= entry.max_length <= MAX_LENGTH_LIMIT:
            problems.append(f"content: the maximum length of '{name[:60]}' is out of range (0-{MAX_LENGTH_LIMIT})")
        texts = list(entry.plurals.values()) if entry.plurals else [entry.value or ""]
        if any(len(t) > MAX_VALUE for t in texts):
            problems.append(f"content: the value of '{name[:60]}' is longer than {MAX_VALUE} characters")
        stored = [
            name,
            entry.namespace,
            entry.context or "",
            entry.description or "",
            entry.source or "",
            *texts,
            *(entry.source_plurals or {}).values(),
        ]
        if any(_UNSTORABLE.search(t) for t in stored):
            # Escapes such as \u0000 or \ud800 decode to text no database column can hold.
            problems.append(f"content: '{name[:60]!r}' contains a NUL or an unpaired surrogate character")
        if len(problems) >= 50:
            break
    if problems:
        raise BadRequest(problems)


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
    catalog = parse_file(format_id, data, language)
    named = _key_names(catalog)
    _validate(named)

    with gc_paused():
        result = _apply(
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
    actor = translations.Actor.of(principal)
    existing = keys.key_refs(session, project_id=project.id)
    planned = [(entry, (namespace if namespace is not None else entry.namespace, name)) for entry, name in named]
    del named
    changed = _merge_key_metadata(planned, existing)
    keys.update_key_refs(session, changed)
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
        # Rows loaded by the write path are done with: keep memory flat on 100k-key files.
        session.flush()
        session.expunge_all()
    save_template(
        session, project_id=project.id, language=language, namespace=namespace or "", format_id=format_id, data=data
    )
    session.commit()
    if result.created + result.imported >= BULK_WRITE_ROWS:
        keys.refresh_statistics_after_bulk_write(session)
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
    actor: translations.Actor,
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
    created = keys.add_keys(session, project=project, items=list(new_fields.values()), actor=actor)
    for ref in created:
        existing[(ref.namespace, ref.name)] = ref
    fresh = {ref.id for ref in created}
    result.created += len(created)

    fresh_writes: list[translations.TranslationWrite] = []
    other_writes: list[translations.TranslationWrite] = []
    for entry, ident in chunk:
        ref = existing[ident]
        if entry.value is None and entry.plurals is None:
            result.skipped += 1
        else:
            write = translations.TranslationWrite(
                key=ref,
                language=language,
                value=entry.value,
                plurals=entry.plurals,
                source="import",
                status=entry.state,
            )
            (fresh_writes if ref.id in fresh else other_writes).append(write)
        if entry.source is not None and language != project.source_language and ref.id in fresh:
            # A bilingual file gives new keys their source text too.
            fresh_writes.append(
                translations.TranslationWrite(
                    key=ref,
                    language=project.source_language,
                    value=entry.source,
                    plurals=entry.source_plurals if ref.is_plural else None,
                    source="import",
                )
            )
    translations.insert_new_translations(session, fresh_writes, actor=actor, action="import")
    # A key repeated in the file is one translation (the last write wins), counted once.
    result.imported += len({w.key.id for w in fresh_writes if w.language == language})
    if other_writes:
        outcomes = translations.write_translations(
            session, other_writes, actor=actor, action="import", skip_if_exists=not overwrite
        )
        for row, was_changed in outcomes:
            if was_changed:
                result.imported += 1
                result.updated += row.version > 1
            else:
                result.skipped += 1


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
