"""Apple `.strings` codec (format id `ios-strings`).

Hand-written because no maintained library follows CoreFoundation's reader
(`CFOldStylePList.c`), which is what decides what an app sees: `"` or `'` quoting, unquoted
`[A-Za-z0-9_$/:.-]` tokens, `key;` meaning value = key, `\\U` + 4 hex UTF-16 units, octal, and a
lowercase `\\u` that is *not* an escape. The parser records the span of every entry so render
can patch only the tokens whose meaning changed: an unchanged file comes back byte-identical in
its own encoding (UTF-16 LE/BE with BOM, UTF-8 with or without BOM).

The comment directly before an entry is its description: a `/* */` block even across blank
lines (Transmission's 2010-2011 files put two blank lines there), a `//` line only without a
blank line in between (iina uses `// Section` headers above a blank line); a comment trailing
the previous entry on its own line is never a description. Xcode's
placeholder "No comment provided by engineer." is read as no description (it is noise in the
editor) but stays in the file on re-export. Duplicate keys: the last one wins, as in
CoreFoundation; the earlier occurrences stay untouched in the file and are listed in the memo.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from entri.formats.catalog import Catalog, Entry, FormatError, repeated_key_warnings, require_distinct_keys
from entri.formats.text import Decoded, decode

log = logging.getLogger(__name__)

PLACEHOLDER = "No comment provided by engineer."
_SPACE = " \t\n\r\v\f\u2028\u2029"
_UNQUOTED = re.compile(r"[A-Za-z0-9_$/:.\-]+")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_STOP = {'"': re.compile(r'["\\]'), "'": re.compile(r"['\\]")}
_WRITE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"})


@dataclass
class _Span:
    key: str
    start: int
    """Start of the entry: its description comment, else its key."""
    key_start: int
    key_end: int
    value_span: tuple[int, int] | None
    """None for the `key;` form."""
    semi: int
    comment: tuple[int, int] | None
    snapshot: Entry
    shadowed: bool = False


@dataclass
class StringsMemo:
    decoded: Decoded
    spans: list[_Span]
    duplicates: list[str] = field(default_factory=list)


def _decode(data: bytes) -> Decoded:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data)
    head = data[:4096]
    if len(data) % 2 == 0 and b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > even:
            return decode(data, "utf-16-le")
        if even > odd:
            return decode(data, "utf-16-be")
    return decode(data, "utf-8")


class _Reader:
    def __init__(self, text: str) -> None:
        self.s = text
        self.pos = 0

    def error(self, message: str, pos: int | None = None) -> FormatError:
        at = self.pos if pos is None else pos
        line = self.s.count("\n", 0, at) + 1
        return FormatError(message, line=line, column=at - (self.s.rfind("\n", 0, at) + 1) + 1)

    def skip(self) -> tuple[int, int, str] | None:
        """Skip blanks and comments; return the last comment (start, end, text) if any."""
        s, last = self.s, None
        while self.pos < len(s):
            ch = s[self.pos]
            if ch in _SPACE:
                self.pos += 1
            elif s.startswith("/*", self.pos):
                end = s.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error("Unterminated comment")
                last = (self.pos, end + 2, s[self.pos + 2 : end])
                self.pos = end + 2
            elif s.startswith("//", self.pos):
                end = s.find("\n", self.pos)
                end = len(s) if end < 0 else end
                last = (self.pos, end, s[self.pos + 2 : end])
                self.pos = end
            else:
                break
        return last

    def token(self) -> str:
        s = self.s
        ch = s[self.pos] if self.pos < len(s) else ""
        if ch in ('"', "'"):
            return self.quoted(ch)
        match = _UNQUOTED.match(s, self.pos)
        if match is None:
            if ch in ";=":
                raise self.error("Unexpected ';' or '=' where a key or value was expected")
            raise self.error(f"Unexpected character {ch!r}" if ch else "Unexpected end of file")
        self.pos = match.end()
        return match.group(0)

    def quoted(self, quote: str) -> str:
        s, start = self.s, self.pos
        self.pos += 1
        parts: list[str] = []
        stop = _STOP[quote]
        while True:
            match = stop.search(s, self.pos)
            if match is None:
                raise self.error("Unterminated quoted string", start)
            parts.append(s[self.pos : match.start()])
            self.pos = match.end()
            if match.group(0) == quote:
                return "".join(parts)
            parts.append(self.escape())

    def escape(self) -> str:
        s = self.s
        if self.pos >= len(s):
            raise self.error("Unterminated quoted string")
        ch = s[self.pos]
        self.pos += 1
        if ch in "01234567":
            digits = re.match(r"[0-7]{1,3}", s[self.pos - 1 : self.pos + 2])
            assert digits is not None
            self.pos += len(digits.group(0)) - 1
            return bytes([int(digits.group(0), 8) & 0xFF]).decode("latin-1")
        if ch == "U":
            unit = self._hex4()
            if 0xD800 <= unit < 0xDC00 and s.startswith("\\U", self.pos):
                self.pos += 2
                low = self._hex4()
                if 0xDC00 <= low < 0xE000:
                    return chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                raise self.error("Unpaired UTF-16 surrogate in \\U escape")
            if 0xD800 <= unit < 0xE000:
                raise self.error("Unpaired UTF-16 surrogate in \\U escape")
            return chr(unit)
        return _SIMPLE.get(ch, ch)

    def _hex4(self) -> int:
        match = re.match(r"[0-9A-Fa-f]{1,4}", self.s[self.pos : self.pos + 4])
        if match is None:
            return ord("U")  # CoreFoundation: `\U` without hex digits is a plain `U`
        self.pos += len(match.group(0))
        return int(match.group(0), 16)


def _description(
    reader: _Reader, comment: tuple[int, int, str] | None, key_start: int, previous_end: int
) -> tuple[tuple[int, int] | None, str | None]:
    if comment is None:
        return None, None
    start, end, text = comment
    s = reader.s
    line_comment = s.startswith("//", start)
    if (line_comment and s.count("\n", end, key_start) > 1) or (previous_end and "\n" not in s[previous_end:start]):
        return None, None
    description = text.strip() or None
    return (start, end), (None if description == PLACEHOLDER else description)


def parse(data: bytes, language: str) -> Catalog:
    decoded = _decode(data)
    reader = _Reader(decoded.text)
    entries: dict[str, Entry] = {}
    spans: list[_Span] = []
    latest: dict[str, _Span] = {}
    memo = StringsMemo(decoded, spans)
    previous_end = 0
    while True:
        comment = reader.skip()
        if reader.pos >= len(reader.s):
            break
        key_start = reader.pos
        key = reader.token()
        key_end = reader.pos
        reader.skip()
        value_span: tuple[int, int] | None = None
        if reader.s.startswith("=", reader.pos):
            reader.pos += 1
            reader.skip()
            value_start = reader.pos
            value = reader.token()
            value_span = (value_start, reader.pos)
            reader.skip()
        elif reader.s.startswith(";", reader.pos):
            value = key
        else:
            raise reader.error("Missing ';' or '=' after key")
        if not reader.s.startswith(";", reader.pos):
            raise reader.error("Missing ';'")
        comment_span, description = _description(reader, comment, key_start, previous_end)
        entry = Entry(key=key, value=value, description=description)
        span = _Span(
            key,
            comment_span[0] if comment_span else key_start,
            key_start,
            key_end,
            value_span,
            reader.pos,
            comment_span,
            Entry(key=key, value=value, description=description),
        )
        if key in latest:
            latest[key].shadowed = True
            memo.duplicates.append(key)
            del entries[key]
        latest[key] = span
        entries[key] = entry
        spans.append(span)
        reader.pos += 1
        previous_end = reader.pos
    # `duplicates` lists the earlier definitions; the one kept makes n + 1.
    warnings = repeated_key_warnings((k, n + 1) for k, n in Counter(memo.duplicates).items())
    return Catalog(language=language, entries=list(entries.values()), memo=memo, warnings=warnings)


def _quote(text: str) -> str:
    return '"' + text.translate(_WRITE) + '"'


def _block(entry: Entry) -> str:
    comment = ""
    if entry.description is not None and entry.description.strip():
        comment = "/* " + entry.description.replace("*/", "* /") + " */\n"
    return f"{comment}{_quote(entry.key)} = {_quote(entry.value or '')};\n"


def _exportable(catalog: Catalog) -> list[Entry]:
    out = []
    for entry in catalog.entries:
        if entry.plurals is not None or entry.value is None:
            if entry.plurals is not None:
                log.warning("ios-strings cannot hold plural entry %r; use stringsdict", entry.key)
            continue
        out.append(entry)
    return out


def _edits(span: _Span, entry: Entry, text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    old = span.snapshot
    if entry.description != old.description:
        new = entry.description.replace("*/", "* /") if entry.description else None
        if span.comment is not None:
            if new is None:
                edits.append((span.comment[0], span.key_start, ""))
            else:
                edits.append((span.comment[0], span.comment[1], f"/* {new} */"))
        elif new is not None:
            indent = text[text.rfind("\n", 0, span.key_start) + 1 : span.key_start]
            edits.append((span.key_start, span.key_start, f"/* {new} */\n{indent}"))
    if entry.value != old.value:
        if span.value_span is not None:
            edits.append((*span.value_span, _quote(entry.value or "")))
        else:
            edits.append((span.key_end, span.semi, f" = {_quote(entry.value or '')}"))
    return edits


def render(catalog: Catalog) -> bytes:
    require_distinct_keys(catalog.entries, "ios-strings")
    memo = catalog.memo
    entries = _exportable(catalog)
    if not isinstance(memo, StringsMemo):
        return "\n".join(_block(e) for e in entries).encode("utf-8")
    text = memo.decoded.text
    pending = {e.key: e for e in entries}
    edits: list[tuple[int, int, str]] = []
    for span in memo.spans:
        if span.shadowed:
            continue
        entry = pending.pop(span.key, None)
        if entry is None:
            end = span.semi + 1
            while end < len(text) and text[end] in " \t":
                end += 1
            edits.append((span.start, end + (text.startswith("\n", end)), ""))
        elif entry != span.snapshot:
            edits.extend(_edits(span, entry, text))
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(edits):
        pieces += [text[cursor:start], replacement]
        cursor = end
    pieces.append(text[cursor:])
    text = "".join(pieces)
    for entry in pending.values():
        if text and not text.endswith("\n"):
            text += "\n"
        text += ("\n" if text else "") + _block(entry)
    return memo.decoded.encode(text)
