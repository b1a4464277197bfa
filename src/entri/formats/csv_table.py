"""CSV codec (format id `csv`): Entri columns, one column per locale, and Magento pairs.

There is no CSV standard for translations, so the shape is read from the header (see
docs/formats/csv.md). Byte-identical re-export keeps every record's raw text; a record whose
fields changed is re-quoted field by field the way the original quoted that field, because
real files (Elasticsuite) mix quoted and bare fields and the stdlib writer cannot.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from babel import Locale

from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError
from entri.formats.plurals import cldr_categories
from entri.formats.text import decode

_KEY_HEADERS = frozenset({"key", "keys", "id", ""})
_NAMED = frozenset({"context", "source", "target", "description"})
_PLURAL_KEY = re.compile(r"^(.*)#(" + "|".join(PLURAL_CATEGORIES) + r")$", re.DOTALL)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class _Record:
    fields: list[str]
    quoted: list[bool]
    raw: str
    """The record's exact text including its line terminator (empty at end of file)."""
    terminator: str


@dataclass
class _Layout:
    delimiter: str
    header: bool
    width: int
    key: int
    value: int
    context: int | None = None
    source: int | None = None
    description: int | None = None


@dataclass
class _Memo:
    bom: bytes
    encoding: str
    newline: str
    layout: _Layout
    head: list[_Record]
    """Header record (if any); never patched."""
    records: list[_Record] = field(default_factory=list)


@dataclass
class _Row:
    """One CSV data row as Entri sees it; a plural entry is several rows `key#category`."""

    key: str
    context: str | None
    value: str
    source: str | None = None
    description: str | None = None


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _quoted_flags(text: str, delimiter: str) -> list[bool]:
    """Which fields of one record were written in quotes (the reader does not tell)."""
    flags: list[bool] = []
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == '"':
            flags.append(True)
            i += 1
            while True:
                j = text.find('"', i)
                if j == -1:
                    return flags
                if j + 1 < n and text[j + 1] == '"':
                    i = j + 2
                    continue
                i = j + 1
                break
        else:
            flags.append(False)
        j = text.find(delimiter, i)
        if j == -1:
            return flags
        i = j + 1


def _detect_delimiter(first_line: str) -> str:
    bare = re.sub(r'"(?:[^"]|"")*"', "", first_line)
    counts = {d: bare.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _records(text: str, delimiter: str) -> list[_Record]:
    lines = _lines(text)
    position = 0

    def feed() -> Iterator[str]:
        yield from lines

    reader = csv.reader(feed(), delimiter=delimiter, quotechar='"', strict=True)
    out: list[_Record] = []
    try:
        for fields in reader:
            raw = "".join(lines[position : reader.line_num])
            position = reader.line_num
            body = raw.rstrip("\r\n")
            terminator = raw[len(body) :]
            out.append(_Record(fields, _quoted_flags(body, delimiter), raw, terminator))
    except csv.Error as exc:
        raise FormatError(f"Malformed CSV: {exc}", line=reader.line_num) from None
    return out


def _norm(code: str) -> str:
    return code.strip().lower().replace("_", "-")


def _is_locale(name: str) -> bool:
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", name.strip()):
        return False
    try:
        Locale.parse(name.strip().replace("-", "_"))
    except Exception:
        return False
    return True


def _layout_from_header(names: list[str], language: str, delimiter: str) -> _Layout | None:
    """A header names its columns; anything else means Magento's headerless pairs."""
    if len(names) < 2 or names[0].strip().lower() not in _KEY_HEADERS:
        return None
    lowered = [n.strip().lower() for n in names]
    others = lowered[1:]
    if not any(n in _NAMED or n == _norm(language) or _is_locale(n) for n in others):
        return None

    def col(name: str) -> int | None:
        return lowered.index(name) if name in lowered else None

    value = col("target")
    if value is None:
        wanted = _norm(language)
        exact = [i for i, n in enumerate(lowered) if i and _norm(n) == wanted]
        base = [i for i, n in enumerate(lowered) if i and _norm(n).split("-")[0] == wanted.split("-")[0]]
        candidates = exact or base
        if len(candidates) != 1:
            raise FormatError(f"No single column for language '{language}' in header: {', '.join(names)}")
        value = candidates[0]
    return _Layout(
        delimiter=delimiter,
        header=True,
        width=len(names),
        key=0,
        value=value,
        context=col("context"),
        source=col("source"),
        description=col("description"),
    )


def _cell(fields: list[str], index: int | None) -> str | None:
    if index is None or index >= len(fields):
        return None
    return fields[index]


def _row_of(record: _Record, layout: _Layout) -> _Row | None:
    if not record.fields:
        return None
    if layout.header:
        return _Row(
            key=record.fields[layout.key],
            context=_cell(record.fields, layout.context) or None,
            value=_cell(record.fields, layout.value) or "",
            source=_cell(record.fields, layout.source) or None,
            description=_cell(record.fields, layout.description) or None,
        )
    fields = record.fields
    context = fields[3] if len(fields) >= 4 and fields[2] == "module" and fields[3] else None
    return _Row(key=fields[0], context=context, value=fields[1] if len(fields) > 1 else "")


def _fold(rows: list[_Row], language: str) -> list[Entry]:
    """Consecutive `key#category` rows become one plural entry (docs/formats/csv.md)."""
    plain_keys = {(r.key, r.context) for r in rows if not _PLURAL_KEY.match(r.key)}
    only_other = cldr_categories(language) == ("other",)
    entries: list[Entry] = []
    i = 0
    while i < len(rows):
        match = _PLURAL_KEY.match(rows[i].key)
        if match:
            base, context = match.group(1), rows[i].context
            run: list[tuple[str, _Row]] = []
            j = i
            while j < len(rows):
                m = _PLURAL_KEY.match(rows[j].key)
                if not m or m.group(1) != base or rows[j].context != context:
                    break
                if any(cat == m.group(2) for cat, _ in run):
                    break
                run.append((m.group(2), rows[j]))
                j += 1
            single_ok = len(run) == 1 and run[0][0] == "other" and only_other
            if (len(run) >= 2 or single_ok) and (base, context) not in plain_keys:
                sources = {cat: r.source for cat, r in run if r.source is not None}
                descriptions = [r.description for _, r in run if r.description]
                entries.append(
                    Entry(
                        key=base,
                        context=context,
                        plurals={cat: r.value for cat, r in run},
                        source_plurals=sources or None,
                        description=descriptions[0] if descriptions else None,
                    )
                )
                i = j
                continue
        row = rows[i]
        entries.append(
            Entry(
                key=row.key,
                value=row.value,
                context=row.context,
                source=row.source,
                description=row.description,
            )
        )
        i += 1
    return entries


def parse(data: bytes, language: str) -> Catalog:
    decoded = decode(data)
    # Keep the file's own line breaks (also inside quoted fields) for byte-identical output.
    text = data[len(decoded.bom) :].decode(decoded.encoding)
    if "\x00" in text:
        raise FormatError("CSV contains a NUL character")
    first = text.split("\n", 1)[0]
    delimiter = _detect_delimiter(first)
    records = _records(text, delimiter)
    layout: _Layout | None = None
    head: list[_Record] = []
    if records and records[0].fields:
        layout = _layout_from_header(records[0].fields, language, delimiter)
        if layout is not None:
            head, records = records[:1], records[1:]
    if layout is None:
        width = max((len(r.fields) for r in records), default=2)
        layout = _Layout(delimiter=delimiter, header=False, width=max(width, 2), key=0, value=1)
    rows = [row for row in (_row_of(r, layout) for r in records) if row is not None]
    memo = _Memo(decoded.bom, decoded.encoding, decoded.newline, layout, head, records)
    return Catalog(language=language, entries=_fold(rows, language), memo=memo)


def _rows(catalog: Catalog) -> list[_Row]:
    rows: list[_Row] = []
    for e in catalog.entries:
        if e.plurals is not None:
            for index, (category, text) in enumerate(e.plurals.items()):
                source = (e.source_plurals or {}).get(category)
                description = e.description if index == 0 else None
                rows.append(_Row(f"{e.key}#{category}", e.context, text, source, description))
        elif e.value is not None:
            rows.append(_Row(e.key, e.context, e.value, e.source, e.description))
    return rows


def _defuse(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _format(fields: list[str], quoted: list[bool], delimiter: str, escape_formulas: bool) -> str:
    out: list[str] = []
    for index, cell in enumerate(fields):
        if escape_formulas:
            cell = _defuse(cell)
        must = any(ch in cell for ch in (delimiter, '"', "\r", "\n")) or cell != cell.strip(" ")
        if must or (index < len(quoted) and quoted[index]):
            out.append('"' + cell.replace('"', '""') + '"')
        else:
            out.append(cell)
    return delimiter.join(out)


def render(catalog: Catalog, *, escape_formulas: bool = False) -> bytes:
    """`escape_formulas` prefixes `'` to cells a spreadsheet would run; it breaks round trips."""
    memo = catalog.memo
    if isinstance(memo, _Memo):
        return _render_patched(catalog, memo, escape_formulas)
    return _render_canonical(catalog, escape_formulas)


def _set(fields: list[str], index: int | None, value: str | None) -> None:
    if index is None:
        return
    while len(fields) <= index:
        fields.append("")
    fields[index] = value or ""


def _apply(fields: list[str], row: _Row, layout: _Layout) -> list[str]:
    out = list(fields)
    _set(out, layout.key, row.key)
    _set(out, layout.value, row.value)
    if layout.header:
        _set(out, layout.context, row.context)
        _set(out, layout.source, row.source)
        _set(out, layout.description, row.description)
    elif row.context is not None:
        while len(out) < 4:
            out.append("")
        out[2:4] = ["module", row.context]
    return out


def _render_patched(catalog: Catalog, memo: _Memo, escape_formulas: bool) -> bytes:
    """Unchanged records keep their raw text; edited ones are re-quoted like the original."""
    layout = memo.layout
    wanted: dict[tuple[str, str | None], list[_Row]] = {}
    for row in _rows(catalog):
        wanted.setdefault((row.key, row.context), []).append(row)
    pieces = [r.raw for r in memo.head]
    default_quoted = memo.records[-1].quoted if memo.records else [False] * layout.width
    for record in memo.records:
        original = _row_of(record, layout)
        if original is None:
            pieces.append(record.raw)
            continue
        queue = wanted.get((original.key, original.context))
        if not queue:
            continue
        row = queue.pop(0)
        fields = _apply(record.fields, row, layout)
        if (row == original or fields == record.fields) and not escape_formulas:
            pieces.append(record.raw)
        else:
            line = _format(fields, record.quoted, layout.delimiter, escape_formulas)
            pieces.append(line + (record.terminator or memo.newline))
    for queue in wanted.values():
        for row in queue:
            if pieces and not pieces[-1].endswith("\n"):
                pieces[-1] += memo.newline
            fields = _apply([""] * layout.width, row, layout)
            pieces.append(_format(fields, default_quoted, layout.delimiter, escape_formulas) + memo.newline)
    return memo.bom + "".join(pieces).encode(memo.encoding)


def _render_canonical(catalog: Catalog, escape_formulas: bool) -> bytes:
    """Header `key,context,<lang>` (+ `source`, `description` when used), CRLF, RFC 4180."""
    rows = _rows(catalog)
    names = ["key", "context", catalog.language]
    with_source = any(r.source is not None for r in rows)
    with_description = any(r.description is not None for r in rows)
    if with_source:
        names.append("source")
    if with_description:
        names.append("description")
    lines = [_format(names, [], ",", False)]
    for row in rows:
        fields = [row.key, row.context or "", row.value]
        if with_source:
            fields.append(row.source or "")
        if with_description:
            fields.append(row.description or "")
        lines.append(_format(fields, [], ",", escape_formulas))
    return "".join(line + "\r\n" for line in lines).encode("utf-8")
