"""CLDR plural categories per language, from babel (never derived from gettext nplurals)."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

from entri.formats.catalog import PLURAL_CATEGORIES


@lru_cache(maxsize=512)
def cldr_categories(language: str) -> tuple[str, ...]:
    """The language's CLDR categories in canonical order, `other` always last.

    An unknown language gets `("one", "other")`, the most common shape, rather than an error:
    a file may legitimately use a code CLDR does not know.
    """
    try:
        rule = Locale.parse(language.replace("-", "_")).plural_form
    except (UnknownLocaleError, ValueError, TypeError):
        return ("one", "other")
    tags = set(rule.tags) | {"other"}
    return tuple(c for c in PLURAL_CATEGORIES if c in tags)


@lru_cache(maxsize=512)
def cldr_category_for(language: str, n: int) -> str:
    """The category CLDR picks for the integer `n` in `language`."""
    try:
        rule = Locale.parse(language.replace("-", "_")).plural_form
    except (UnknownLocaleError, ValueError, TypeError):
        return "one" if n == 1 else "other"
    return str(rule(n))
