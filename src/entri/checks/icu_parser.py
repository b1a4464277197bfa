"""A small ICU MessageFormat parser: just enough to validate syntax, name the arguments for
placeholder parity, and list the plural/select blocks for the plural-category check.

Why not a library: the checker runs on every value of a 100k-key import, so the parser must be
cheap on the common case (text chunks are skipped with one regex search, not char by char) and
linear on hostile input (it stops at the first error and limits nesting depth, so neither
`'{' * 500_000` nor deep nesting can blow the time or the stack).

Quoting follows ICU's default apostrophe mode (ICU4J `DOUBLE_OPTIONAL`, FormatJS): `''` is an
apostrophe; a single `'` starts quoted literal text only right before `{`, `}` (or `#` inside a
plural, or `|`), and the quote runs to the next lone `'`; any other apostrophe is literal text
("l'homme" needs no escaping).

Stricter than ICU4J on one point: a `}` with no matching `{` is an error (ICU4J takes it as text),
because in practice it is a typo like `{name}}`; write `'}'` for a literal brace.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

ARGUMENT_TYPES = frozenset(
    {"number", "date", "time", "spellout", "ordinal", "duration", "plural", "select", "selectordinal"}
)
PLURAL_KEYWORDS = frozenset({"zero", "one", "two", "few", "many", "other"})
MAX_DEPTH = 20
"""Nesting deeper than this is refused as an error (real messages nest two or three levels)."""
MAX_ARGUMENTS = 1000
"""More arguments than this are refused as an error: no UI message has them, and the cap keeps a
hostile megabyte of `{a}` from costing seconds."""

_SPECIAL = re.compile(r"[{}']")
_SPACE = re.compile(r"\s*+")
# One match per construct (not one per token): the parser's cost is its number of steps.
_HEAD = re.compile(r"\{\s*+(?:(\w++)\s*+(?:(\})|(,)\s*+(?:(\w++)\s*+([,}])?+)?+)?+)?+")
"""`{name}` or `{name, type` followed by `,` or `}`; groups: name, `}`, `,`, type, following."""
_OFFSET = re.compile(r"\s*+offset\s*+:\s*+\d++")
_OPTION = re.compile(r"\s*+(?:\}|(=-?\d++(?:\.\d++)?+|[^\s{}=][^\s{}]*+)\s*+(\{)?+)")
"""The end of the options (`}`, no group), or a selector and the `{` opening its message."""
_CACHE_MAX_TEXT = 2000
"""Longer texts are parsed without caching (they rarely repeat and would bloat the cache)."""


class Block(NamedTuple):
    """One plural, selectordinal or select argument with its selectors, in text order."""

    argument: str
    kind: str
    selectors: tuple[str, ...]


class IcuMessage(NamedTuple):
    """The result of parsing: `error` is None when the text is valid ICU MessageFormat."""

    arguments: frozenset[str]
    """Normalized argument tokens: `{name}` for a simple argument, `{name,type}` otherwise."""
    blocks: tuple[Block, ...]
    error: str | None


class _Invalid(Exception):
    def __init__(self, message: str, at: int) -> None:
        super().__init__(message)
        self.message = message
        self.at = at


class _Parser:
    __slots__ = ("arguments", "blocks", "count", "n", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.arguments: set[str] = set()
        self.blocks: list[Block] = []
        self.count = 0

    def message(self, pos: int, depth: int, in_plural: bool) -> int:
        """Parse message text from `pos`; return the index of the closing `}` (or the end)."""
        text, n = self.text, self.n
        search = _SPECIAL.search
        while True:
            found = search(text, pos)
            if found is None:
                return n
            i = found.start()
            char = text[i]
            if char == "{":
                pos = self.argument(i, depth, in_plural)
            elif char == "}":
                if depth > 0:
                    return i
                raise _Invalid("unmatched '}'", i)
            else:
                pos = self._apostrophe(i, in_plural)

    def _apostrophe(self, i: int, in_plural: bool) -> int:
        text = self.text
        following = text[i + 1 : i + 2]
        if following == "'":
            return i + 2
        if following in ("{", "}", "|") or (in_plural and following == "#"):
            j = i + 1
            while True:
                k = text.find("'", j)
                if k < 0:
                    return self.n
                if text[k + 1 : k + 2] == "'":
                    j = k + 2
                    continue
                return k + 1
        return i + 1

    def argument(self, start: int, depth: int, in_plural: bool) -> int:
        """Parse `{...}` starting at `start`; return the index after its closing `}`."""
        if depth >= MAX_DEPTH:
            raise _Invalid("nested too deeply", start)
        head = _HEAD.match(self.text, start)
        assert head is not None  # every group is optional
        name, closed, comma, kind, after = head.groups()
        if name is None:
            raise self._missing("argument name expected", head.end(), start)
        self.count += 1
        if self.count > MAX_ARGUMENTS:
            raise _Invalid(f"more than {MAX_ARGUMENTS} arguments", start)
        if closed:
            self.arguments.add("{" + name + "}")
            return head.end()
        if not comma:
            raise self._missing(f"',' or '}}' expected after argument name '{name}'", head.end(), start)
        if kind is None:
            raise self._missing(f"argument type expected after '{name},'", head.end(), start)
        if kind not in ARGUMENT_TYPES:
            raise _Invalid(f"unknown argument type '{kind}'", head.start(4))
        self.arguments.add("{" + name + "," + kind + "}")
        if after is None:
            raise self._missing(f"',' or '}}' expected after '{kind}'", head.end(), start)
        if kind in ("plural", "select", "selectordinal"):
            if after != ",":
                raise _Invalid(f"',' and options expected after '{kind}'", head.end() - 1)
            return self._options(name, kind, head.end(), start, depth, in_plural or kind != "select")
        if after == "}":
            return head.end()
        return self._style(head.end(), start)

    def _missing(self, message: str, at: int, start: int) -> _Invalid:
        """The error for a construct cut short: at the end of the text, the `{` is unclosed."""
        return _Invalid("unclosed '{'", start) if at >= self.n else _Invalid(message, at)

    def _style(self, pos: int, start: int) -> int:
        """Skip an argument style (`integer`, `::currency/EUR`, …) up to its closing `}`."""
        text, level = self.text, 0
        while True:
            found = _SPECIAL.search(text, pos)
            if found is None:
                raise _Invalid("unclosed '{'", start)
            i, char = found.start(), found.group()
            if char == "'":
                pos = self._apostrophe(i, False)
            elif char == "{":
                level += 1
                pos = i + 1
            elif level == 0:
                return i + 1
            else:
                level -= 1
                pos = i + 1

    def _options(self, name: str, kind: str, pos: int, start: int, depth: int, in_plural: bool) -> int:
        text, n = self.text, self.n
        if kind != "select":
            offset = _OFFSET.match(text, pos)
            if offset is not None:
                pos = offset.end()
        selectors: list[str] = []
        match_option = _OPTION.match
        while True:
            option = match_option(text, pos)
            if option is None:
                raise self._missing(f"selector expected in '{kind}'", _SPACE.match(text, pos).end(), start)  # type: ignore[union-attr]
            selector, opened = option.groups()
            if selector is None:
                break
            if kind != "select" and selector not in PLURAL_KEYWORDS and selector[0] != "=":
                raise _Invalid(f"unknown plural category '{selector}'", option.start(1))
            if selector in selectors:
                raise _Invalid(f"duplicate selector '{selector}'", option.start(1))
            if opened is None:
                raise self._missing(f"'{{' expected after selector '{selector}'", option.end(), start)
            selectors.append(selector)
            end = self.message(option.end(), depth + 1, in_plural)
            if end >= n:
                raise _Invalid("unclosed '{'", option.end() - 1)
            pos = end + 1
        if not selectors:
            raise _Invalid(f"'{kind}' without options", start)
        if "other" not in selectors:
            raise _Invalid(f"'{kind}' without 'other'", start)
        self.blocks.append(Block(name, kind, tuple(selectors)))
        return option.end()


def _parse(text: str) -> IcuMessage:
    parser = _Parser(text)
    try:
        parser.message(0, 0, False)
    except _Invalid as invalid:
        return IcuMessage(frozenset(parser.arguments), tuple(parser.blocks), f"{invalid.message} at {invalid.at}")
    return IcuMessage(frozenset(parser.arguments), tuple(parser.blocks), None)


_parse_cached = lru_cache(maxsize=8192)(_parse)


def parse(text: str) -> IcuMessage:
    """Parse `text` as ICU MessageFormat; never raises, linear in the length of `text`."""
    if "{" not in text and "}" not in text:
        return IcuMessage(frozenset(), (), None)
    return _parse_cached(text) if len(text) <= _CACHE_MAX_TEXT else _parse(text)
