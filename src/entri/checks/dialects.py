"""Placeholder dialects: which substrings of a text are placeholders, as normalized tokens.

Each dialect has one extraction function; all regexes are compiled at import, use possessive
quantifiers (no backtracking) and are linear in the text length. A text holding none of a
dialect's trigger characters (`%`, `{`, `$`, `:`) costs one `in` test.

Tokens come in two kinds (`Placeholders`):
- `named`: named or numbered placeholders (`{name}`, `%1$s`, `%(name)s`, `:name`); the
  translation may reorder or repeat them, so they compare as sets;
- `ordered`: un-numbered printf conversions (`%s`, `%d`) and Python's auto-numbered `{}`, which
  are filled left to right; they compare as sequences (same types, same order).

`auto` is for keys of unknown origin (JSON, XLIFF, CSV, keys created through the API): the
common dialects together, minus what ordinary prose produces by accident (no printf space flag,
so "50 % de" is no placeholder; no Laravel `:name`, so "Note:this" is none). See docs/checks.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from entri.checks import icu_parser


class Placeholders(NamedTuple):
    named: frozenset[str]
    ordered: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.named or self.ordered)

    def all(self) -> list[str]:
        """Every token, ordered ones first, for messages and counting."""
        return [*self.ordered, *sorted(self.named)]


NONE = Placeholders(frozenset(), ())

DIALECTS = ("auto", "printf", "python", "icu", "ios", "android", "ruby", "i18next", "laravel", "java")

_FORMAT_DIALECTS = {
    "json-flat": "auto",
    "json-nested": "auto",
    "json-clean": "auto",
    "yaml": "ruby",
    "android-xml": "android",
    "ios-strings": "ios",
    "ios-stringsdict": "ios",
    "xliff": "auto",
    "xliff2": "auto",
    "arb": "icu",
    "po": "python",
    "pot": "python",
    "mo": "python",
    "php-array": "laravel",
    "csv": "auto",
    "properties": "java",
}


def infer_dialect(format_id: str | None) -> str:
    """The dialect of a key that came from a file of format `format_id` (None or unknown: auto)."""
    return _FORMAT_DIALECTS.get(format_id or "", "auto")


# printf family: %[n$][flags][width][.precision][length]conversion; `%%` is a literal percent.
_NUMBERED = r"(?:\d++\$)?"
_WIDTH = r"(?:\d++|\*)?+(?:\.(?:\d++|\*)?+)?+"
_C_LENGTH = r"(?:hh|h|ll|l|L|q|j|z|t)?+"
_C_PRINTF = rf"%(?:%|{_NUMBERED}[-+0#']*+{_WIDTH}{_C_LENGTH}[diouxXeEfFgGcsp])"
_IOS_PRINTF = rf"%(?:%|#@\w++@|{_NUMBERED}[-+0#']*+{_WIDTH}{_C_LENGTH}[@diouxXDUOeEfFgGaAcCsSp])"
_JAVA_PRINTF = rf"%(?:[%n]|{_NUMBERED}[-+0#,(]*+{_WIDTH}(?:[tT][a-zA-Z]|[bBhHsScCdoxXeEfgGaA]))"
_PY_PERCENT = rf"%(?:%|\([^()]*+\)[-+0# ]*+{_WIDTH}[diouxXeEfFgGcrsa]|{_WIDTH}[diouxXeEfFgGcrsa])"
_AUTO_PRINTF = rf"%(?:%|\(\w++\)[-+0#]*+{_WIDTH}[sdifuxX]|{_NUMBERED}[-+0#]*+{_WIDTH}(?:ll|l|h|z)?+[sdifu@])"
# Python str.format: `{{`/`}}` are literal braces; a field is `{name.attr[key]!r:spec}`.
_PY_BRACE = (
    r"\{\{|\}\}|\{(?:[A-Za-z_]\w*+|\d++)?+(?:\.[A-Za-z_]\w*+|\[[^\]{}]*+\])*+"
    r"(?:![rsa])?+(?::(?:[^{}]|\{[^{}]*+\})*+)?+\}"
)
_RUBY = r"%\{\w++\}|%<\w++>[-+0# ]*+" + _WIDTH + r"[a-zA-Z]"
_I18NEXT = r"\{\{-?+[^{}]*+\}\}|\$t\([^()]*+\)"
_SIMPLE_BRACE = r"\{\s*+\w++\s*+(?:,\s*+(?:number|date|time|choice)\s*+(?:,[^{}]*+)?+)?+\}"
_JAVA_MESSAGE = r"''|'[^']*+'?+|\{\s*+\d++\s*+(?:,\s*+[a-z]++\s*+(?:,(?:[^{}']|'[^']*+'|\{[^{}]*+\})*+)?+)?+\}"

_REGEXES = {
    "printf": re.compile(_C_PRINTF),
    "ios": re.compile(_IOS_PRINTF),
    "android": re.compile(_JAVA_PRINTF),
    "python": re.compile(f"{_PY_PERCENT}|{_PY_BRACE}"),
    "ruby": re.compile(_RUBY),
    "i18next": re.compile(_I18NEXT),
    "laravel": re.compile(r"(?<![\w:]):[A-Za-z_]\w*+"),
    "java": re.compile(f"{_JAVA_MESSAGE}|{_JAVA_PRINTF}"),
    "auto": re.compile(f"{_I18NEXT}|%\\{{\\w++\\}}|{_SIMPLE_BRACE}|{_AUTO_PRINTF}"),
    "auto-icu": re.compile(f"\\$t\\([^()]*+\\)|{_AUTO_PRINTF}"),
}
_ICU_MARKER = re.compile(r"\{\s*+\w++\s*+,\s*+(?:plural|select|selectordinal)\s*+,")
_SPACES = re.compile(r"\s++")
_ICU_QUOTE = re.compile(r"'[{}#|]")
_CACHE_MAX_TEXT = 2000
"""Longer texts are not cached (they rarely repeat) and skip the ICU quick path (a full list of a
long text's brace heads costs more than the parse, which stops at the first error)."""
_BRACE_ARGUMENT = re.compile(r"\{\s*+(\w++)\s*+(?:,\s*+(\w++))?+")
_LITERALS = frozenset({"%%", "{{", "}}", "%n"})
_TRIGGERS = {
    "printf": "%",
    "ios": "%",
    "android": "%",
    "python": "%{",
    "ruby": "%",
    "i18next": "{$",
    "laravel": ":",
    "java": "{%",
    "icu": "{",
    "auto": "%{$",
}


def uses_icu(text: str) -> bool:
    """True when `text` clearly uses ICU plural/select syntax (how `auto` recognises ICU)."""
    return "{" in text and _ICU_MARKER.search(text) is not None


def _argument(found: re.Match[str]) -> str:
    """`{name}` or `{name,type}`: the shape the ICU parser gives, whatever the spacing or style."""
    return "{" + found[1] + "}" if found[2] is None else "{" + found[1] + "," + found[2] + "}"


def _classify(tokens: list[str], dialect: str) -> Placeholders:
    """Sort raw regex matches into named and ordered placeholders, normalized."""
    named: set[str] = set()
    ordered: list[str] = []
    for token in tokens:
        first, second = token[0], token[1:2]
        if token in _LITERALS or first == "'":
            continue
        if first == "%":
            if second in "({<#" or "$" in token:
                named.add(token)
            else:
                ordered.append(token)
        elif first == ":":
            named.add(token.lower())
        elif first == "$" or second == "{":
            named.add(_SPACES.sub("", token))
        elif dialect == "python":
            if second in "}:!":
                ordered.append(token)
            else:
                named.add(token)
        else:
            argument = _BRACE_ARGUMENT.match(token)
            if argument is not None:
                named.add(_argument(argument))
    return Placeholders(frozenset(named), tuple(ordered))


def _icu(text: str) -> Placeholders:
    message = icu_parser.parse(text)
    if message.error is None:
        return Placeholders(message.arguments, ())
    # Broken ICU (reported by `icu_syntax`): still name the arguments for parity.
    return Placeholders(_brace_arguments(text), ())


def _brace_arguments(text: str) -> frozenset[str]:
    """`{name}` / `{name,type}` heads found by a regex, without parsing (deduplicated in C first,
    so a hostile text with half a million braces costs one `findall`)."""
    return frozenset(
        "{" + name + "}" if not kind else "{" + name + "," + kind + "}"
        for name, kind in set(_BRACE_ARGUMENT.findall(text))
    )


def _auto(text: str) -> Placeholders:
    if uses_icu(text):
        icu = _icu(text)
        rest = _classify(_REGEXES["auto-icu"].findall(text), "auto")
        return Placeholders(icu.named | rest.named, rest.ordered)
    return _classify(_REGEXES["auto"].findall(text), "auto")


def _extractor(dialect: str) -> Callable[[str], Placeholders]:
    if dialect == "icu":
        return _icu
    if dialect == "auto":
        return _auto
    pattern = _REGEXES[dialect]
    return lambda text: _classify(pattern.findall(text.replace("%%", "") if "%%" in text else text), dialect)


_EXTRACTORS = {dialect: _extractor(dialect) for dialect in DIALECTS}


@lru_cache(maxsize=16384)
def _extract_cached(dialect: str, text: str) -> Placeholders:
    return _EXTRACTORS[dialect](text)


def raw(dialect: str, text: str) -> list[str] | None:
    """The placeholder-like substrings of `text`, unnormalized, in order; None for ICU text.

    The fast path of parity: when the source's and the translation's lists are equal, their
    placeholders are too, with no normalizing, sorting or parsing (the common case).
    """
    triggers = _TRIGGERS.get(dialect)
    if triggers is None:
        dialect, triggers = "auto", _TRIGGERS["auto"]
    for char in triggers:
        if char in text:
            break
    else:
        return []
    if dialect == "icu":
        # Argument heads without parsing (a parse costs ~15 regex steps); quoting could hide a
        # brace from this regex, so quoted text takes the parser's path.
        if len(text) > _CACHE_MAX_TEXT or _ICU_QUOTE.search(text) is not None:
            return None
        return sorted(_brace_arguments(text))
    if dialect == "auto" and uses_icu(text):
        return None
    if "%%" in text:
        text = text.replace("%%", "")  # a literal percent; same left-to-right pairing as printf
    return _REGEXES[dialect].findall(text)


def extract(dialect: str, text: str) -> Placeholders:
    """The placeholders of `text` in `dialect` (unknown dialect ids count as `auto`).

    Never raises; linear in the length of `text`; cached for short texts, because the same
    source text is compared with every language's translation.
    """
    triggers = _TRIGGERS.get(dialect)
    if triggers is None:
        dialect, triggers = "auto", _TRIGGERS["auto"]
    for char in triggers:
        if char in text:
            break
    else:
        return NONE
    if len(text) > _CACHE_MAX_TEXT:
        return _EXTRACTORS[dialect](text)
    return _extract_cached(dialect, text)


def spans(dialect: str, text: str) -> list[tuple[int, int]]:
    """Where the placeholders of `text` are, as (start, end) offsets in order, for masking them
    before machine translation (entri.ai.masking). Literals (`%%`, `{{`, `}}`, Java quotes) are
    not placeholders. An ICU plural/select message yields none: its structure holds text to
    translate, so it is sent whole and its reply checked (docs/ai.md)."""
    if dialect not in _REGEXES or dialect == "icu":
        dialect = "icu" if dialect == "icu" else "auto"
    if dialect == "icu" or uses_icu(text):
        if _ICU_MARKER.search(text) is not None or _ICU_QUOTE.search(text) is not None:
            return []
        return [m.span() for m in _SIMPLE_ARGUMENT.finditer(text)]
    found: list[tuple[int, int]] = []
    for match in _REGEXES[dialect].finditer(text):
        token = match.group()
        if token in _LITERALS or token[0] == "'":
            continue
        found.append(match.span())
    return found


_SIMPLE_ARGUMENT = re.compile(r"\{\s*+\w++\s*+(?:,\s*+(?:number|date|time)\s*+(?:,[^{}]*+)?+)?+\}")
