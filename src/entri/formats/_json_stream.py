"""Streaming read of the key -> string JSON formats (json-flat, json-nested, json-clean).

`parse()` builds the whole tree, a memo for byte-identical re-export and every `Entry` at once:
several times the file's size in memory, all alive together. An import needs no memo (it
stores the file's bytes as they came) and can write entries as they arrive, so `entries()`
walks the parser events of yajl (ijson's C backend) and yields, one at a time, the entries
`parse()` would give. What stays in memory is the open objects' member names (to find repeated
members and to fold plurals) and, for a flat file, 8 bytes per key.

It decides only what it can decide exactly. Anything that needs the full parser's eye raises
`NotStreamable`, and the caller uses `parse()` for the exact outcome (entries, or an error with
its line and column): a syntax error of any kind, a member repeated in one object (`parse()`
accepts an identical repeat and rejects a different one), NaN/Infinity, nesting deeper than
`MAX_DEPTH`, a top level that is not an object, an object or array in a flat file, a `\\u0000`
or surrogate escape (yajl turns a lone surrogate into "?"), a number that is not a plain integer
(its exact spelling is the stored text, and yajl does not keep it), a UTF-16 file, and the
two bytes yajl takes for whitespace although JSON does not (\\v, \\f). Those files are rare;
the common big file streams.

Order: entries come in file order, except plural candidates (`x_one`, `x_other`…), which come
when their object closes, since only then is it known whether the group folds. Entries carry
no `extra` (the memo's business).
"""

from __future__ import annotations

import codecs
import io
import re
import sys
from array import array
from collections.abc import Iterator

import ijson

from entri.formats._json_common import MAX_DEPTH
from entri.formats._json_keyed import _COUNT, _SUFFIXES, ARRAY_FLAG, Mode, escape_segment
from entri.formats.catalog import Entry
from entri.formats.plurals import cldr_categories

_UNSTORABLE_HINT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_ESCAPED_QUOTE = re.compile(rb'(\\+)"')
_OPENS_OBJECT = re.compile(rb"[ \t\r\n]*{")
_NOT_JSON_WHITESPACE = (b"\x0b", b"\x0c")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BUCKETS = 256
READ_SIZE = 1 << 16


class NotStreamable(Exception):
    """The file needs the full parser to be judged: call the codec's `parse()`."""


class _Frame:
    """One open object or array."""

    __slots__ = ("buckets", "in_array", "index", "is_array", "name", "names", "pending", "prefix")

    def __init__(self, prefix: str, in_array: bool, is_array: bool, exact_names: bool) -> None:
        self.prefix = prefix
        """The key of a member is `prefix + segment` (json-nested: the escaped path so far + '.')."""
        self.in_array = in_array
        """Under an array somewhere: entries are flagged so a memo-less export rebuilds it."""
        self.is_array = is_array
        self.index = 0
        self.name: str = ""
        """The member whose value comes next."""
        self.names: set[str] | None = set() if exact_names and not is_array else None
        self.buckets: list[array[int]] | None = None
        if not exact_names and not is_array:
            self.buckets = [array("q") for _ in range(_BUCKETS)]
        self.pending: list[tuple[str, str, str, str]] = []
        """Plural candidates (name, base, category, text), held until the object closes."""


def _start(data: bytes) -> int:
    """Where the JSON text starts, after the checks yajl cannot make; NotStreamable if any fails."""
    if data.startswith(_UTF16_BOMS):
        raise NotStreamable("UTF-16")
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if not _OPENS_OBJECT.match(data, start):
        raise NotStreamable("top level")
    if any(byte in data for byte in _NOT_JSON_WHITESPACE):
        raise NotStreamable("\\v or \\f")
    if b"\\u" in data and _UNSTORABLE_HINT.search(data):
        raise NotStreamable("NUL or surrogate escape")
    # yajl accepts an unterminated string after the top-level value (`{...}"abc`). In JSON every
    # unescaped quote opens or closes a string, so a valid document has an even number of them.
    quotes = data.count(b'"')
    if b'\\"' in data:
        quotes -= sum(len(m.group(1)) % 2 for m in _ESCAPED_QUOTE.finditer(data))
    if quotes % 2:
        raise NotStreamable("odd number of quotes")
    # An integer longer than Python converts (4,300 digits by default) makes ijson's C backend
    # return a broken event, which can crash the process: never hand it one. The pattern finds
    # every number token that long (in strings too, harmlessly), in linear time.
    limit = sys.get_int_max_str_digits()
    if limit and re.search(rb"[:\[,][ \t\r\n]*-?[0-9]{%d}" % (limit + 1), data):
        raise NotStreamable("an integer too long to convert")
    return start


def entries(data: bytes, language: str, mode: Mode) -> Iterator[Entry]:
    """The entries of `data` as `parse(data, language, mode)` has them (see the module doc for
    order); raises NotStreamable, possibly after some entries, when `parse()` must decide."""
    source = io.BytesIO(data)  # shares `data`'s buffer: no copy
    source.seek(_start(data))
    try:
        yield from _walk(ijson.basic_parse(source, use_float=False, buf_size=READ_SIZE), data, language, mode)
    except (ijson.JSONError, ValueError) as exc:  # UnicodeDecodeError, int() of a huge number
        raise NotStreamable(str(exc)[:200]) from None


def _walk(events: Iterator[tuple[str, object]], data: bytes, language: str, mode: Mode) -> Iterator[Entry]:
    nested, fold = mode.nested, mode.fold_plurals
    first = next(events, None)
    if first is None or first[0] != "start_map":
        raise NotStreamable("top level")
    top = _Frame("", False, False, exact_names=fold)
    stack = [top]
    frame = top
    minus_zero: bool | None = None  # whether "-0" occurs in the file, looked up at the first 0
    for event, value in events:
        if event == "map_key":
            assert isinstance(value, str)
            names = frame.names
            if names is not None:
                if value in names:
                    raise NotStreamable("repeated member")
                names.add(value)
            else:
                assert frame.buckets is not None
                h = hash(value)
                frame.buckets[h & (_BUCKETS - 1)].append(h)
            frame.name = value
            continue
        if frame.is_array:
            segment = str(frame.index)
            frame.index += 1
            key = frame.prefix + segment
            in_array = True
        else:
            segment = frame.name
            if nested:
                key = frame.prefix + (escape_segment(segment) if "." in segment or "\\" in segment else segment)
            else:
                key = segment
            in_array = frame.in_array
        if event == "string":
            assert isinstance(value, str)
            if fold and not frame.is_array:
                base, underscore, suffix = segment.rpartition("_")
                if underscore and base and suffix in _SUFFIXES and not base.endswith("_ordinal"):
                    frame.pending.append((segment, base, suffix, value))
                    continue
            if in_array:
                yield Entry(key=key, value=value, flags=[ARRAY_FLAG])
            else:
                yield Entry(key=key, value=value)
        elif event == "start_map" or event == "start_array":
            if not nested:
                raise NotStreamable("container in a flat file")
            if len(stack) >= MAX_DEPTH:
                raise NotStreamable("too deep")
            prefix = frame.prefix + (segment if frame.is_array else escape_segment(segment)) + "."
            frame = _Frame(prefix, in_array, event == "start_array", exact_names=True)
            stack.append(frame)
        elif event == "end_map" or event == "end_array":
            if frame.pending:
                yield from _fold(frame, language, nested)
            if frame.buckets is not None and any(len(set(b)) != len(b) for b in frame.buckets):
                raise NotStreamable("repeated member")
            stack.pop()
            if not stack:
                break
            frame = stack[-1]
        else:  # a scalar: kept as its JSON text; null is a key without a value
            flags = [ARRAY_FLAG] if in_array else []
            if value is None:
                yield Entry(key=key, flags=flags)
            elif value is True or value is False:
                yield Entry(key=key, value="true" if value else "false", flags=flags)
            elif type(value) is int:
                if not value:
                    minus_zero = (b"-0" in data) if minus_zero is None else minus_zero
                    if minus_zero:
                        raise NotStreamable("a zero that may be spelled -0")
                yield Entry(key=key, value=str(value), flags=flags)
            else:  # a fraction or an exponent (a Decimal): its spelling is lost
                raise NotStreamable("number spelling")
    for _ in events:  # yajl reports trailing garbage only when it is read
        raise NotStreamable("trailing data")


def _fold(frame: _Frame, language: str, nested: bool) -> Iterator[Entry]:
    """The held candidates of a closed object, as `plural_groups` folds them (_json_keyed.py)."""
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for name, base, category, text in frame.pending:
        groups.setdefault(base, []).append((name, category, text))
    frame.pending = []
    allowed = set(cldr_categories(language)) | {"zero"}
    names = frame.names or set()
    flags = [ARRAY_FLAG] if frame.in_array else []
    for base, members in groups.items():
        if (
            base not in names
            and {c for _, c, _ in members} <= allowed
            and any(_COUNT.search(text) for _, _, text in members)
        ):
            key = frame.prefix + escape_segment(base) if nested else base
            yield Entry(key=key, plurals={c: text for _, c, text in members}, flags=list(flags))
            continue
        for name, _, text in members:
            key = frame.prefix + (escape_segment(name) if "." in name or "\\" in name else name) if nested else name
            yield Entry(key=key, value=text, flags=list(flags))
