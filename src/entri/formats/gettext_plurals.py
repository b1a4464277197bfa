"""gettext `Plural-Forms` evaluation and the per-file gettext-index <-> CLDR-category mapping.

The header comes from an uploaded file, so it is parsed by a tiny recursive-descent parser for
the C ternary grammar gettext accepts (never `eval`, never `gettext.c2py`, which is undocumented)
with a length cap and a nesting cap. The mapping follows docs/formats/gettext.md: indexes are matched to
CLDR categories by evaluating both rules over the same integers, because gettext index order
differs between files (babel's Arabic puts `other` at 4, GNOME's `ar.po` at 5) and gettext
`nplurals` never tells which CLDR categories exist.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from babel.messages.plurals import get_plural

from entri.formats.catalog import PLURAL_CATEGORIES, FormatError
from entri.formats.plurals import cldr_category_for

log = logging.getLogger(__name__)

MAX_EXPRESSION_LENGTH = 1024
MAX_DEPTH = 40
MAX_NPLURALS = 16
SAMPLES: tuple[int, ...] = (*range(1001), 1_000_000)

Expr = Callable[[int], int]

_TOKEN = re.compile(r"\s*(?:(\d{1,10})|(n)|(\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()]))")
_BINARY: tuple[tuple[str, ...], ...] = (
    ("||",),
    ("&&",),
    ("==", "!="),
    ("<", ">", "<=", ">="),
    ("+", "-"),
    ("*", "/", "%"),
)


def _apply(op: str, a: int, b: int) -> int:
    if op in ("/", "%"):
        if b == 0:
            raise FormatError("Plural-Forms expression divides by zero")
        return a // b if op == "/" else a % b
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "==":
        return int(a == b)
    if op == "!=":
        return int(a != b)
    if op == "<":
        return int(a < b)
    if op == ">":
        return int(a > b)
    if op == "<=":
        return int(a <= b)
    return int(a >= b)  # ">="


class _Parser:
    """Recursive descent over pre-split tokens; builds closures so evaluation is cheap."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        pos = 0
        text = text.strip().rstrip(";").strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise FormatError(f"Plural-Forms: unexpected character {text[pos]!r} at {pos + 1}")
            self.tokens.append(match.group(match.lastindex or 0))
            pos = match.end()
        self.pos = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise FormatError(f"Plural-Forms: expected {expected or 'a value'}, got {token or 'end'}")
        self.pos += 1
        return token

    def parse(self) -> Expr:
        if not self.tokens:
            raise FormatError("Plural-Forms: empty plural expression")
        expr = self.ternary()
        if self.peek() is not None:
            raise FormatError(f"Plural-Forms: unexpected {self.peek()!r}")
        return expr

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormatError("Plural-Forms expression is nested too deeply")

    def ternary(self) -> Expr:
        self._enter()
        cond = self.binary(0)
        if self.peek() == "?":
            self.take("?")
            yes = self.ternary()
            self.take(":")
            no = self.ternary()
            self.depth -= 1
            return lambda n: yes(n) if cond(n) else no(n)
        self.depth -= 1
        return cond

    def binary(self, level: int) -> Expr:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in _BINARY[level]:
            op = self.take()
            right = self.binary(level + 1)
            left = _combine(op, left, right)
        return left

    def unary(self) -> Expr:
        token = self.take()
        if token == "!":
            self._enter()
            inner = self.unary()
            self.depth -= 1
            return lambda n: int(not inner(n))
        if token == "(":
            inner = self.ternary()
            self.take(")")
            return inner
        if token == "n":
            return lambda n: n
        if token.isdigit():
            value = int(token)
            return lambda n: value
        raise FormatError(f"Plural-Forms: unexpected {token!r}")


def _combine(op: str, left: Expr, right: Expr) -> Expr:
    if op == "||":
        return lambda n: int(bool(left(n)) or bool(right(n)))
    if op == "&&":
        return lambda n: int(bool(left(n)) and bool(right(n)))
    return lambda n: _apply(op, left(n), right(n))


def compile_expression(expression: str) -> Expr:
    """Compile a C plural expression; any unsafe or malformed input is a `FormatError`."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise FormatError("Plural-Forms expression is too long")
    return _Parser(expression).parse()


_HEADER = re.compile(r"^\s*nplurals\s*=\s*(\d{1,3})\s*;\s*plural\s*=\s*(.*?)\s*;?\s*$", re.DOTALL)


@dataclass(frozen=True)
class PluralForms:
    nplurals: int
    expression: str
    index_to_category: tuple[str, ...]
    """CLDR category stored for each gettext index (length `nplurals`)."""
    warnings: tuple[str, ...] = ()

    def category_to_index(self) -> dict[str, int]:
        """First index of each category: the form a CLDR category is exported into."""
        out: dict[str, int] = {}
        for index, category in enumerate(self.index_to_category):
            out.setdefault(category, index)
        return out


def is_template(header: str) -> bool:
    """POT placeholder `nplurals=INTEGER; plural=EXPRESSION;`: means "no rule yet"."""
    return "INTEGER" in header or "EXPRESSION" in header


@lru_cache(maxsize=256)
def plural_forms(header: str, language: str) -> PluralForms:
    """Parse a `Plural-Forms` value and map each index to a CLDR category of `language`.

    Rules (docs/formats/gettext.md): an index reached by no integer is `other` (Transifex ru/pl
    `nplurals=4`); an index covering several categories is `other` if `other` is among them
    (fr index 1 = other + many), else its most frequent category. Two indexes claiming the same
    category is a malformed header: the first index keeps the category, later ones' texts are
    kept aside by index (see `forms_to_plurals`) and a warning is recorded.
    """
    if len(header) > MAX_EXPRESSION_LENGTH + 40:
        raise FormatError("Plural-Forms header is too long")
    match = _HEADER.match(header)
    if match is None:
        raise FormatError(f"Malformed Plural-Forms header: {header[:80]!r}")
    nplurals = int(match.group(1))
    if not 1 <= nplurals <= MAX_NPLURALS:
        raise FormatError(f"Plural-Forms: nplurals={nplurals} is out of range 1..{MAX_NPLURALS}")
    expr = compile_expression(match.group(2))
    hits: list[Counter[str]] = [Counter() for _ in range(nplurals)]
    for n in SAMPLES:
        index = expr(n)
        if 0 <= index < nplurals:
            hits[index][cldr_category_for(language, n)] += 1
    categories: list[str] = []
    warnings: list[str] = []
    for index, counter in enumerate(hits):
        if not counter or "other" in counter:
            category = "other"
        else:
            category = max(counter, key=lambda c: (counter[c], -PLURAL_CATEGORIES.index(c)))
        if category in categories:
            warnings.append(f"Plural-Forms index {index} maps to '{category}' like an earlier index")
        categories.append(category)
    return PluralForms(nplurals, match.group(2), tuple(categories), tuple(warnings))


def language_plural_forms(language: str) -> str:
    """The `Plural-Forms` header babel (CLDR-derived gettext tables) gives for a language."""
    try:
        rule = get_plural(language.replace("-", "_"))
    except (ValueError, TypeError, LookupError):
        return "nplurals=2; plural=(n != 1);"
    return f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"


def unexportable_forms(plurals: dict[str, str], forms: PluralForms) -> list[str]:
    """CLDR categories of an entry that no gettext index can carry (fr `many`, ru `other`).

    Exposed so the export service can turn the loss into a user-visible warning.
    """
    mapped = set(forms.index_to_category)
    return [c for c in plurals if c not in mapped]


def forms_to_plurals(forms: list[str], mapping: PluralForms) -> tuple[dict[str, str], dict[int, str]]:
    """Split `msgstr[i]` into CLDR forms and the forms no category could take (kept aside)."""
    out: dict[str, str] = {}
    leftover: dict[int, str] = {}
    for index, text in enumerate(forms):
        if index < mapping.nplurals:
            category = mapping.index_to_category[index]
            if category not in out:
                out[category] = text
                continue
        leftover[index] = text
    ordered = {c: out[c] for c in PLURAL_CATEGORIES if c in out}
    return ordered, leftover


def forms_texts(plurals: dict[str, str] | None, mapping: PluralForms) -> list[str]:
    """`msgstr[0..nplurals-1]` for CLDR forms, silently: a missing category gives ""."""
    plurals = plurals or {}
    return [plurals.get(category, "") for category in mapping.index_to_category]


def plurals_to_forms(plurals: dict[str, str] | None, mapping: PluralForms, where: str) -> list[str]:
    """`forms_texts`, logging the forms no gettext index can carry (they are not exported)."""
    lost = unexportable_forms(plurals or {}, mapping)
    if lost:
        log.warning("%s: plural forms %s have no gettext index and are not exported", where, lost)
    return forms_texts(plurals, mapping)
