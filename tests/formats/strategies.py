"""Hypothesis strategies for catalogs, shared by every codec's round-trip property test.

Each codec narrows them to what its format can express (e.g. no plurals in json-flat, no
control characters in XML) by passing options, never by writing its own generator.
"""

from __future__ import annotations

from hypothesis import strategies as st

from entri.formats.catalog import Catalog, Entry
from entri.formats.plurals import cldr_categories

# Printable text incl. non-ASCII, quotes, backslashes, placeholders' punctuation; no surrogates.
_TEXT_ALPHABET = st.characters(
    blacklist_categories=("Cs", "Cc", "Co", "Cn"),
    whitelist_characters="\n\t",
)
_KEY_ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"))


def texts(*, min_size: int = 0, max_size: int = 40, newlines: bool = True) -> st.SearchStrategy[str]:
    alphabet = _TEXT_ALPHABET if newlines else st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"))
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)


def identifiers(*, max_size: int = 20, separator: str | None = None) -> st.SearchStrategy[str]:
    """Key names: identifier-like, optionally dot-joined segments (`a.b.c`)."""
    segment = st.text(alphabet=_KEY_ALPHABET, min_size=1, max_size=max_size).filter(lambda s: s[0].isalpha())
    if separator is None:
        return segment
    return st.lists(segment, min_size=1, max_size=3).map(separator.join)


@st.composite
def catalogs(
    draw: st.DrawFn,
    *,
    languages: tuple[str, ...] = ("en", "fr", "ru", "ar", "ja", "pl"),
    keys: st.SearchStrategy[str] | None = None,
    values: st.SearchStrategy[str] | None = None,
    plurals: bool = False,
    contexts: bool = False,
    descriptions: bool = False,
    sources: bool = False,
    max_entries: int = 8,
) -> Catalog:
    """A catalog with unique keys; plural entries use exactly the language's CLDR categories."""
    language = draw(st.sampled_from(languages))
    key_strategy = keys if keys is not None else identifiers(separator=".")
    value_strategy = values if values is not None else texts()
    names = draw(st.lists(key_strategy, min_size=0, max_size=max_entries, unique=True))
    entries: list[Entry] = []
    for name in names:
        entry = Entry(key=name)
        if plurals and draw(st.booleans()):
            entry.plurals = {c: draw(value_strategy) for c in cldr_categories(language)}
        else:
            entry.value = draw(value_strategy)
        if contexts and draw(st.booleans()):
            entry.context = draw(texts(min_size=1, max_size=10, newlines=False))
        if descriptions and draw(st.booleans()):
            entry.description = draw(texts(min_size=1, max_size=30, newlines=False))
        if sources:
            entry.source = draw(value_strategy)
        entries.append(entry)
    return Catalog(language=language, entries=entries, source_language="en" if sources else None)
