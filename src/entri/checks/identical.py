"""Unchanged translations: a value equal to its source is usually a forgotten one.

Skipped when equality is expected:
- the key is do-not-translate;
- the whole text is listed in the project's `settings.checks.identical` (brand names, codes);
  the match is case-sensitive and on the whole text;
- the target language is a variant of the source language (en-GB from en, pt-BR from pt-PT);
- the text is identical by nature: no letter once placeholders and tags are removed (numbers,
  punctuation, `%s`, `{count}`), a single URL or e-mail address, or a single all-caps word of
  two to five characters (`OK`, `API`, `HTTP`, `MP3`): acronyms stay acronyms. An all-caps
  button label like `SAVE` is therefore not flagged (an accepted trade-off).
A plural key is reported once, when every filled form equals its source form.
"""

from __future__ import annotations

import re

from entri.checks.base import SAME_AS_SOURCE, Context, Severity, Subject
from entri.checks.forms import pairs
from entri.checks.markup import links
from entri.checks.registry import register
from entri.checks.spacing import base_language
from entri.checks.text import quote

_NOT_WORDS = re.compile(
    r"\{[^{}]*+\}|<[^<>]*+>|%(?:\([^()]*+\)|\{[^{}]*+\}|<\w*+>|#@\w*+@)?+[-+0#$\d.*']*+(?:hh|h|ll|l|q|z|j|t)?+"
    r"[a-zA-Z@]|(?<![\w:]):[A-Za-z_]\w*+|\$t\([^()]*+\)|&#?\w++;"
)
_LETTER = re.compile(r"[^\W\d_]")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,4}")


def identical_by_nature(text: str) -> bool:
    """True for texts no language translates: see the module docstring."""
    if _LETTER.search(text) is None:
        return True
    stripped = text.strip()
    if _ACRONYM.fullmatch(stripped):
        return True
    if _LETTER.search(_NOT_WORDS.sub("", text)) is None:
        return True
    return (" " not in stripped) and links(stripped) == {stripped}


@register(
    "unchanged",
    Severity.WARNING,
    "The translation is identical to the source",
    needs_source=True,
    triggers=[SAME_AS_SOURCE],
)
def unchanged(subject: Subject, context: Context) -> list[str]:
    compared = pairs(subject)
    if not compared:
        return []
    for _category, source, target in compared:
        if source != target:
            return []  # the common case, first: any differing form means "translated"
    if subject.do_not_translate or base_language(subject.language) == base_language(subject.source_language):
        return []
    for _category, _source, target in compared:
        if target in context.identical or identical_by_nature(target):
            return []
    return [f"identical to the source: {quote(compared[0][2])}"]
