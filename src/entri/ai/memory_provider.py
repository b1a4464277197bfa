"""The offline default provider, `memory`: fills only from the translation memory and the
glossary, and says so (docs/ai.md, "The memory provider").

It answers from what the prompt already carries (service.plan looks both up for every string),
so it touches no database and no network and costs no tokens:

- a source that is exactly a glossary term (ignoring case and surrounding spaces) with an
  approved translation into the target language gets that translation (confidence 100); a
  do-not-translate term stays as written; a forbidden term is never offered;
- otherwise the best TM match (similarity >= 70, human-approved entries first at equal
  similarity) gives the value, confidence = its similarity; the next matches are the
  alternatives;
- anything else is declined with "no TM match": the key stays untranslated and its item is
  reported failed with that reason, never dropped silently. Plural keys are declined too (the
  memory holds single texts).

Its values go through the same guard as a model's (unmasking, the quality checks, the glossary
check) and the same save path (source `ai`, receipt model `memory`).
"""

from __future__ import annotations

from entri.ai.masking import LLM_TOKEN
from entri.ai.types import Item, Reply, Request, Translated, Usage

NAME = "memory"
MODEL = "memory"
NO_MATCH = "no TM match"
NO_PLURALS = "no TM match (the translation memory holds single texts, not plural forms)"


class MemoryProvider:
    name = NAME
    token = LLM_TOKEN
    retry_alone = False
    """The same question gets the same answer: sending a string again alone is pointless."""

    def __init__(self, credentials: object = None) -> None:
        """Takes (and ignores) credentials like the other providers: it needs none."""

    def translate(self, request: Request) -> Reply:
        reply = Reply(model=MODEL, usage=Usage())
        for item in request.items:
            if item.forms is not None:
                reply.declined[item.id] = NO_PLURALS
                continue
            found = _from_glossary(item) or _from_memory(item, request.alternatives)
            if found is None:
                reply.declined[item.id] = NO_MATCH
            else:
                reply.texts[item.id] = found
        return reply


def _from_glossary(item: Item) -> Translated | None:
    text = item.text.strip()
    if not text:
        return None
    lead = item.text[: len(item.text) - len(item.text.lstrip())]
    trail = item.text[len(item.text.rstrip()) :]
    for term in item.glossary:
        if term.get("forbidden") or str(term.get("term", "")).casefold() != text.casefold():
            continue
        if term.get("doNotTranslate"):
            return Translated(item.text, confidence=100)
        translation = term.get("translation")
        if translation:
            return Translated(f"{lead}{translation}{trail}", confidence=100)
    return None


def _from_memory(item: Item, alternatives: int) -> Translated | None:
    matches = [m for m in item.memory if isinstance(m.get("target"), str) and m["target"]]
    if not matches:
        return None
    best, rest = matches[0], matches[1 : 1 + alternatives]
    return Translated(
        str(best["target"]),
        confidence=_similarity(best),
        alternatives=tuple((str(m["target"]), _similarity(m)) for m in rest if m["target"] != best["target"]),
    )


def _similarity(match: dict[str, object]) -> int | None:
    value = match.get("similarity")
    return value if isinstance(value, int) and not isinstance(value, bool) else None
