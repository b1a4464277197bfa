"""PO syntax: split a decoded file into raw entry blocks and layout, and write PO strings.

Hand-written instead of polib/translate-toolkit (measured, see docs/formats/gettext.md): the
codec needs the exact source text of every entry for byte-identical re-export, which neither
library exposes, and a single regex-driven pass is several times faster than either on a
20k-entry file. Every line of the input lands in exactly one segment, so concatenating the
segments gives the input back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from entri.formats.catalog import FormatError
from entri.formats.limits import check_key, check_value

MAX_PLURAL_INDEX = 99
WIDTH = 79

_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d{1,3})\])?(?=[\s\"])")
_LITERAL = re.compile(r'[ \t\r]*"([^"\\]*(?:\\.[^"\\]*)*)"[ \t\r]*')
"""Unrolled (`[^"\\]*` runs in C): a per-character alternation took seconds on a 15 MB line."""
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "?": "?",
}
_WRITE_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        '"': '\\"',
        "\n": "\\n",
        "\t": "\\t",
        "\r": "\\r",
        "\a": "\\a",
        "\b": "\\b",
        "\f": "\\f",
        "\v": "\\v",
    }
)


@dataclass
class RawEntry:
    """One live PO entry exactly as written, with its decoded fields."""

    line: int
    text: str
    translator: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)


def _unescape(body: str, line: int, column: int) -> str:
    if "\\" not in body:
        return body

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return chr(int(match.group(1), 8))
        if match.group(2) is not None:
            return chr(int(match.group(2), 16))
        char = match.group(3)
        if char in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[char]
        raise FormatError(f"Invalid escape sequence '\\{char}'", line=line, column=column + match.start() + 1)

    return _ESCAPE.sub(replace, body)


def _literals(text: str, start: int, line: int) -> str:
    """Concatenate the C string literals in `text[start:]`; anything else is an error."""
    parts: list[str] = []
    pos = start
    end = len(text.rstrip("\n"))
    while pos < end:
        match = _LITERAL.match(text, pos, end)
        if match is None:
            raise FormatError("Expected a quoted string", line=line, column=pos + 1)
        parts.append(_unescape(match.group(1), line, match.start(1)))
        pos = match.end()
    if not parts:
        raise FormatError("Expected a quoted string", line=line, column=pos + 1)
    return "".join(parts)


def _comment_text(line: str, prefix: int) -> str:
    body = line[prefix:].rstrip("\n").rstrip("\r")
    return body[1:] if body.startswith(" ") else body


def _build(lines: list[tuple[int, str]]) -> RawEntry | None:
    """Decode one block; `None` when it holds no live message (obsolete, stray comments)."""
    entry = RawEntry(line=lines[0][0], text="".join(text for _, text in lines))
    current: str | None = None
    index = 0
    for number, text in lines:
        stripped = text.lstrip()
        indent = len(text) - len(stripped)
        if stripped.startswith("#"):
            current = None
            tag = stripped[1:2]
            if tag == "~":
                continue
            if tag == ".":
                entry.extracted.append(_comment_text(stripped, 2))
            elif tag == ":":
                entry.references.extend(stripped[2:].split())
            elif tag == ",":
                entry.flags.extend(f.strip() for f in stripped[2:].split(",") if f.strip())
            elif tag == "|":
                entry.previous.append(text)
            else:
                entry.translator.append(_comment_text(stripped, 1))
            continue
        if stripped.startswith('"'):
            if current is None:
                raise FormatError("String without a keyword", line=number, column=indent + 1)
            _append(entry, current, index, _literals(text, indent, number))
            continue
        match = _KEYWORD.match(stripped)
        if match is None:  # _split already rejected these; kept for clarity of the invariant
            raise FormatError("Unexpected text", line=number, column=indent + 1)
        keyword, number_text = match.group(1), match.group(2)
        if number_text is not None and keyword != "msgstr":
            raise FormatError(f"'{keyword}' takes no index", line=number, column=indent + 1)
        current = keyword if number_text is None else "msgstr[]"
        index = int(number_text) if number_text is not None else 0
        if index > MAX_PLURAL_INDEX:
            raise FormatError("Plural index is too large", line=number, column=indent + 1)
        value = _literals(text, indent + match.end(), number)
        if _is_set(entry, current, index):
            raise FormatError(f"Duplicate '{match.group(0)}'", line=number, column=indent + 1)
        _append(entry, current, index, value)
    if entry.msgid is None:
        return None
    _validate(entry)
    _check_sizes(entry)
    return entry


def _check_sizes(entry: RawEntry) -> None:
    """Refuse over-long keys and values here, where they are decoded anyway (docs/import-export.md)."""
    if entry.msgid:
        check_key(entry.msgid, line=entry.line)
        for text in (entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()):
            check_value(entry.msgid, text, line=entry.line)


def _is_set(entry: RawEntry, keyword: str, index: int) -> bool:
    if keyword == "msgstr[]":
        return index in entry.msgstr_plural
    return bool(getattr(entry, keyword) is not None)


def _append(entry: RawEntry, keyword: str, index: int, value: str) -> None:
    if keyword == "msgstr[]":
        entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + value
    else:
        setattr(entry, keyword, (getattr(entry, keyword) or "") + value)


def _validate(entry: RawEntry) -> None:
    if entry.msgid_plural is not None:
        if entry.msgstr is not None or 0 not in entry.msgstr_plural:
            raise FormatError("msgid_plural needs msgstr[0], msgstr[1]…", line=entry.line)
    elif entry.msgstr_plural or entry.msgstr is None:
        raise FormatError("msgid needs exactly one 'msgstr'", line=entry.line)


def split(source: str) -> list[str | RawEntry]:
    """Cut the file into live entries and layout strings (blank lines, obsolete `#~` blocks).

    A new entry starts at a comment or `msgctxt`/`msgid` that follows a `msgstr`, so files
    without blank lines between entries parse as gettext would.
    """
    segments: list[str | RawEntry] = []
    block: list[tuple[int, str]] = []
    seen_msgstr = False

    def finish() -> None:
        nonlocal seen_msgstr
        if block:
            entry = _build(block)
            segments.append(entry if entry is not None else "".join(t for _, t in block))
            block.clear()
        seen_msgstr = False

    for number, text in enumerate(_LINE.findall(source), start=1):
        stripped = text.strip()
        if not stripped:
            finish()
            segments.append(text)
            continue
        kind = stripped.lstrip("#~| ") if stripped.startswith("#~") else stripped
        if stripped.startswith("#") and not stripped.startswith("#~"):
            if seen_msgstr:
                finish()
        elif kind.startswith("msgstr"):
            seen_msgstr = True
        elif kind.startswith(("msgctxt", "msgid")) and not kind.startswith("msgid_plural"):
            if seen_msgstr:
                finish()
        elif not kind.startswith(('"', "msgid_plural")) and not stripped.startswith("#~"):
            raise FormatError("Unexpected text", line=number, column=len(text) - len(text.lstrip()) + 1)
        block.append((number, text))
    finish()
    return segments


def escape(text: str) -> str:
    return text.translate(_WRITE_ESCAPES)


def _wrap(escaped: str, width: int) -> list[str]:
    """Break after spaces like msgcat; an escape sequence never contains a space."""
    out: list[str] = []
    while len(escaped) > width:
        cut = escaped.rfind(" ", 0, width)
        if cut <= 0:
            cut = escaped.find(" ", width)
            if cut < 0:
                break
        out.append(escaped[: cut + 1])
        escaped = escaped[cut + 1 :]
    if escaped or not out:
        out.append(escaped)
    return out


def po_string(keyword: str, text: str, *, wrap: bool = True) -> str:
    """`keyword "text"` in msgcat's layout: one line if it fits, else `""` and wrapped lines."""
    escaped = escape(text)
    inner_newline = "\n" in text[:-1]
    if not inner_newline and (not wrap or len(keyword) + len(escaped) + 3 <= WIDTH):
        return f'{keyword} "{escaped}"\n'
    chunks = [c for c in re.split(r"(?<=\\n)", escaped) if c] if "\n" in text else [escaped]
    lines: list[str] = []
    for chunk in chunks:
        lines.extend(_wrap(chunk, WIDTH - 2) if wrap else [chunk])
    return f'{keyword} ""\n' + "".join(f'"{line}"\n' for line in lines)


def comment_lines(prefix: str, text: str) -> str:
    return "".join(f"{prefix} {line}\n" if line else f"{prefix}\n" for line in text.split("\n"))


def reference_lines(references: list[str]) -> str:
    lines: list[str] = []
    current = "#:"
    for ref in references:
        if len(current) > 2 and len(current) + 1 + len(ref) > WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + ref
    lines.append(current)
    return "".join(line + "\n" for line in lines)
