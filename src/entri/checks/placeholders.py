"""Placeholder parity: a translation keeps exactly the placeholders of its source.

Named and numbered placeholders (`{name}`, `%1$s`, `%(name)s`, `:name`) may be reordered or
repeated; un-numbered printf conversions (`%s %d`) are filled left to right, so they must keep
their types and order. An un-numbered source may be numbered in the translation (`%s %s` ↔
`%2$s %1$s`), as iOS, Android and gettext allow.

A plural form passes when it matches the source form of its category or the source `other`
form (English "One file" has no `%d`, Russian `one` covers 21 and needs it). Forms `zero`, `one`
and `two` may drop one placeholder when it is the count (a numeric
conversion like `%d`, a name containing "count", or the source's only placeholder): "One file"
translates "%d files" (Android and Weblate practice). Nothing else may be dropped.
"""

from __future__ import annotations

from collections import Counter

from entri.checks.base import Context, Severity, Subject
from entri.checks.dialects import Placeholders, extract, raw
from entri.checks.forms import SMALL_CATEGORIES, pairs
from entri.checks.registry import register
from entri.checks.text import quote


@register(
    "placeholders", Severity.ERROR, "Placeholders differ from the source (missing, extra or renamed)", needs_source=True
)
def placeholders(subject: Subject, context: Context) -> list[str]:
    found: list[str] = []
    dialect = subject.dialect
    fullest = None
    if subject.plurals is not None and subject.source_plurals:
        fullest = subject.source_plurals.get("other")
    for category, source, target in pairs(subject):
        if source is None or source == target:
            continue
        quick = raw(dialect, source)
        if quick is not None and quick == raw(dialect, target):
            continue
        expected = extract(dialect, source)
        actual = extract(dialect, target)
        if expected == actual:
            continue
        problem = compare(expected, actual, category)
        # English "One file" has no %d; Russian `one` (1, 21, 31…) needs it: `other` is the model.
        if problem is None or (
            fullest is not None and fullest != source and compare(extract(dialect, fullest), actual, category) is None
        ):
            continue
        if dialect == "java" and "'" in target and "missing" in problem:
            problem += " (in Java MessageFormat a single ' starts quoted text: write '' for an apostrophe)"
        where = f"form '{category}': " if category else ""
        found.append(f"{where}{problem} in {quote(target)}")
    return found


def _numbered(found: Placeholders) -> frozenset[str]:
    """All placeholders with un-numbered printf ones numbered by position (`%s %d` → `%1$s %2$d`)."""
    numbered = {f"%{i}${token[1:]}" for i, token in enumerate(found.ordered, 1) if token[0] == "%"}
    return found.named | numbered


def _positional(found: Placeholders) -> bool:
    return any(token[0] == "%" and "$" in token for token in found.named)


def _is_count(token: str, source: Placeholders) -> bool:
    if len(source.named) + len(source.ordered) == 1:
        return True
    return (token[0] == "%" and token[-1] in "diu") or "count" in token.lower()


def compare(expected: Placeholders, actual: Placeholders, category: str | None = None) -> str | None:
    """What differs between the source's and the translation's placeholders (None: nothing)."""
    if bool(expected.ordered) != bool(actual.ordered) and _positional(actual if expected.ordered else expected):
        # One side numbers its printf conversions, the other does not: compare by position.
        missing_named = sorted(_numbered(expected) - _numbered(actual))
        extra_named = sorted(_numbered(actual) - _numbered(expected))
        missing_ordered: list[str] = []
        extra_ordered: list[str] = []
    else:
        missing_named = sorted(expected.named - actual.named)
        extra_named = sorted(actual.named - expected.named)
        missing_ordered = list((Counter(expected.ordered) - Counter(actual.ordered)).elements())
        extra_ordered = list((Counter(actual.ordered) - Counter(expected.ordered)).elements())
        if not (missing_named or extra_named or missing_ordered or extra_ordered):
            if expected.ordered == actual.ordered:
                return None
            return (
                f"placeholders {' '.join(actual.ordered)} are not in the source's order "
                f"{' '.join(expected.ordered)} (number them, like %1$s, to reorder)"
            )
    missing = missing_ordered + missing_named
    extra = extra_ordered + extra_named
    if not (missing or extra):
        return None
    if category in SMALL_CATEGORIES and not extra and len(missing) == 1 and _is_count(missing[0], expected):
        return None
    parts = []
    if missing:
        parts.append("missing placeholder" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if extra:
        parts.append("unexpected placeholder" + ("s " if len(extra) > 1 else " ") + ", ".join(extra))
    return "; ".join(parts)
