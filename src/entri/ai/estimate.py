"""`dryRun: true`: how many pairs a batch would send and roughly how many tokens, without
calling the provider (docs/ai.md, "Budget and dry run").

The prompts are built exactly as the run would build them (masking, chunks of 20, glossary,
neighbours, TM matches) and measured at 4 characters per token, the usual rule of thumb for
English-like text with OpenAI's and Anthropic's tokenizers:

- input: the system and user prompt of every first request;
- output: the JSON answer the model is asked for, one entry per string (`{"id", "text" |
  "forms", "confidence"}` with the source text as a stand-in for its translation);
- DeepL: characters of the texts sent / 4 (how its usage is counted, providers.py);
- memory: 0 (no tokens).

Retries (a string sent again alone, rate limits) are not in the estimate. TM lookups cost ~5 ms
a string, so for a large job only the first `SAMPLE` strings are looked up; the rest are
counted with the sample's average TM context per string.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from entri.ai import guard, prompt, service
from entri.ai.masking import LLM_TOKEN, XML_TOKEN
from entri.ai.memory_provider import NAME as MEMORY
from entri.ai.types import Item, Request
from entri.keys.models import Key
from entri.projects.models import Project

CHARS_PER_TOKEN = 4
SAMPLE = 200
DEEPL = "deepl"


def dry_run(
    session: Session, *, project: Project, pairs: Sequence[tuple[Key, str]], model: str | None, overwrite: bool
) -> dict[str, Any]:
    """`{dryRun, items, skipped, estimatedTokens, model}`: `items` pairs would be sent, `skipped`
    would not (already translated, no source text)."""
    work = service.plan(session, project=project, pairs=pairs, model=model, overwrite=overwrite, memory_limit=SAMPLE)
    return {
        "dryRun": True,
        "items": len(work.sources),
        "skipped": len(work.skipped),
        "estimatedTokens": estimate(work),
        "model": work.model.id,
    }


def estimate(work: service.Plan) -> int:
    if not work.sources or work.model.provider == MEMORY:
        return 0
    provider = _Shape(XML_TOKEN if work.model.provider == DEEPL else LLM_TOKEN)
    requests = guard.requests_for(
        provider,
        model=work.model.id,
        policy=work.policy,
        sources=work.sources,
        source_language=work.project.source_language,
        project_description=work.project.description,
        instructions=service.instructions_for(work.project, work.tone),
        neighbours=work.neighbours,
    )
    if work.model.provider == DEEPL:
        chars = sum(len(text) for r in requests for i in r.items for text in _texts(i))
        return _tokens(chars)
    chars = sum(len(prompt.system_prompt(r)) + len(prompt.user_prompt(r)) + _answer_chars(r) for r in requests)
    return _tokens(chars + _unsampled_memory_chars(work.sources))


def _tokens(chars: int) -> int:
    return -(-chars // CHARS_PER_TOKEN)


class _Shape:
    """Masks like the provider would, without building an SDK client."""

    name = "estimate"
    retry_alone = True

    def __init__(self, token: str) -> None:
        self.token = token

    def translate(self, request: Request) -> Any:  # pragma: no cover - never called
        raise NotImplementedError


def _texts(item: Item) -> list[str]:
    if item.forms is None:
        return [item.text]
    return [item.forms.get(c) or item.forms.get("other") or item.text for c in item.categories or ("other",)]


def _answer_chars(request: Request) -> int:
    entries: list[dict[str, Any]] = []
    for item in request.items:
        if item.forms is None:
            entries.append({"id": item.id, "text": item.text, "confidence": 90})
        else:
            forms = dict(zip(item.categories or ("other",), _texts(item), strict=True))
            entries.append({"id": item.id, "forms": forms, "confidence": 90})
    return len(json.dumps({"translations": entries}, ensure_ascii=False))


def _unsampled_memory_chars(sources: Sequence[guard.Source]) -> int:
    """The sample's average TM context per string, for the strings beyond the sample."""
    eligible = [s for s in sources if s.forms is None and s.value]
    sampled, rest = eligible[:SAMPLE], eligible[SAMPLE:]
    if not sampled or not rest:
        return 0
    per_source = sum(len(json.dumps(list(s.memory), ensure_ascii=False)) for s in sampled if s.memory) / len(sampled)
    return round(per_source * len(rest))
