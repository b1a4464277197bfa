"""Which source text each form of a translation is compared with.

A non-plural translation is compared with the source value. Each plural form is compared with
the source form of the same CLDR category, else with the source's `other` form (Russian `few`
and `many` have no English counterpart: English `other` is their model), else with the source
value. Empty forms are skipped here (`empty_plural` reports them).

Every check of a subject asks for the same pairs, so the last subject's pairs are memoized
(one entry, keyed by identity while holding a reference, so a recycled id cannot match).
"""

from __future__ import annotations

from entri.checks.base import Subject

Pair = tuple[str | None, str | None, str]
"""(category, source, target): the plural category of the form (None for a non-plural value),
the source text to compare with (None: no source text, parity checks pass), the translated text.
A plain tuple, not a NamedTuple: built for every stored value, and read by unpacking."""


SMALL_CATEGORIES = frozenset({"zero", "one", "two"})
"""Plural forms that may name their number in words ("One file") instead of a placeholder."""

_last: tuple[Subject | None, tuple[Pair, ...]] = (None, ())


def pairs(subject: Subject) -> tuple[Pair, ...]:
    """The (category, source text, translated text) triples to check, empty forms left out."""
    global _last
    last = _last
    if last[0] is subject:
        return last[1]
    result = _pairs(subject)
    _last = (subject, result)
    return result


def _pairs(subject: Subject) -> tuple[Pair, ...]:
    plurals = subject.plurals
    source_value = None if subject.is_source else subject.source_value or None  # "" is no source
    if plurals is None:
        value = subject.value
        return () if not value else ((None, source_value, value),)
    source_plurals = None if subject.is_source else subject.source_plurals
    fallback = source_value
    if source_plurals:
        fallback = source_plurals.get("other") or source_value
    found: list[Pair] = []
    for category, text in plurals.items():
        if not text:
            continue
        source = source_plurals.get(category) if source_plurals else None
        found.append((category, source or fallback, text))
    return tuple(found)
