"""File import: parse with the format's codec, then write the entries in one transaction.

Atomic by construction: all writes share the request's transaction, and nothing commits until
the last entry is written, so a bad file or a bad entry leaves the project exactly as it was
(400 naming the problem). Formats whose codec can stream (json-flat, json-nested, json-clean)
are read, checked and written chunk by chunk, so memory does not grow with the file: a problem
found in the middle rolls back what was written before it. When the streaming reader cannot
judge a file (formats/_json_stream.py) the import starts again with the whole-file parser,
which gives the exact answer. Other formats are parsed and validated whole before the first
write, then written chunk by chunk. docs/import-export.md, "Big files".
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any, cast

from sqlalchemy.orm import Session

from entri.core.errors import MAX_PROBLEMS, BadRequest
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.text import first_unstorable
from entri.files import writer
from entri.files.writer import CHUNK, ImportResult, Planned
from entri.formats import FormatError, get_format
from entri.formats._json_stream import NotStreamable
from entri.formats.catalog import Catalog, Entry, repeated_key_warnings
from entri.formats.gcpause import gc_paused
from entri.keys.rules import key_problems
from entri.projects.models import Project
from entri.projects.service import require_language
from entri.translations.rules import MAX_VALUE

CONTEXT_SEPARATOR = "\x04"
"""gettext's own msgctxt/msgid separator: names the second of two same-name keys apart."""

Stream = Callable[[bytes, str], Iterator[Entry]]


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


def _problems(named: list[tuple[Entry, str]]) -> tuple[list[str], str | None]:
    """What breaks the key and translation limits (lengths per entry, at most MAX_PROBLEMS), and
    the name of the first entry holding a NUL or a lone surrogate (one scan of all the text,
    core/text.py), which is reported only when nothing else is wrong."""
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
    if problems or first_unstorable(everything) is None:
        return problems[:MAX_PROBLEMS], None
    for entry, name in named:
        texts = [
            *_texts(entry),
            entry.description or "",
            entry.source or "",
            *(entry.source_plurals or {}).values(),
        ]
        if first_unstorable(texts) is not None:
            return [], name
    raise AssertionError("first_unstorable found a text that no entry holds")


def _unstorable(name: str) -> str:
    return f"content: {name[:60]!r} contains a NUL or an unpaired surrogate character"


def _validate(named: list[tuple[Entry, str]]) -> None:
    """Every entry of a whole-file parse against the limits, before anything is written."""
    problems, unstorable = _problems(named)
    if unstorable is not None:
        problems = [_unstorable(unstorable)]
    if problems:
        raise BadRequest(problems)


def _stream_of(format_id: str) -> Stream | None:
    """The codec's entry-at-a-time reader, for the formats that have one."""
    return cast(Stream | None, getattr(get_format(format_id).codec(), "stream", None))


def _streamed_chunks(entries: Iterator[Entry], namespace: str | None) -> Iterator[list[Planned]]:
    """Chunks of checked entries as the codec reads them. After the first problem nothing more
    is handed out to be written, but reading goes on to list up to MAX_PROBLEMS of them, as a
    whole-file import does; then the 400 rolls the transaction back.

    A streaming codec yields entries without gettext contexts (naming by context needs the
    whole file, see `_key_names`), and names are unique: it hands repeated keys to `parse()`.
    """
    problems: list[str] = []
    while batch := list(islice(entries, CHUNK)):
        if any(entry.context for entry in batch):
            raise NotStreamable("an entry with a context")
        named = [(entry, entry.key) for entry in batch]
        found, unstorable = _problems(named)
        if unstorable is not None:
            raise NotStreamable("a NUL or a lone surrogate: the whole-file parser names it")
        problems += found
        if len(problems) >= MAX_PROBLEMS:
            break
        if not problems:
            yield [(entry, (namespace if namespace is not None else entry.namespace, name)) for entry, name in named]
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])


def import_file(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    language: str,
    format_id: str,
    data: bytes,
    namespace: str | None = None,
    overwrite: bool = False,
    protect_reviewed: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import the file `data` (its bytes: see `decode_content`). `protect_reviewed` and
    `dry_run`: see writer.py and plan.py."""
    principal.require(Permission.IMPORT_EXPORT)
    require_language(project, language)
    options: dict[str, Any] = {
        "principal": principal,
        "project": project,
        "language": language,
        "format_id": format_id,
        "data": data,
        "namespace": namespace,
        "overwrite": overwrite,
        "protect_reviewed": protect_reviewed,
        "dry_run": dry_run,
    }
    # Several objects per entry, none of them cyclic (formats/gcpause.py); the few cycles the
    # database layer leaves are collected after each chunk (writer.py).
    with gc_paused():
        stream = _stream_of(format_id)
        if stream is not None:
            try:
                return writer.apply(
                    session, chunks=lambda: _streamed_chunks(stream(data, language), namespace), unique=True, **options
                )
            except NotStreamable:
                session.rollback()  # what the stream wrote; the whole-file parser decides instead
        catalog = parse_file(format_id, data, language)
        named = _key_names(catalog)
        _validate(named)
        planned = [(entry, (namespace if namespace is not None else entry.namespace, name)) for entry, name in named]
        del named
        result = writer.apply(
            session,
            chunks=lambda: (planned[start : start + CHUNK] for start in range(0, len(planned), CHUNK)),
            unique=False,
            **options,
        )
        result.warnings = catalog.warnings + _repeated_keys(planned) + result.warnings
    return result


def _repeated_keys(planned: list[Planned]) -> list[str]:
    """Keys a file holds more than once: legal in several formats, but only the last value stays."""
    counts = Counter(ident for _, ident in planned)
    return repeated_key_warnings((name, n) for (_, name), n in counts.items())


def summary(result: ImportResult, *, language: str, format_id: str) -> dict[str, Any]:
    """The response body; a dry run adds `dryRun: true` and its per-key `changes`."""
    body = {
        "imported": result.imported,
        "created": result.created,
        "updated": result.updated,
        "skipped": result.skipped,
        "conflicts": result.conflicts,
        "errors": result.errors,
        "warnings": result.warnings,
        "checks": dict(sorted(result.checks.items())),
        "language": language,
        "format": format_id,
    }
    if result.changes is not None:
        body["dryRun"] = True
        body["changes"] = result.changes
    return body
