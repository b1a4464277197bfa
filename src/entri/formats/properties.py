"""Java `.properties` codec (format id `properties`).

javaproperties' `PropertiesFile` keeps comments, blank lines, alignment and continuation lines
of every line we do not touch, which is what makes the corpus re-render byte-identical. We
only add what it does not know: which encoding the file was in (ISO-8859-1 with `\\uXXXX`
escapes vs. Java 9+ UTF-8), and which comment block documents which key.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import javaproperties

from entri.formats.catalog import Catalog, Entry, FormatError, require_distinct_keys
from entri.formats.limits import MAX_KEY, MAX_VALUE, key_too_long, value_too_long
from entri.formats.text import Decoded, decode

_U_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_RAW_KEY = re.compile(r"[ \t\f]*([^\\:=\s]*(?:\\.[^\\:=\s]*)*)[ \t\f]*[:=]?[ \t\f]*")
"""Leading blanks, the raw key, the separator (unrolled, linear on a 15 MB line)."""
_ESCAPE_WEIGHT = 5
"""`\\uXXXX` is the longest escape: 6 characters for 1, so `len - 5 * backslashes` is a lower bound."""
_COMMENT_MARK = re.compile(r"^[ \t\f]*[#!] ?")


@dataclass(frozen=True)
class _Memo:
    decoded: Decoded
    document: javaproperties.PropertiesFile
    values: dict[str, str]
    """Decoded value per key as parsed, to tell edited entries from untouched ones."""
    ensure_ascii: bool
    """Whether edited lines must escape every non-ASCII character, as the original did."""


def _detect(data: bytes) -> Decoded:
    """UTF-8 only when the bytes are valid UTF-8 *and* use it; otherwise Java's ISO-8859-1.

    A pure-ASCII file is read as ISO-8859-1 so that an edit with `é` is escaped rather than
    written as UTF-8 into a file Java 8 would read as Latin-1.
    """
    if data.startswith(b"\xef\xbb\xbf") or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return decode(data, "iso-8859-1")
    if not data.isascii():
        return decode(data, "utf-8")
    return decode(data, "iso-8859-1")


def _comment_text(source: str) -> str:
    """A comment line without its marker and one space; `\\uXXXX` decoded (see canonical)."""
    line = source.rstrip("\r\n")
    line = _COMMENT_MARK.sub("", line, count=1)
    text = _U_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line)
    # Astral characters were written as surrogate pairs; join them (a lone one becomes U+FFFD).
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _lower_bound(raw: str) -> int:
    """Fewest characters `raw` can decode to."""
    return len(raw) - _ESCAPE_WEIGHT * raw.count("\\")


def _continues(line: str) -> bool:
    """Whether a line ends in an odd number of backslashes (the logical line goes on)."""
    return (len(line) - len(line.rstrip("\\"))) % 2 == 1


def _is_comment(line: str) -> bool:
    return line.lstrip(" \t\f")[:1] in ("#", "!")


def _is_continuation(lines: list[str], index: int) -> bool:
    """Whether line `index` goes on the logical line above it (a comment never continues,
    but a line that only looks like one may itself be a continuation)."""
    while index > 0 and _continues(lines[index - 1]):
        if not _is_comment(lines[index - 1]):
            return True
        index -= 1
    return False


def _prescan(text: str) -> None:
    """Refuse an over-long key or value before javaproperties (~0.3 µs per character) reads it.

    Only lines longer than the key limit are looked at. A physical line holds at most one key
    and one value, so the decoded-length lower bound of each never refuses a legal file.
    """
    threshold = min(MAX_KEY, MAX_VALUE)
    if len(text) <= threshold:
        return
    lines = text.replace("\r", "\n").split("\n") if "\r" in text else text.split("\n")
    if max(map(len, lines)) <= threshold:
        return
    for index, line in enumerate(lines):
        if len(line) <= threshold:
            continue
        continuation = _is_continuation(lines, index)
        if continuation:
            bound = _lower_bound(line.lstrip(" \t\f"))
            if bound > MAX_VALUE:
                raise value_too_long(None, bound, line=index + 1, at_least=True)
            continue
        if _is_comment(line):
            continue
        match = _RAW_KEY.match(line)
        assert match is not None  # every part of the pattern may be empty
        key = match.group(1)
        if _lower_bound(key) > MAX_KEY:
            raise key_too_long(key, line=index + 1)
        bound = _lower_bound(line[match.end() :])
        if bound > MAX_VALUE:
            raise value_too_long(key, bound, line=index + 1, at_least=True)


def parse(data: bytes, language: str) -> Catalog:
    decoded = _detect(data)
    _prescan(decoded.text)
    try:
        elements = list(javaproperties.parse(decoded.text))
        document = javaproperties.PropertiesFile.loads(decoded.text)
    except javaproperties.InvalidUEscapeError as exc:
        line = decoded.text[: decoded.text.find(exc.escape)].count("\n") + 1
        raise FormatError(f"Invalid \\u escape {exc.escape!r}", line=line) from None
    except (ValueError, TypeError) as exc:
        raise FormatError(f"Unreadable properties file: {exc}") from None

    entries: dict[str, Entry] = {}
    values: dict[str, str] = {}
    comments: list[str] = []
    raw_non_ascii = False
    for element in elements:
        if isinstance(element, javaproperties.Comment):
            comments.append(_comment_text(element.source))
            continue
        if isinstance(element, javaproperties.KeyValue):
            description = "\n".join(comments) if comments else None
            # Java: the last occurrence of a key wins; keep the first one's position.
            if element.key in entries:
                entries[element.key].value = element.value
                if description is not None:
                    entries[element.key].description = description
            else:
                entries[element.key] = Entry(key=element.key, value=element.value, description=description)
            values[element.key] = element.value
            if any(ord(ch) > 0x7F for ch in element.source):
                raw_non_ascii = True
        comments = []

    ensure_ascii = decoded.encoding != "utf-8" and not raw_non_ascii
    memo = _Memo(decoded=decoded, document=document, values=values, ensure_ascii=ensure_ascii)
    return Catalog(language=language, entries=list(entries.values()), memo=memo)


def _flat_values(catalog: Catalog) -> dict[str, str]:
    """Key -> text to write; a plural becomes one `key.<category>` key (Java has no plurals)."""
    out: dict[str, str] = {}
    for entry in catalog.entries:
        if entry.plurals is not None:
            for category, text in entry.plurals.items():
                out[f"{entry.key}.{category}"] = text
        elif entry.value is not None:
            out[entry.key] = entry.value
    return out


def render(catalog: Catalog) -> bytes:
    require_distinct_keys(catalog.entries, "properties")
    memo = catalog.memo
    if isinstance(memo, _Memo):
        return _render_patched(catalog, memo)
    return _render_canonical(catalog)


def _render_patched(catalog: Catalog, memo: _Memo) -> bytes:
    """Touch only edited, added or removed keys; every other line keeps its original bytes."""
    wanted = _flat_values(catalog)
    document = memo.document.copy()
    for key in list(document):
        if key not in wanted:
            del document[key]
    for key, value in wanted.items():
        if memo.values.get(key) != value:
            document[key] = value
    buffer = io.StringIO()
    document.dump(buffer, separator="=", ensure_ascii=memo.ensure_ascii)
    text = buffer.getvalue()
    if memo.decoded.newline != "\n":
        text = text.replace("\n", memo.decoded.newline)
    return memo.decoded.bom + text.encode(memo.decoded.encoding, errors="javapropertiesreplace")


def _comment_escape(text: str) -> str:
    """Comments are not unescaped by Java, so we choose a reversible convention of our own.

    Non-ASCII and control characters become `\\uXXXX` (the file stays ISO-8859-1-safe); a
    backslash that would otherwise start such a sequence is itself written `\\u005c`.
    """
    out: list[str] = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if ch == "\\" and _U_ESCAPE.match(text, i):
            out.append("\\u005c")
        elif (code < 0x20 and ch != "\t") or code >= 0x7F:
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _render_canonical(catalog: Catalog) -> bytes:
    """ASCII `key=value` lines with `\\uXXXX` escapes and `# description` lines above."""
    lines: list[str] = []
    descriptions = {e.key: e.description for e in catalog.entries if e.description is not None}
    for key, value in _flat_values(catalog).items():
        description = descriptions.get(key)
        if description is not None:
            lines.extend("# " + _comment_escape(part) for part in description.split("\n"))
        lines.append(javaproperties.join_key_value(key, value, separator="=", ensure_ascii=True))
    text = "".join(line + "\n" for line in lines)
    return text.encode("ascii")
