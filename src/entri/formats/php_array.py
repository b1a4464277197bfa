"""Laravel PHP array codec (format id `php-array`): `<?php return [ 'key' => 'text', ... ];`.

A language file is PHP code, so it is never included or evaluated: a hand-written tokenizer
accepts only the literal subset Laravel lang files use (strings, integer keys, nested
arrays, comments) and rejects everything else with a position. Every string keeps its span
in the source, so an unchanged file re-renders byte-identical and an edited value rewrites
only its own literal. Pipe plurals (`:count livre|:count livres`) stay literal text; see
docs/formats/php-array.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from entri.formats import _nesting
from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError, require_distinct_keys
from entri.formats.limits import MAX_KEY, MAX_VALUE, check_key, check_value
from entri.formats.text import Decoded, decode

MAX_DEPTH = 64

_TRIVIA = re.compile(r"(?:\s+|//[^\n]*|#(?!\[)[^\n]*|/\*.*?\*/)*", re.DOTALL)
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
# Unrolled loops (`[^'\\]*` runs in C): a per-character alternation took seconds on a 15 MB string.
_SINGLE = re.compile(r"'([^'\\]*(?:\\.[^'\\]*)*)'", re.DOTALL)
_DOUBLE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"', re.DOTALL)
_SINGLE_ESCAPE = re.compile(r"\\([\\'])")
_DOUBLE_ESCAPE = re.compile(
    r"\\(?:([ntrvef\\$\"])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u\{([0-9A-Fa-f]+)\})|(\$(?:[A-Za-z_\x80-\uffff{]))|(\{\$)"
)
_LINE_TAIL = re.compile(r"[ \t]*(?:(?://|#)[^\n]*)?\n")
_SIMPLE = {"n": 10, "t": 9, "r": 13, "v": 11, "e": 27, "f": 12, "\\": 92, "$": 36, '"': 34}


@dataclass
class _Array:
    path: tuple[str, ...]
    close: int
    """Offset of the closing `]` / `)`."""
    last_end: int | None = None
    """End offset of the last item's value, None for an empty array."""
    trailing_comma: bool = False
    item_indent: str | None = None


@dataclass
class _Item:
    start: int
    """Where the item's key (or value) begins."""
    value_start: int
    value_end: int
    comma_end: int | None
    value: str


@dataclass
class _Memo:
    decoded: Decoded
    items: dict[tuple[str, ...], _Item] = field(default_factory=dict)
    arrays: dict[tuple[str, ...], _Array] = field(default_factory=dict)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.memo_items: dict[tuple[str, ...], _Item] = {}
        self.memo_arrays: dict[tuple[str, ...], _Array] = {}
        self.entries: dict[tuple[str, ...], str] = {}

    def fail(self, message: str, offset: int | None = None) -> FormatError:
        line, column = _position(self.text, self.pos if offset is None else offset)
        return FormatError(message, line=line, column=column)

    def skip(self) -> None:
        match = _TRIVIA.match(self.text, self.pos)
        if match:
            self.pos = match.end()
        if self.text.startswith("/*", self.pos):
            raise self.fail("Unterminated comment")

    def indent_before(self, offset: int) -> str | None:
        """The blanks from the line start to `offset`, None if other text precedes it there.

        Walks back over blanks only: a minified one-line file must not cost a scan back to the
        start of the line for every item.
        """
        start = offset
        while start > 0 and self.text[start - 1] in " \t":
            start -= 1
        if start == 0 or self.text[start - 1] == "\n":
            return self.text[start:offset]
        return None

    def expect(self, token: str) -> None:
        self.skip()
        if not self.text.startswith(token, self.pos):
            found = self.text[self.pos : self.pos + 20].split("\n")[0] or "end of file"
            raise self.fail(f"Expected '{token}', found '{found}'")
        self.pos += len(token)

    def word(self, word: str) -> bool:
        self.skip()
        end = self.pos + len(word)
        if self.text[self.pos : end].lower() == word and not re.match(r"[\w$]", self.text[end : end + 1]):
            self.pos = end
            return True
        return False

    def document(self) -> None:
        if self.text.startswith("\ufeff"):
            self.pos = 1
        if not self.text.startswith("<?php", self.pos):
            raise self.fail("A PHP language file must start with '<?php'")
        self.pos += 5
        if not self.word("return"):
            raise self.fail("Only 'return [ ... ];' is allowed in a language file")
        self.skip()
        self.array((), 0)
        self.expect(";")
        self.skip()
        if self.text.startswith("?>", self.pos):
            self.pos += 2
            self.skip()
        if self.pos != len(self.text):
            raise self.fail("Unexpected code after 'return [...];'")

    def array(self, path: tuple[str, ...], depth: int) -> None:
        if depth >= MAX_DEPTH:
            raise self.fail(f"Arrays nested deeper than {MAX_DEPTH} levels")
        if self.text.startswith("[", self.pos):
            close = "]"
            self.pos += 1
        elif self.word("array"):
            self.expect("(")
            close = ")"
        else:
            raise self.fail("Expected an array literal")
        info = _Array(path=path, close=-1)
        next_index = 0
        while True:
            self.skip()
            if self.text.startswith(close, self.pos):
                info.close = self.pos
                self.pos += 1
                break
            if info.item_indent is None:
                info.item_indent = self.indent_before(self.pos)
            start = self.pos
            key_or_value = self.scalar_or_array((*path, "?"), depth)
            self.skip()
            if self.text.startswith("=>", self.pos):
                if not isinstance(key_or_value, tuple):
                    raise self.fail("An array cannot be a key", start)
                key = key_or_value[0]
                if _INT.fullmatch(key):
                    next_index = max(next_index, int(key) + 1)
                self.pos += 2
                self.skip()
                value_start = self.pos
                value = self.scalar_or_array((*path, key), depth)
            else:
                key = str(next_index)
                next_index += 1
                value_start = start
                if key_or_value is None:
                    raise self.fail("Unkeyed nested arrays are not supported", start)
                value = key_or_value
            value_end = self.pos
            self.skip()
            comma_end = None
            if self.text.startswith(",", self.pos):
                self.pos += 1
                comma_end = self.pos
            item_path = (*path, key)
            info.last_end, info.trailing_comma = value_end, comma_end is not None
            if isinstance(value, tuple):
                if value[1] != "string":
                    where = ".".join(item_path)
                    raise self.fail(
                        f"The value of '{where}' is a number; Laravel language lines are strings (quote it)",
                        value_start,
                    )
                if item_path in self.entries:
                    raise self.fail(f"Duplicate key '{'.'.join(item_path)}'", start)
                self.entries[item_path] = value[0]
                self.memo_items[item_path] = _Item(start, value_start, value_end, comma_end, value[0])
            if comma_end is None:
                self.skip()
                if not self.text.startswith(close, self.pos):
                    raise self.fail(f"Expected ',' or '{close}'")
        self.memo_arrays[path] = info

    def scalar_or_array(self, path: tuple[str, ...], depth: int) -> tuple[str, str] | None:
        """A string or integer as (text, kind), or None after parsing a nested array."""
        self.skip()
        char = self.text[self.pos : self.pos + 1]
        if char == "'":
            match = _SINGLE.match(self.text, self.pos)
            if not match:
                raise self.fail("Unterminated string")
            self.pos = match.end()
            return _SINGLE_ESCAPE.sub(r"\1", match.group(1)), "string"
        if char == '"':
            match = _DOUBLE.match(self.text, self.pos)
            if not match:
                raise self.fail("Unterminated string")
            value = self.double(match.group(1), self.pos + 1)
            self.pos = match.end()
            return value, "string"
        match = _INT.match(self.text, self.pos)
        if match and not re.match(r"[\w.]", self.text[match.end() : match.end() + 1]):
            self.pos = match.end()
            return str(int(match.group(0))), "int"
        if char == "[" or self.text[self.pos : self.pos + 5].lower() == "array":
            self.array(path, depth + 1)
            return None
        found = self.text[self.pos : self.pos + 20].split("\n")[0] or "end of file"
        where = f" as the value of '{'.'.join(path)}'" if path and path[-1] != "?" else ""
        raise self.fail(f"Only string literals and arrays are allowed{where}, found '{found}'")

    def double(self, body: str, offset: int) -> str:
        """PHP double-quoted semantics on a byte string; variable interpolation is refused."""
        out = bytearray()
        last = 0
        for match in _DOUBLE_ESCAPE.finditer(body):
            if match.group(5) or match.group(6):
                raise self.fail("Variable interpolation in strings is not allowed", offset + match.start())
            out += body[last : match.start()].encode("utf-8", "surrogatepass")
            simple, octal, hexa, uni = match.group(1, 2, 3, 4)
            if simple:
                out.append(_SIMPLE[simple])
            elif octal:
                out.append(int(octal, 8) & 0xFF)
            elif hexa:
                out.append(int(hexa, 16))
            else:
                code = int(uni, 16)
                if code > 0x10FFFF:
                    raise self.fail("Invalid \\u{...} escape", offset + match.start())
                out += chr(code).encode("utf-8", "surrogatepass")
            last = match.end()
        out += body[last:].encode("utf-8", "surrogatepass")
        try:
            return out.decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail("String escapes do not form valid UTF-8", offset) from None


def parse(data: bytes, language: str) -> Catalog:
    decoded = decode(data)
    parser = _Parser(decoded.text)
    parser.document()
    entries = [Entry(key=".".join(path), value=value) for path, value in parser.entries.items()]
    for entry, path in zip(entries, parser.entries, strict=True):
        if len(entry.key) > MAX_KEY or len(entry.value or "") > MAX_VALUE:
            line, _ = _position(decoded.text, parser.memo_items[path].start)
            check_key(entry.key, line=line)
            check_value(entry.key, entry.value, line=line)
    for entry, path in zip(entries, parser.entries, strict=True):
        entry.extra["path"] = path
    memo = _Memo(decoded=decoded, items=parser.memo_items, arrays=parser.memo_arrays)
    return Catalog(language=language, entries=entries, memo=memo)


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _entry_text(entry: Entry) -> str | None:
    """Plural entries become Laravel pipe text in CLDR order (Laravel has no named forms)."""
    if entry.plurals is not None:
        return "|".join(entry.plurals[c] for c in PLURAL_CATEGORIES if c in entry.plurals)
    return entry.value


def render(catalog: Catalog) -> bytes:
    require_distinct_keys(catalog.entries, "php-array")
    if isinstance(catalog.memo, _Memo):
        return _render_patched(catalog, catalog.memo)
    return _render_canonical(catalog)


def _render_canonical(catalog: Catalog) -> bytes:
    items = [(e.key, text) for e in catalog.entries if (text := _entry_text(e)) is not None]
    lines = ["<?php", "", "return ["]
    _emit(_nesting.build(items), 1, lines)
    lines.append("];")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _emit(branch: _nesting.Branch[str], depth: int, lines: list[str]) -> None:
    indent = "    " * depth
    for name, child in branch.children.items():
        if isinstance(child, _nesting.Branch):
            lines.append(f"{indent}{_quote(name)} => [")
            _emit(child, depth + 1, lines)
            lines.append(f"{indent}],")
        else:
            lines.append(f"{indent}{_quote(name)} => {_quote(child)},")


def _literal(name: str, child: _nesting.Branch[str] | str, indent: str) -> str:
    """`'name' => 'value'` or a nested array block; the first line unindented, the closing
    bracket at `indent`."""
    if not isinstance(child, _nesting.Branch):
        return f"{_quote(name)} => {_quote(child)}"
    inner = indent + "    "
    lines = [f"{_quote(name)} => ["]
    lines += [f"{inner}{_literal(n, c, inner)}," for n, c in child.children.items()]
    lines.append(f"{indent}]")
    return "\n".join(lines)


def _render_patched(catalog: Catalog, memo: _Memo) -> bytes:
    """Splice edits into the original text from the end backwards so offsets stay valid."""
    text = memo.decoded.text
    wanted: dict[tuple[str, ...], str] = {}
    for entry in catalog.entries:
        value = _entry_text(entry)
        if value is None:
            continue
        path = entry.extra.get("path")
        if not (isinstance(path, tuple) and path in memo.items and ".".join(path) == entry.key):
            path = tuple(entry.key.split("."))
        wanted[path] = value
    edits: list[tuple[int, int, str]] = []
    for path, item in memo.items.items():
        if path not in wanted:
            end = item.comma_end if item.comma_end is not None else item.value_end
            line_start = text.rfind("\n", 0, item.start) + 1
            start = line_start if not text[line_start : item.start].strip() else item.start
            tail = _LINE_TAIL.match(text, end)
            if start == line_start and tail:
                end = tail.end()  # the item's own line goes, with its trailing comment
            edits.append((start, end, ""))
        elif wanted[path] != item.value:
            edits.append((item.value_start, item.value_end, _quote(wanted[path])))
    # New entries, grouped by the deepest array of the file that holds them: each array gets
    # one block, and keys sharing a missing parent share one nested literal (PHP keeps only the
    # last of two equal keys, so a second `'password' => [...]` would lose the first).
    additions: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for path, value in wanted.items():
        if path in memo.items:
            continue
        depth = max((i for i in range(len(path)) if path[:i] in memo.arrays), default=0)
        additions.setdefault(path[:depth], []).append((".".join(path[depth:]), value))
    for anchor, items in additions.items():
        array = memo.arrays[anchor]
        indent = array.item_indent if array.item_indent is not None else "    " * (len(anchor) + 1)
        tree = _nesting.build(items)
        block = "".join(f"{indent}{_literal(name, child, indent)},\n" for name, child in tree.children.items())
        if array.last_end is not None and not array.trailing_comma:
            edits.append((array.last_end, array.last_end, ","))
        line_start = text.rfind("\n", 0, array.close) + 1
        if not text[line_start : array.close].strip():
            edits.append((line_start, line_start, block))
        else:
            edits.append((array.close, array.close, f"\n{block}"))
    # Later edits at the same offset go first so that insertions keep catalog order.
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1][0], pair[1][1], pair[0]), reverse=True)
    for _, (start, end, replacement) in ordered:
        text = text[:start] + replacement + text[end:]
    return memo.decoded.encode(text)
