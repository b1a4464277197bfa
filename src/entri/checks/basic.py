"""Checks that need no parsing: length limit and empty plural forms."""

from __future__ import annotations

from collections.abc import Iterator

from entri.checks.base import MAX_LENGTH_SET, PLURALS_ONLY, Context, Severity, Subject
from entri.checks.registry import register
from entri.checks.text import quote


def _texts(subject: Subject) -> list[tuple[str | None, str]]:
    """(category or None, text) for every form of the subject's value."""
    if subject.plurals is not None:
        return list(subject.plurals.items())
    return [] if subject.value is None else [(None, subject.value)]


@register(
    "max_length",
    Severity.ERROR,
    "Longer than the key's maximum length",
    applies_to_source=True,
    triggers=[MAX_LENGTH_SET],
)
def max_length(subject: Subject, context: Context) -> Iterator[str]:
    limit = subject.max_length
    if limit is None:
        return
    for category, text in _texts(subject):
        if text is not None and len(text) > limit:
            where = f" (form '{category}')" if category else ""
            yield f"{len(text)} characters{where}, more than the key's maximum of {limit}: {quote(text)}"


@register("empty_plural", Severity.ERROR, "A plural form is empty while others are filled", triggers=[PLURALS_ONLY])
def empty_plural(subject: Subject, context: Context) -> Iterator[str]:
    plurals = subject.plurals
    if not plurals or not any(plurals.values()):
        return
    for category, text in plurals.items():
        if not text:
            yield f"plural form '{category}' is empty"
