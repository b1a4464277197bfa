"""Markup parity: the same HTML/XML tags as the source, well nested; URLs and e-mail addresses
kept as they are.

A tag is `<name …>`, `</name>` or `<name …/>` with the name right after `<`, so prose like
`a < b` or `x<5` is no tag, and ICU or placeholder braces are plain text here. Tags compare by
name and count only (attributes are translated text, e.g. `title`, `alt`): `<br>`, `<br/>` and
`<br />` count as one start tag `<br>`. Nesting is checked in the translation only when the
source is itself well nested (a source fragment with an unclosed `<p>` is not the translator's
fault). HTML void elements (`br`, `img`, …) need no closing tag.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from entri.checks.base import Context, Severity, Subject
from entri.checks.forms import pairs
from entri.checks.registry import register
from entri.checks.text import quote

_TAG = re.compile(r"<(/?+)([A-Za-z][\w:.-]*+)(?:\s(?:\"[^\"<>]*+\"|'[^'<>]*+'|[^<>\"'])*+)?+/?+>")
_TAG_PARTS = re.compile(r"<(/?+[A-Za-z][\w:.-]*+)(?:\s(?:\"[^\"<>]*+\"|'[^'<>]*+'|[^<>\"'])*+)?+(/?+)>")
"""The same tags as `_TAG`, as (slash and name, self-closing slash): equal lists, equal markup."""
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'{}|\\^`]++|\bmailto:[^\s<>\"'{}]++")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)++")
_URL_TRAILING = ".,;:!?)]}\u2019\u201d\u00bb'\""
_CACHE_MAX_TEXT = 2000


class Tags:
    """The tags of a text: start/end counts by name, and the first nesting problem if any."""

    __slots__ = ("counts", "nesting")

    def __init__(self, text: str) -> None:
        counts: Counter[str] = Counter()
        stack: list[str] = []
        nesting: str | None = None
        for found in _TAG.finditer(text):
            closing, name = found[1], found[2].lower()
            if closing:
                counts["</" + name + ">"] += 1
                if nesting is None:
                    if not stack:
                        nesting = f"</{name}> closes nothing"
                    elif stack[-1] != name:
                        nesting = f"</{name}> closes <{stack[-1]}>"
                    else:
                        stack.pop()
            else:
                counts["<" + name + ">"] += 1
                if not found.group().endswith("/>") and name not in _VOID:
                    stack.append(name)
        if nesting is None and stack:
            nesting = f"<{stack[-1]}> is not closed"
        self.counts = counts
        self.nesting = nesting


@lru_cache(maxsize=8192)
def _tags_cached(text: str) -> Tags:
    return Tags(text)


def tags_of(text: str) -> Tags:
    return _tags_cached(text) if len(text) <= _CACHE_MAX_TEXT else Tags(text)


@register(
    "tags",
    Severity.ERROR,
    "HTML/XML tags differ from the source or are not well nested",
    needs_source=True,
    triggers=["<"],
)
def tags(subject: Subject, context: Context) -> list[str]:
    found = []
    for category, source, target in pairs(subject):
        if source is None or ("<" not in source and "<" not in target):
            continue
        quick = _TAG_PARTS.findall(source)
        if quick == _TAG_PARTS.findall(target):
            continue  # the same tags in the same order: same counts, same nesting as the source
        expected, actual = tags_of(source), tags_of(target)
        problems = []
        missing = expected.counts - actual.counts
        extra = actual.counts - expected.counts
        if missing:
            problems.append("missing " + ", ".join(sorted(missing.elements())))
        if extra:
            problems.append("unexpected " + ", ".join(sorted(extra.elements())))
        if actual.nesting is not None and expected.nesting is None:
            problems.append(f"not well nested: {actual.nesting}")
        if problems:
            where = f"form '{category}': " if category else ""
            found.append(f"{where}{'; '.join(problems)} in {quote(target)}")
    return found


def links(text: str) -> set[str]:
    """URLs (http, https, ftp, mailto) and e-mail addresses in `text`, sentence punctuation cut."""
    found: set[str] = set()
    if "://" in text or "mailto:" in text:
        found.update(m.group().rstrip(_URL_TRAILING) for m in _URL.finditer(text))
    if "@" in text:
        found.update(m.group().rstrip(".") for m in _EMAIL.finditer(text))
    return found


@register(
    "urls",
    Severity.WARNING,
    "A URL or e-mail address of the source is missing or changed",
    needs_source=True,
    triggers=["@", ":"],
)
def urls(subject: Subject, context: Context) -> list[str]:
    found = []
    for category, source, target in pairs(subject):
        if source is None or ("@" not in source and ":" not in source):
            continue
        expected = links(source)
        if not expected:
            continue
        missing = sorted(link for link in expected if link not in target)
        if missing:
            where = f"form '{category}': " if category else ""
            found.append(f"{where}missing {', '.join(missing)} in {quote(target)}")
    return found
