"""The one in-memory model every codec and the database agree on.

A codec turns bytes into a `Catalog` and back. The import service maps entries onto keys and
translations; the export service builds a `Catalog` from the database and asks the codec to
render it. Nothing here knows about a file's syntax or about SQL.

Lossless re-export needs more than the translatable data: comments, blank lines, indentation,
untranslatable resources, the raw escaped form of each value. A codec may keep all of that in
`Catalog.memo` (opaque, codec-private). Render patches the memo where values changed; a
Catalog without a memo renders in the codec's documented canonical style. The memo and
`Entry.extra` never take part in equality, so `parse(render(c)) == c` compares meaning only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Literal

PLURAL_CATEGORIES: tuple[str, ...] = ("zero", "one", "two", "few", "many", "other")
"""CLDR plural categories in canonical order. `other` always exists in a complete set."""

EntryState = Literal["untranslated", "translated", "reviewed", "approved"]
"""Same vocabulary as a translation's status; `None` on an entry means the file says nothing."""


class FormatError(ValueError):
    """The only exception a codec may raise on bad input; the API turns it into a 400.

    `line` and `column` are 1-based positions in the decoded text when the codec knows them.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        where = ""
        if line is not None:
            where = f" (line {line}" + (f", column {column}" if column is not None else "") + ")"
        super().__init__(message + where)


@dataclass(slots=True)
class Entry:
    """One translatable unit: a key in one language, singular or plural.

    Exactly one of `value` and `plurals` is set for a unit that has text; both may be `None`
    for a unit present in the file without a translation (an empty PO `msgstr` in a
    bilingual file, an XLIFF unit without `<target>`). An empty string is a value.
    """

    key: str
    value: str | None = None
    plurals: dict[str, str] | None = None
    """CLDR category -> text. Keep categories the language "should not have"; never invent."""
    namespace: str = ""
    context: str | None = None
    """msgctxt, Android `product`, XLIFF `resname` when it differs from the id."""
    source: str | None = None
    """Source-language text in bilingual formats (XLIFF `<source>`, PO `msgid`)."""
    source_plurals: dict[str, str] | None = None
    description: str | None = None
    """Developer comment (PO `#.`, ARB `description`, comment above an Android string)."""
    translator_comment: str | None = None
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    """Free-form flags such as `fuzzy`, `c-format`, `formatted=false`."""
    translatable: bool = True
    max_length: int | None = None
    state: EntryState | None = None
    placeholders: dict[str, Any] | None = None
    """ARB placeholder metadata, verbatim."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Codec-private per-entry data (raw escaped text, original key names); not compared."""

    @property
    def is_plural(self) -> bool:
        return self.plurals is not None

    def bare(self) -> Entry:
        """A copy without the codec-private `extra` (the lists are shared, as in a shallow copy)."""
        return replace(self, extra={})

    def text(self) -> str | None:
        """The single text that stands for this entry: the value, or the `other` form."""
        if self.plurals is not None:
            return self.plurals.get("other")
        return self.value


def singular(entries: list[Entry]) -> list[Entry]:
    """Entries for a format whose unit holds one text (XLIFF without plural groups).

    A plural entry becomes its `other` form (source too); everything else is passed through.
    """
    out: list[Entry] = []
    for entry in entries:
        if entry.plurals is None and entry.source_plurals is None:
            out.append(entry)
            continue
        source = entry.source
        if entry.source_plurals is not None:
            source = entry.source_plurals.get("other", source)
        out.append(replace(entry, value=entry.text(), plurals=None, source=source, source_plurals=None))
    return out


def repeated_key_warnings(counts: Iterable[tuple[str, int]]) -> list[str]:
    """The warning for keys a file defines more than once, from (name, occurrences); at most 100."""
    repeated = (f"key '{name}' appears {n} times in the file; the last value was kept" for name, n in counts if n > 1)
    return list(islice(repeated, 100))


def require_distinct_keys(entries: list[Entry], format_name: str) -> None:
    """Refuse entries that a format without contexts or namespaces would write under one name.

    Keys that differ only by gettext context (`Open`, `menu\x04Open`) reach a codec as entries
    with the same `key` and different `context`; a file with no place for the context can keep
    only one of them, and silently dropping the others is never acceptable
    (docs/import-export.md, "Keys that differ only by context"). An entry repeated with the
    same identity is allowed: that is a key a stored template defines twice.
    """
    if len({e.key for e in entries}) == len(entries):
        return  # the common case, one set build
    seen: dict[str, tuple[str, str | None]] = {}
    for entry in entries:
        ident = (entry.namespace, entry.context)
        first = seen.setdefault(entry.key, ident)
        if first != ident:
            where = " and ".join(_identity_label(*i) for i in (first, ident))
            raise FormatError(
                f"Key {entry.key!r} would be written twice ({where}): {format_name} has no place for "
                "a context; export as po, xliff, xliff2, android-xml or csv to keep both"
            )


def _identity_label(namespace: str, context: str | None) -> str:
    label = "no context" if context is None else f"context {context!r}"
    return f"{label} in namespace {namespace!r}" if namespace else label


@dataclass
class Catalog:
    """All entries of one file in one language, in file order."""

    language: str
    entries: list[Entry] = field(default_factory=list)
    source_language: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """File-level metadata that is data, not layout (PO header fields, ARB `@@` globals)."""
    memo: Any = field(default=None, compare=False, repr=False)
    """Codec-private record of the original document for byte-identical re-render."""
    warnings: list[str] = field(default_factory=list, compare=False)
    """Non-fatal findings a user should hear about (a key defined twice, a form dropped)."""

    def by_key(self) -> dict[tuple[str, str, str | None], Entry]:
        """Index by identity (namespace, key, context); later duplicates win, as in files."""
        return {(e.namespace, e.key, e.context): e for e in self.entries}

    def without_memo(self) -> Catalog:
        """A copy that renders canonically, as an export built from the database would."""
        return Catalog(
            language=self.language,
            entries=[e.bare() for e in self.entries],
            source_language=self.source_language,
            headers=dict(self.headers),
        )
