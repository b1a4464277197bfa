"""ICU MessageFormat syntax and plural categories (CLDR rules via babel).

Plural rule (docs/checks.md, "Plural categories"): a plural key, or an ICU plural/selectordinal
block, has `other` and every category the language needs for some number below one million;
it has no category the language does not have. A category CLDR uses only for one million and up
or for compact/exponent numbers (the `many` of fr, es, it, pt, ca) is optional: neither required
nor refused. Explicit ICU selectors (`=0`, `=1`) are always allowed. iOS stringsdict may carry a
`zero` form in any language (Apple uses it for 0 whatever the language's rules). An unknown
language requires only `other` and refuses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from babel import Locale, UnknownLocaleError

from entri.checks import icu_parser
from entri.checks.base import Context, Severity, Subject
from entri.checks.dialects import uses_icu
from entri.checks.forms import pairs
from entri.checks.registry import register
from entri.checks.text import quote

_SAMPLES: tuple[int | Decimal, ...] = (
    *range(1000),
    *(Decimal(d) for d in ("0.0", "0.1", "0.5", "1.0", "1.5", "2.0", "2.5", "3.5", "5.5", "10.0", "21.5", "100.5")),
)
"""Numbers an ordinary UI shows: a category none of them selects is optional."""


class PluralRules(NamedTuple):
    required: frozenset[str]
    allowed: frozenset[str]


_ANY = PluralRules(frozenset({"other"}), icu_parser.PLURAL_KEYWORDS)


@lru_cache(maxsize=512)
def plural_rules(language: str, ordinal: bool = False) -> PluralRules:
    """The categories `language` needs and allows (cardinal, or ordinal for selectordinal)."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return _ANY
    rule = locale.ordinal_form if ordinal else locale.plural_form
    tags = frozenset(rule.tags) | {"other"}
    reached = {rule(number) for number in _SAMPLES}
    return PluralRules(frozenset(tags & reached) | {"other"}, tags)


_last: tuple[Subject | None, list[tuple[str | None, str]]] = (None, [])


def _icu_texts(subject: Subject) -> list[tuple[str | None, str]]:
    """The forms of the subject to parse as ICU (per the dialect), with their category.

    Both checks here ask for the same subject in a row: memoized like `forms.pairs`.
    """
    global _last
    last = _last
    if last[0] is subject:
        return last[1]
    found = _find_icu_texts(subject)
    _last = (subject, found)
    return found


def _find_icu_texts(subject: Subject) -> list[tuple[str | None, str]]:
    dialect = subject.dialect
    found: list[tuple[str | None, str]] = []
    if dialect not in ("icu", "auto"):
        return found
    for category, _source, target in pairs(subject):
        if "{" not in target and "}" not in target:
            continue
        if dialect == "icu" or uses_icu(target):
            found.append((category, target))
    return found


@register("icu_syntax", Severity.ERROR, "Not valid ICU MessageFormat", applies_to_source=True, triggers=["{", "}"])
def icu_syntax(subject: Subject, context: Context) -> list[str]:
    found = []
    for category, text in _icu_texts(subject):
        error = icu_parser.parse(text).error
        if error is not None:
            where = f"form '{category}': " if category else ""
            found.append(f"{where}ICU syntax: {error} in {quote(text)}")
    return found


def _differences(present: Iterable[str], rules: PluralRules, language: str, ios: bool = False) -> list[str]:
    present = {category for category in present if not category.startswith("=")}
    missing = sorted(rules.required - present)
    extra = sorted(present - rules.allowed - ({"zero"} if ios else set()))
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)} (needed in {language})")
    if extra:
        problems.append(f"{', '.join(extra)} not used in {language}")
    return problems


@register(
    "plural_categories",
    Severity.ERROR,
    "Plural forms missing for the language, or forms it does not have",
    applies_to_source=True,
    triggers=["{", "}"],
)
def plural_categories(subject: Subject, context: Context) -> list[str]:
    language = subject.language
    found = []
    if subject.plurals is not None and any(subject.plurals.values()):
        for problem in _differences(subject.plurals, plural_rules(language), language, subject.dialect == "ios"):
            found.append(f"plural forms: {problem}")
    for _category, text in _icu_texts(subject):
        for block in icu_parser.parse(text).blocks:
            if block.kind == "select":
                continue
            ordinal = block.kind == "selectordinal"
            # A missing `other` is a syntax error, reported by `icu_syntax`.
            selectors = {*block.selectors, "other"}
            for problem in _differences(selectors, plural_rules(language, ordinal), language):
                found.append(f"{{{block.argument}, {block.kind}}}: {problem} in {quote(text)}")
    return found
