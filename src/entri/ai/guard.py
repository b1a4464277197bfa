"""Translate (key, language) pairs with a provider, and keep only what passes the checks.

For each language: mask the source texts, send them in chunks of `CHUNK` strings, unmask the
replies and run them through the same quality checks the write path runs (`translations/
quality.py`). A string the reply left out, repeated or answered with a value failing an
error-level check is sent again on its own, once; if it still fails, its outcome is `failed`
with the reason. The caller saves only `translated` outcomes, so nothing failing an
error-level check is ever saved by AI (docs/ai.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from entri.ai.errors import PermanentError, ProviderError, RateLimited, TransientError
from entri.ai.masking import Masked, mask, unmask
from entri.ai.providers import Provider
from entri.ai.types import Item, Reply, Request, Translated, Usage
from entri.checks.base import Failure, Severity
from entri.checks.dialects import infer_dialect
from entri.checks.icu import plural_rules
from entri.core.vocabularies import PLURAL_CATEGORIES
from entri.translations import quality

CHUNK = 20
"""Strings per provider request (Weblate batches 20; Tolgee 5)."""
TRANSIENT_TRIES = 3
RATE_LIMIT_TRIES = 3
MAX_WAIT_S = 30.0
"""The longest a `Retry-After` is honoured within a request; longer, the item fails with the reason
(an async job retries later)."""


@dataclass(frozen=True, slots=True)
class Source:
    """One pair to translate, with what its prompt and checks need."""

    key_id: str
    key: str
    language: str
    value: str | None
    forms: dict[str, str] | None
    description: str | None = None
    context: str | None = None
    max_length: int | None = None
    origin_format: str | None = None
    facts: quality.Inputs | None = None
    glossary: tuple[dict[str, Any], ...] = ()
    memory: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True)
class Outcome:
    key_id: str
    language: str
    state: str
    """`translated` (passed the checks), `failed` (reason says why)."""
    value: str | None = None
    forms: dict[str, str] | None = None
    confidence: int | None = None
    alternatives: list[tuple[str, int | None]] = field(default_factory=list)
    reason: str | None = None
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    """This string's share of its request's token usage."""


@dataclass(slots=True)
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    calls: int = 0


def translate(
    provider: Provider,
    *,
    model: str,
    policy: quality.Policy,
    sources: Sequence[Source],
    source_language: str,
    project_description: str | None = None,
    instructions: str | None = None,
    neighbours: tuple[dict[str, str], ...] = (),
    alternatives: int = 0,
    sleep: Callable[[float], None] = time.sleep,
) -> Run:
    """Translate `sources` (any languages); one outcome per source, in order."""
    run = Run()
    by_language: dict[str, list[Source]] = {}
    for source in sources:
        by_language.setdefault(source.language, []).append(source)
    results: dict[tuple[str, str], Outcome] = {}
    for language, group in by_language.items():
        context = _Context(
            provider,
            model,
            policy,
            source_language,
            language,
            project_description,
            instructions,
            neighbours,
            alternatives,
            sleep,
            run,
        )
        retry: list[tuple[Source, str]] = []
        for start in range(0, len(group), CHUNK):
            chunk = group[start : start + CHUNK]
            for source, outcome in context.attempt(chunk):
                if outcome.state == "translated" or outcome.reason is None or outcome.reason.startswith("!"):
                    results[(source.key_id, language)] = outcome
                else:
                    retry.append((source, outcome.reason))
        for source, _first in retry:  # once more, alone: a model does better with one string
            [(_, outcome)] = context.attempt([source])
            results[(source.key_id, language)] = outcome
    for outcome in results.values():
        if outcome.reason is not None:
            outcome.reason = outcome.reason.lstrip("!")
    run.outcomes = [results[(s.key_id, s.language)] for s in sources]
    return run


@dataclass(slots=True)
class _Context:
    provider: Provider
    model: str
    policy: quality.Policy
    source_language: str
    language: str
    project_description: str | None
    instructions: str | None
    neighbours: tuple[dict[str, str], ...]
    alternatives: int
    sleep: Callable[[float], None]
    run: Run

    def attempt(self, chunk: Sequence[Source]) -> list[tuple[Source, Outcome]]:
        """One provider request for `chunk`. A reason starting with "!" is final (no retry)."""
        masks: dict[str, Masked] = {}
        items: list[Item] = []
        for n, source in enumerate(chunk, 1):
            dialect = self.policy.dialect or infer_dialect(source.origin_format)
            masked = mask(source.value or "", dialect, token=self.provider.token)
            masks[str(n)] = masked
            forms = None
            categories = None
            if source.forms is not None:
                forms = {c: mask(t, dialect, token=self.provider.token).text for c, t in source.forms.items()}
                categories = tuple(c for c in PLURAL_CATEGORIES if c in plural_rules(self.language).required)
            items.append(
                Item(
                    id=str(n),
                    text=masked.text,
                    key=source.key,
                    description=source.description,
                    context=source.context,
                    max_length=source.max_length,
                    forms=forms,
                    categories=categories,
                    glossary=source.glossary,
                    memory=source.memory,
                )
            )
        request = Request(
            source_language=self.source_language,
            target_language=self.language,
            model=self.model,
            items=tuple(items),
            project_description=self.project_description,
            instructions=self.instructions,
            neighbours=self.neighbours,
            alternatives=self.alternatives,
        )
        try:
            reply = self._call(request)
        except ProviderError as exc:
            return [(s, Outcome(s.key_id, self.language, "failed", reason="!" + exc.reason)) for s in chunk]
        share = Usage(reply.usage.input_tokens // len(chunk), reply.usage.output_tokens // len(chunk))
        found = [(s, self._outcome(s, reply, str(n), masks[str(n)])) for n, s in enumerate(chunk, 1)]
        for _, outcome in found:
            outcome.usage = share
        return found

    def _call(self, request: Request) -> Reply:
        transient = rate_limited = 0
        while True:
            try:
                self.run.calls += 1
                reply = self.provider.translate(request)
                self.run.usage = self.run.usage + reply.usage
                return reply
            except RateLimited as exc:
                rate_limited += 1
                wait = exc.retry_after if exc.retry_after is not None else 2.0 * rate_limited
                if rate_limited >= RATE_LIMIT_TRIES or wait > MAX_WAIT_S:
                    raise
                self.sleep(wait)
            except TransientError:
                transient += 1
                if transient >= TRANSIENT_TRIES:
                    raise
                self.sleep(0.5 * 2**transient)
            except PermanentError:
                raise

    def _outcome(self, source: Source, reply: Reply, item_id: str, masked: Masked) -> Outcome:
        problem = reply.problems.get(item_id)
        translated = reply.texts.get(item_id)
        if translated is None:
            return Outcome(source.key_id, self.language, "failed", reason=problem or "the reply left this string out")
        value, forms = self._unmasked(translated, masked)
        if source.forms is not None and forms is None:
            return Outcome(source.key_id, self.language, "failed", reason="the reply gave one text for a plural key")
        if not (value or forms):
            return Outcome(source.key_id, self.language, "failed", reason="the reply was empty")
        failures = self.policy.failures(
            language=self.language,
            value=value,
            plurals=forms,
            facts=source.facts,
            source=(source.value, source.forms),
        )
        errors = [f for f in failures if f.severity is Severity.ERROR]
        if errors:
            reason = "; ".join(f"{f.id}: {f.message}" for f in errors)
            return Outcome(
                source.key_id, self.language, "failed", value=value, forms=forms, reason=reason, failures=failures
            )
        alternatives = [(unmask(text, masked, token=self.provider.token), c) for text, c in translated.alternatives]
        return Outcome(
            source.key_id,
            self.language,
            "translated",
            value=value,
            forms=forms,
            confidence=translated.confidence,
            alternatives=alternatives,
            failures=failures,
        )

    def _unmasked(self, translated: Translated, masked: Masked) -> tuple[str | None, dict[str, str] | None]:
        token = self.provider.token
        forms = None
        if translated.forms is not None:
            forms = {c: unmask(t, masked, token=token) for c, t in translated.forms.items()}
            return forms.get("other", next(iter(forms.values()))), forms
        return (unmask(translated.text, masked, token=token) if translated.text is not None else None), None
