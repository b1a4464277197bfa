"""What goes to a provider and what comes back: plain data, the same for every provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Item:
    """One string to translate. `text` is masked (masking.py). A plural key sends its source
    forms in `forms` and wants `categories` back (the target language's CLDR categories)."""

    id: str
    text: str
    key: str
    description: str | None = None
    context: str | None = None
    max_length: int | None = None
    forms: dict[str, str] | None = None
    categories: tuple[str, ...] | None = None
    glossary: tuple[dict[str, Any], ...] = ()
    """Terms occurring in the text: {term, translation?, doNotTranslate, forbidden}."""
    memory: tuple[dict[str, Any], ...] = ()
    """Up to 5 TM matches: {source, target, similarity}."""


@dataclass(frozen=True, slots=True)
class Request:
    source_language: str
    target_language: str
    model: str
    items: tuple[Item, ...]
    project_description: str | None = None
    instructions: str | None = None
    """Tone/style instructions of the organization or project."""
    neighbours: tuple[dict[str, str], ...] = ()
    """Up to 20 keys of the same namespace: {key, source, target?}."""
    alternatives: int = 0
    """How many alternative translations to ask for per item (single translate: 2)."""


@dataclass(frozen=True, slots=True)
class Translated:
    text: str | None
    forms: dict[str, str] | None = None
    confidence: int | None = None
    alternatives: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens)

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(slots=True)
class Reply:
    """Per item id, what the provider returned; `problems` names ids it dropped, repeated or
    invented (those items are retried singly); `declined` names ids the provider has nothing
    for, with why (the memory provider's "no TM match"): final, never retried."""

    model: str
    texts: dict[str, Translated] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    declined: dict[str, str] = field(default_factory=dict)
