"""How a segment is compared: placeholders masked, whitespace collapsed, hashed for identity.

Placeholders are found with one generic pattern (the common dialects together: `{name}`,
`{{name}}`, `%{name}`, `%(name)s`, printf `%s`/`%1$d`/`%@`, `{0}`), not the project's dialect:
the memory is shared by every project of an organization, whatever their file formats. A masked
placeholder becomes `{}`, so `Hello {name}` and `Hello %s` compare equal (tier 99), and the
target's placeholders are renamed to the query's on the way out (`substitute`).
"""

from __future__ import annotations

import hashlib
import re

MASK = "{}"
_PLACEHOLDER = re.compile(
    r"\{\{-?+\s*+[\w.]++\s*+\}\}"  # i18next / mustache {{name}}
    r"|%\{\w++\}"  # ruby %{name}
    r"|%\(\w++\)[-+0# ]*+\d*+(?:\.\d++)?+[sdifuxXr]"  # python %(name)s
    r"|%(?:\d++\$)?+[-+0#]*+\d*+(?:\.\d++)?+(?:ll|l|h|z)?+[sdifuxX@]"  # printf %s %1$d %@
    r"|\{\s*+\w*+\s*+(?:,\s*+(?:number|date|time)\s*+(?:,[^{}]*+)?+)?+\}"  # {name} {0} {} {n, number}
)
_SPACES = re.compile(r"\s++")


def placeholders(text: str) -> list[str]:
    """The placeholders of `text`, in order of appearance."""
    if "{" not in text and "%" not in text:
        return []
    return _PLACEHOLDER.findall(text)


def normalized(text: str) -> str:
    """The form segments are matched on: placeholders masked, runs of whitespace one space."""
    masked = _PLACEHOLDER.sub(MASK, text) if ("{" in text or "%" in text) else text
    return _SPACES.sub(" ", masked).strip()


def text_hash(text: str) -> str:
    """Identity of a text in unique indexes (texts may be 100,000 characters: too long for a
    PostgreSQL btree entry)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def substitute(target: str, entry_source: str, query: str) -> str:
    """`target` with the entry's placeholders renamed to the query's, by position in the source.

    `Hello {user}` → `Bonjour {user}` looked up as `Hello {name}` gives `Bonjour {name}`. A
    placeholder the entry uses twice with different query counterparts is ambiguous: the target
    is returned unchanged (the match still shows, at 99, for a human to adapt).
    """
    theirs, ours = placeholders(entry_source), placeholders(query)
    if theirs == ours or len(theirs) != len(ours):
        return target
    mapping: dict[str, str] = {}
    for old, new in zip(theirs, ours, strict=True):
        if mapping.setdefault(old, new) != new:
            return target
    return _PLACEHOLDER.sub(lambda m: mapping.get(m[0], m[0]), target)
