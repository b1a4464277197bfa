"""Loading and writing machinery shared by the JSON-family codecs (json-*, arb).

Byte-identical re-export is done by *patching*, not by re-serialising: besides the parsed tree
we keep the decoded text split into alternating "between" runs and raw string tokens
(`Layout.parts`, odd indexes are string tokens in document order). Every walker counts string
tokens as it goes, so a value is addressed by its token index and an edited value replaces one
list element. That keeps blank lines, odd indentation and exotic escapes of untouched values,
and costs one C-level `re.split` over the text.

When the shape of a catalog changed (keys added, removed or reordered) patching is impossible
and the codecs re-serialise with the `Style` detected from the original file, reusing the raw
token of every value that did not change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.encoder import encode_basestring, encode_basestring_ascii
from math import isfinite
from typing import Any

from entri.formats.catalog import FormatError
from entri.formats.text import Decoded, decode

MAX_DEPTH = 64
"""Deepest container nesting accepted; real localisation files stay below 10."""

_STRING_TOKEN = re.compile(r'("[^"\\]*(?:\\.[^"\\]*)*")')
_STRUCTURAL = re.compile(r"[{}\[\],]")
_UNSTORABLE_HINT = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_FIRST_INDENT = re.compile(r"\n([ \t]*)\S")
_KEY_SEPARATOR = re.compile(r"[ \t]*:[ \t]*")

Node = Any
"""A render-tree node: `Raw`, `str`, bool/None/int/float, or a dict/list of nodes.

Dicts whose keys are all `int` are written as JSON arrays (json-nested array leaves).
"""


class Raw(str):
    """JSON text written verbatim: numbers as spelled in the file, untouched string tokens."""

    __slots__ = ()


TRUE, FALSE, NULL = Raw("true"), Raw("false"), Raw("null")


def literal(value: Any) -> Node:
    """Turn a parsed scalar into a node that re-renders exactly as it was read."""
    if value is True:
        return TRUE
    if value is False:
        return FALSE
    if value is None:
        return NULL
    return value


class _Constant(Raw):
    """NaN / Infinity: Python's json accepts them, RFC 8259 does not."""

    __slots__ = ()


@dataclass(frozen=True)
class Style:
    """How a file writes JSON; detected per file, canonical for fresh exports."""

    indent: str | None = "  "
    """One level of indentation; `None` for a single-line document."""
    key_separator: str = ": "
    item_separator: str = ","
    """Only used for single-line documents; pretty ones end items with ",\\n"."""
    ensure_ascii: bool = False
    escape_slash: bool = False
    lead: str = ""
    trail: str = "\n"

    def string(self, text: str) -> str:
        out: str = encode_basestring_ascii(text) if self.ensure_ascii else encode_basestring(text)
        return out.replace("/", "\\/") if self.escape_slash else out

    def document(self, root: Node) -> str:
        chunks: list[str] = [self.lead]
        self._emit(root, chunks, "\n")
        chunks.append(self.trail)
        return "".join(chunks)

    def _emit(self, node: Node, out: list[str], newline: str) -> None:
        kind = type(node)
        if kind is Raw or kind is _Constant:
            out.append(node)
        elif kind is str:
            out.append(self.string(node))
        elif kind is dict or kind is list:
            if not node:
                out.append("{}" if kind is dict else "[]")
                return
            as_list = kind is list or all(type(k) is int for k in node)
            values = node if kind is list else node.values()
            if kind is dict and as_list:
                # Array items rebuilt from entries: keep every index where it was, filling
                # the gaps (untranslatable or deleted items) with null, so keys stay stable.
                values = [node.get(i, NULL) for i in range(max(node) + 1)]
            keys = None if as_list else [self.string(str(k)) + self.key_separator for k in node]
            if self.indent is None:
                inner, separator, close = "", self.item_separator, ("]" if as_list else "}")
            else:
                inner = newline + self.indent
                separator, close = "," + inner, newline + ("]" if as_list else "}")
            out.append(("[" if as_list else "{") + inner)
            for index, value in enumerate(values):
                if index:
                    out.append(separator)
                if keys is not None:
                    out.append(keys[index])
                self._emit(value, out, inner)
            out.append(close)
        elif node is True or node is False or node is None:
            out.append(literal(node))
        elif kind is int:
            out.append(str(node))
        elif kind is float:
            if not isfinite(node):
                raise FormatError(f"Cannot write the non-finite number {node!r} as JSON")
            out.append(repr(node))
        else:
            raise FormatError(f"Cannot write a {kind.__name__} as JSON")


CANONICAL = Style()


@dataclass
class Layout:
    """The original document: bytes, decoding and the token split used for patching."""

    data: bytes
    decoded: Decoded
    _parts: list[str] | None = field(default=None, repr=False)
    live: list[int] | None = None
    """Walker token index -> token index in `parts`, when repeated members are hidden."""
    aliases: dict[int, list[int]] = field(default_factory=dict)
    """Token in `parts` -> tokens of identical repeats that must change with it."""
    _style: Style | None = field(default=None, repr=False)

    @property
    def parts(self) -> list[str]:
        """Alternating between-text and raw string tokens; split on first use (valid JSON only,
        so the split is exact and linear), since a plain import never needs it."""
        if self._parts is None:
            self._parts = _STRING_TOKEN.split(self.decoded.text)
        return self._parts

    def token(self, index: int) -> Raw:
        return Raw(self.parts[2 * (self.live[index] if self.live else index) + 1])

    @property
    def style(self) -> Style:
        if self._style is None:
            self._style = _detect_style(self.decoded.text, self.parts)
        return self._style

    def position(self, token: int) -> tuple[int, int]:
        """1-based line and column of a string token, for error messages."""
        actual = self.live[token] if self.live else token
        offset = sum(map(len, self.parts[: 2 * actual + 1]))
        return _line_column(self.decoded.text, offset)

    def patch(self, changes: dict[int, str]) -> bytes:
        """The original bytes with only the given string tokens re-encoded."""
        if not changes:
            return self.data
        parts = list(self.parts)
        encode = self.style.string
        for token, text in changes.items():
            actual = self.live[token] if self.live else token
            raw = encode(text)
            parts[2 * actual + 1] = raw
            for alias in self.aliases.get(actual, ()):
                parts[2 * alias + 1] = raw
        return self.decoded.encode("".join(parts))

    def encode(self, text: str) -> bytes:
        return self.decoded.encode(text)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _detect_style(text: str, parts: list[str]) -> Style:
    body = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    if "\n" in body:
        match = _FIRST_INDENT.search(body)
        indent: str | None = match.group(1) if match else ""
        item_separator = ","
    else:
        indent = None
        item_separator = ", " if ", " in "".join(parts[0::2]) else ","
    key_separator = ": "
    if len(parts) > 2:
        sep = _KEY_SEPARATOR.match(parts[2])
        if sep:
            key_separator = sep.group(0)
    return Style(
        indent=indent,
        key_separator=key_separator,
        item_separator=item_separator,
        ensure_ascii=text.isascii() and "\\u" in text,
        escape_slash="\\/" in text,
        lead=lead,
        trail=trail,
    )


def load(data: bytes) -> tuple[dict[str, Any], Layout]:
    """Strictly parse a JSON object document; every problem becomes a `FormatError`.

    Numbers come back as `Raw` (their exact spelling, no int-size limit), objects as dicts in
    file order. Duplicate keys, NaN/Infinity, nesting beyond `MAX_DEPTH`, and strings holding
    U+0000 or lone surrogates (which the database cannot store) are rejected.
    """
    decoded = decode(data)
    text = decoded.text
    duplicates = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        obj = dict(pairs)
        if len(obj) != len(pairs):
            duplicates = True
        return obj

    try:
        root = json.loads(text, object_pairs_hook=pairs_hook, parse_int=Raw, parse_float=Raw, parse_constant=_Constant)
    except json.JSONDecodeError as exc:
        raise FormatError(f"Invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise FormatError(f"JSON nesting is deeper than {MAX_DEPTH} levels") from None
    if type(root) is dict or type(root) is list:
        _check_depth(root)
    layout = Layout(data=data, decoded=decoded)
    if duplicates:
        _resolve_duplicates(layout)
    if "NaN" in text or "Infinity" in text:
        _reject_constants(layout)
    if _UNSTORABLE_HINT.search(text):
        _reject_unstorable(layout)
    if not isinstance(root, dict):
        kind = "an array" if isinstance(root, list) else "a single value"
        raise FormatError(f"The top level of the file must be a JSON object, not {kind}", line=1)
    return root, layout


def _check_depth(root: Any) -> None:
    """Iterative, so a document just under the json module's own recursion limit is safe."""
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FormatError(f"JSON nesting is deeper than {MAX_DEPTH} levels")
        for child in node.values() if type(node) is dict else node:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))


def _member_value(text: str, start: int, end: int) -> Any:
    """The value of one `"key": value` member, with duplicates and order kept, for comparison."""
    return json.loads("{" + text[start:end] + "}", object_pairs_hook=list, parse_int=Raw, parse_float=Raw)


@dataclass
class _Frame:
    seen: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    """key -> (first token, end token, start offset, end offset) of its first member."""
    current: tuple[str, int, int] | None = None


def _resolve_duplicates(layout: Layout) -> None:
    """Accept keys repeated with an identical value, reject ones that disagree.

    Real files repeat members by copy-paste (flutter-gallery `intl_en.arb`); JSON readers keep
    the last, so an identical repeat is harmless while a different one is ambiguous. Tokens of
    a repeat are hidden from the walkers (`Layout.live`) and patched together with the first
    occurrence (`Layout.aliases`), so an edited value never leaves a stale copy behind.
    """
    text, parts = layout.decoded.text, layout.parts
    frames: list[_Frame | None] = []
    dead: set[int] = set()
    aliases: dict[int, list[int]] = {}
    token = offset = 0
    expect_key = False

    def close(frame: _Frame | None, end: int) -> None:
        if frame is None or frame.current is None:
            return
        key, first_token, start = frame.current
        frame.current = None
        original = frame.seen.get(key)
        if original is None:
            frame.seen[key] = (first_token, token, start, end)
            return
        if _member_value(text, original[2], original[3]) != _member_value(text, start, end):
            line, column = _line_column(text, start)
            raise FormatError(f"Duplicate key {key!r} with a different value", line=line, column=column)
        for j in range(token - first_token):
            dead.add(first_token + j)
            aliases.setdefault(original[0] + j, []).append(first_token + j)

    for index, part in enumerate(parts):
        if index % 2 == 0:
            for match in _STRUCTURAL.finditer(part):
                char = match.group(0)
                if char == "{":
                    frames.append(_Frame())
                    expect_key = True
                elif char == "[":
                    frames.append(None)
                    expect_key = False
                elif char == ",":
                    close(frames[-1], offset + match.start())
                    expect_key = frames[-1] is not None
                else:
                    close(frames.pop(), offset + match.start())
                    expect_key = False
        else:
            frame = frames[-1] if frames else None
            if expect_key and frame is not None:
                frame.current = (json.loads(part), token, offset)
            expect_key = False
            token += 1
        offset += len(part)
    layout.live = [t for t in range(token) if t not in dead]
    layout.aliases = aliases


def _reject_constants(layout: Layout) -> None:
    offset = 0
    for index, part in enumerate(layout.parts):
        if index % 2 == 0:
            match = re.search(r"-?(?:NaN|Infinity)", part)
            if match:
                line, column = _line_column(layout.decoded.text, offset + match.start())
                raise FormatError(f"{match.group(0)} is not valid JSON", line=line, column=column)
        offset += len(part)


def _reject_unstorable(layout: Layout) -> None:
    offset = 0
    for index, part in enumerate(layout.parts):
        if index % 2 and "\\u" in part and _UNSTORABLE.search(json.loads(part)):
            line, column = _line_column(layout.decoded.text, offset)
            raise FormatError(
                "String contains U+0000 or an unpaired surrogate escape, which cannot be stored",
                line=line,
                column=column,
            )
        offset += len(part)


def skip_tokens(node: Any) -> int:
    """How many string tokens (keys and string values) a parsed subtree spans."""
    kind = type(node)
    if kind is str:
        return 1
    if kind is dict:
        return len(node) + sum(skip_tokens(v) for v in node.values())
    if kind is list:
        return sum(skip_tokens(v) for v in node)
    return 0


def to_node(value: Any) -> Node:
    """A parsed subtree as a render node (literals made explicit, numbers kept raw)."""
    kind = type(value)
    if kind is dict:
        return {k: to_node(v) for k, v in value.items()}
    if kind is list:
        return [to_node(v) for v in value]
    return literal(value)


def to_plain(value: Any) -> Any:
    """A parsed subtree as ordinary Python JSON values (for data handed to the application)."""
    kind = type(value)
    if kind is dict:
        return {k: to_plain(v) for k, v in value.items()}
    if kind is list:
        return [to_plain(v) for v in value]
    if kind is Raw:
        try:
            return int(value) if value.lstrip("-").isdigit() else float(value)
        except ValueError:
            raise FormatError(f"Number too large to handle: {value[:40]}...") from None
    return value
