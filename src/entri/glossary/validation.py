"""What a term and a glossary's languages must be, checked by the service for every writer
(API, CSV and TBX imports) so each gets the same 400 with the same messages."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from entri.core.languages import InvalidLanguage, normalize_language
from entri.core.text import storable
from entri.glossary import rules
from entri.glossary.matcher import has_words


class TermRow(Protocol):
    term: str
    description: str | None
    part_of_speech: str | None
    case_sensitive: bool
    do_not_translate: bool
    forbidden: bool
    translations: dict[str, Any]


@dataclass(frozen=True)
class TermInput:
    """A term as a writer sends it (before validation) or as `term_problems` returns it."""

    term: str
    description: str | None = None
    part_of_speech: str | None = None
    case_sensitive: bool = False
    do_not_translate: bool = False
    forbidden: bool = False
    translations: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, row: TermRow, targets: Sequence[str]) -> TermInput:
        """A stored term, with the translations its glossary currently shows."""
        return cls(
            row.term,
            row.description,
            row.part_of_speech,
            row.case_sensitive,
            row.do_not_translate,
            row.forbidden,
            {k: v for k, v in (row.translations or {}).items() if k in targets},
        )

    def replace(self, **changes: Any) -> TermInput:
        return dataclasses.replace(self, **changes)

    def columns(self, keep: Mapping[str, Any] | None = None, targets: Sequence[str] = ()) -> dict[str, Any]:
        """The row's columns. Translations stored for languages the glossary no longer shows
        (`keep` minus `targets`) stay stored: adding the language back restores them."""
        hidden = {k: v for k, v in (keep or {}).items() if k not in targets}
        return {
            "term": self.term,
            "description": self.description,
            "part_of_speech": self.part_of_speech,
            "case_sensitive": self.case_sensitive,
            "do_not_translate": self.do_not_translate,
            "forbidden": self.forbidden,
            "translations": {**hidden, **self.translations},
        }


def glossary_languages(source: str, targets: Sequence[str]) -> list[str]:
    problems: list[str] = []
    if source in targets:
        problems.append(f"targetLanguages must not contain the source language '{source}'")
    duplicates = sorted({t for t in targets if list(targets).count(t) > 1})
    if duplicates:
        problems.append(f"targetLanguages lists {', '.join(duplicates)} more than once")
    return problems


def _text(name: str, value: str | None, limit: int, problems: list[str]) -> str | None:
    if value is None:
        return None
    if len(value) > limit:
        problems.append(f"{name} is longer than {limit} characters")
    if not storable(value):
        problems.append(f"{name} contains a NUL character or an unpaired surrogate")
    return value


def term_problems(source: str, targets: Sequence[str], item: TermInput) -> tuple[TermInput, list[str]]:
    """`item` normalized (texts stripped, empty optional texts as None, language codes in
    canonical form) and what is wrong with it (empty when it can be stored)."""
    problems: list[str] = []
    term = _text("term", item.term.strip(), rules.MAX_TERM, problems) or ""
    if not term:
        problems.append("term should not be empty")
    elif not has_words(term):
        problems.append(f"term '{term}' has no letter or digit: a glossary term needs a word to be found by")
    description = _text("description", (item.description or "").strip() or None, rules.MAX_DESCRIPTION, problems)
    part = _text("partOfSpeech", (item.part_of_speech or "").strip() or None, rules.MAX_PART_OF_SPEECH, problems)
    if item.do_not_translate and item.forbidden:
        problems.append(f"term '{term}' cannot be both doNotTranslate and forbidden")
    translations: dict[str, str] = {}
    for raw, value in item.translations.items():
        try:
            language = normalize_language(raw)
        except InvalidLanguage as exc:
            problems.append(f"translations: {exc}")
            continue
        where = f"translations.{language}"
        if language in translations:
            problems.append(f"{where} is given twice")
        elif language == source:
            problems.append(f"{where}: '{language}' is the glossary's source language; the term itself is its text")
        elif language not in targets:
            shown = ", ".join(targets) or "none"
            problems.append(f"{where}: '{language}' is not a target language of this glossary (targets: {shown})")
        text = _text(where, value.strip(), rules.MAX_TERM, problems) or ""
        if not text:
            problems.append(f"{where} should not be empty (send null to remove a translation)")
        elif not has_words(text):
            problems.append(f"{where} '{text}' has no letter or digit")
        translations[language] = text
    return TermInput(
        term, description, part, item.case_sensitive, item.do_not_translate, item.forbidden, translations
    ), problems
