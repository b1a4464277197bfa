"""Masking placeholders and markup before a text goes to a machine translator.

Each placeholder (per the key's dialect, `checks/dialects.spans`) and each HTML/XML tag is
replaced by an opaque numbered token the model has no reason to translate; the reply is
unmasked by putting the originals back. A reply that loses, invents or repeats a token is not
repaired here: unmasked, it fails the `placeholders`/`tags` checks, and the AI service retries
once, then fails the item (nothing failing an error-level check is saved).

Tokens: `⟦n⟧` for language models (brackets no language uses, kept verbatim by the models we
tried); `<x id="n"/>` for DeepL, which keeps XML tags when asked to (`tag_handling="xml"`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from entri.checks.dialects import spans

_TAG = re.compile(r"</?+[A-Za-z][\w:.-]*+(?:\s(?:\"[^\"<>]*+\"|'[^'<>]*+'|[^<>\"'])*+)?+/?+>")
LLM_TOKEN = "⟦{}⟧"
XML_TOKEN = '<x id="{}"/>'
_LLM_BACK = re.compile(r"⟦(\d{1,4})⟧")
_XML_BACK = re.compile(r'<x\s+id="(\d{1,4})"\s*/>')


@dataclass(frozen=True, slots=True)
class Masked:
    text: str
    originals: tuple[str, ...]
    """What token n stands for: `originals[n - 1]`."""


def mask(text: str, dialect: str, *, token: str = LLM_TOKEN) -> Masked:
    """`text` with its placeholders and tags replaced by numbered tokens (1-based)."""
    found = sorted({*spans(dialect, text), *(m.span() for m in _TAG.finditer(text))})
    pieces: list[str] = []
    originals: list[str] = []
    at = 0
    for start, end in found:
        if start < at:  # a placeholder inside a tag attribute: the tag covers it
            continue
        pieces.append(text[at:start])
        originals.append(text[start:end])
        pieces.append(token.format(len(originals)))
        at = end
    pieces.append(text[at:])
    return Masked("".join(pieces), tuple(originals))


def leftover(text: str, *, token: str = LLM_TOKEN) -> list[str]:
    """Mask tokens still in an unmasked text: numbers the source did not have (a model invented
    them). Such a value is refused (guard.py) even where no quality check would notice."""
    pattern = _XML_BACK if token == XML_TOKEN else _LLM_BACK
    return [found[0] for found in pattern.finditer(text)]


def unmask(text: str, masked: Masked, *, token: str = LLM_TOKEN) -> str:
    """Put the originals back; a token number the source did not have is left as it is
    (`leftover` finds it)."""
    pattern = _XML_BACK if token == XML_TOKEN else _LLM_BACK

    def back(found: re.Match[str]) -> str:
        n = int(found[1])
        return masked.originals[n - 1] if 1 <= n <= len(masked.originals) else found[0]

    return pattern.sub(back, text)
