"""An organization's glossaries made ready for matching: built once per glossary revision
(`service.prepared_for` caches it), then used by the `check` route and by the `glossary`
quality check (docs/glossary.md). Pure: no database.

Matchers are built lazily, per language, the first time a language is asked for: a source
matcher per source language (the terms of the glossaries written in it) and a target matcher per
target language (approved translations, and the words forbidden in that language).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from entri.checks.text import quote
from entri.glossary.matcher import Entry, Match, Matcher, base_language, longest


@dataclass(frozen=True, slots=True)
class TermFacts:
    """What matching needs of one term (a row of `glossary_terms` with its glossary's source
    language)."""

    id: str
    glossary_id: str
    term: str
    source_language: str
    case_sensitive: bool
    do_not_translate: bool
    forbidden: bool
    translations: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Found:
    """A term found in a text: offsets into it (end exclusive)."""

    term: TermFacts
    start: int
    end: int


Role = Literal["translation", "forbidden"]


def translation_for(term: TermFacts, language: str) -> str | None:
    """The term's approved translation for `language`: an exact entry, else the base
    language's (`fr` serves `fr-CA`)."""
    found = term.translations.get(language)
    if found is None and "-" in language:
        found = term.translations.get(base_language(language))
    return found or None


class PreparedGlossary:
    """The terms of one organization, with matchers built on first use per language."""

    def __init__(self, terms: Iterable[TermFacts]) -> None:
        self.terms = tuple(terms)
        self._lock = threading.Lock()
        self._source: dict[str, Matcher[TermFacts]] = {}
        self._target: dict[str, Matcher[tuple[Role, TermFacts]]] = {}

    def _source_matcher(self, language: str) -> Matcher[TermFacts]:
        base = base_language(language)
        found = self._source.get(base)
        if found is None:
            entries = [
                Entry(t.term, t.case_sensitive, t) for t in self.terms if base_language(t.source_language) == base
            ]
            found = Matcher(entries, base)
            with self._lock:
                found = self._source.setdefault(base, found)
        return found

    def _target_matcher(self, language: str) -> Matcher[tuple[Role, TermFacts]]:
        found = self._target.get(language)
        if found is None:
            base = base_language(language)
            entries: list[Entry[tuple[Role, TermFacts]]] = []
            for t in self.terms:
                translated = translation_for(t, language)
                if t.forbidden:
                    if translated:
                        entries.append(Entry(translated, t.case_sensitive, ("forbidden", t)))
                    if base_language(t.source_language) == base:
                        entries.append(Entry(t.term, t.case_sensitive, ("forbidden", t)))
                elif translated and not t.do_not_translate:
                    entries.append(Entry(translated, t.case_sensitive, ("translation", t)))
            found = Matcher(entries, language)
            with self._lock:
                found = self._target.setdefault(language, found)
        return found

    def find(self, text: str, language: str, glossary_ids: Collection[str] | None = None) -> list[Found]:
        """The terms occurring in `text` (written in `language`), leftmost-longest, optionally
        only those of `glossary_ids`."""
        matches = self._source_matcher(language).find_all(text)
        if glossary_ids is not None:
            matches = [m for m in matches if m.payload.glossary_id in glossary_ids]
        return [Found(m.payload, m.start, m.end) for m in longest(matches)]

    def problems(self, source: str, target: str, source_language: str, target_language: str) -> list[str]:
        """What the translation `target` of `source` does against the glossary (the `glossary`
        quality check): an approved translation missing, a do-not-translate term altered, a
        forbidden term used. One message per term, naming it and the expected text."""
        found = self.find(source, source_language)
        in_target: list[Match[tuple[Role, TermFacts]]] = self._target_matcher(target_language).find_all(target)
        present = {m.payload[1].id for m in in_target if m.payload[0] == "translation"}
        messages: list[str] = []
        seen: set[str] = set()
        for hit in found:
            term = hit.term
            if term.id in seen or term.forbidden:
                continue
            seen.add(term.id)
            if term.do_not_translate:
                written = source[hit.start : hit.end]
                if written not in target and term.term not in target:
                    messages.append(
                        f"do-not-translate term {quote(term.term)} must stay as it is: {quote(written)} is missing"
                    )
                continue
            expected = translation_for(term, target_language)
            if expected is not None and term.id not in present:
                messages.append(f"term {quote(term.term)}: the approved translation {quote(expected)} is missing")
        for m in in_target:
            role, term = m.payload
            if role == "forbidden" and f"forbidden:{term.id}" not in seen:
                seen.add(f"forbidden:{term.id}")
                messages.append(
                    f"forbidden term {quote(target[m.start : m.end])} is used (glossary term {quote(term.term)})"
                )
        return _unique(messages)


def _unique(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))
