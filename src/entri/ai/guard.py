"""Translate (key, language) pairs with a provider, and keep only what passes the checks.

For each language: mask the source texts, send them in chunks of `CHUNK` strings, unmask the
replies and run them through the same quality checks the write path runs (`translations/
quality.py`). A string the reply left out, repeated or answered with a value failing an
error-level check is sent again on its own, once; if it still fails, its outcome is `failed`
with the reason. The caller saves only `translated` outcomes, so nothing failing an
error-level check is ever saved by AI (docs/ai.md).

Chunks run in parallel, each provider call holding one of the organization's slots
(concurrency.py); the `Controls` of a run stop it from starting calls once its token budget is
spent or it is cancelled (those strings come back `not_sent`), and hand each chunk's final
outcomes to the caller as soon as they are known (a job records them at once).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from entri.ai import config
from entri.ai.errors import PermanentError, ProviderError, RateLimited, TransientError
from entri.ai.masking import Masked, leftover, mask, unmask
from entri.ai.providers import Provider
from entri.ai.run import Budget, Controls, Outcome, Run, Source
from entri.ai.types import Item, Reply, Request, Translated, Usage
from entri.checks.base import Severity
from entri.checks.dialects import infer_dialect
from entri.checks.icu import plural_rules
from entri.core.vocabularies import PLURAL_CATEGORIES
from entri.translations import quality

CHUNK = 20
"""Strings per provider request (Weblate batches 20; Tolgee 5)."""
TRANSIENT_TRIES = 3
RATE_LIMIT_TRIES = 3
NOT_SENT_BUDGET = "not sent: the maxTokens budget was reached"
NOT_SENT_CANCELLED = "not sent: the run was cancelled"
__all__ = ["CHUNK", "Budget", "Controls", "Outcome", "Run", "Source", "requests_for", "translate"]


class _Stop(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
    controls: Controls | None = None,
) -> Run:
    """Translate `sources` (any languages); one outcome per source, in order."""
    run = _Shared(Run(), controls or Controls())
    chunks = [
        (context, chunk)
        for context in _contexts(
            provider,
            model,
            policy,
            source_language,
            sources,
            project_description,
            instructions,
            neighbours,
            alternatives,
        )
        for chunk in context.chunks
    ]
    results: dict[tuple[str, str], Outcome] = {}
    parallel = min(run.controls.limiter.parallel if run.controls.limiter else 1, len(chunks))
    if parallel <= 1:
        for context, chunk in chunks:
            results.update(context.work(chunk, run))
    else:
        with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="entri-ai") as pool:
            futures = [pool.submit(context.work, chunk, run) for context, chunk in chunks]
            try:
                for future in futures:
                    results.update(future.result())
            except BaseException:
                run.abort.set()  # a recording failed (e.g. the job was taken over): start nothing more
                raise
    run.run.outcomes = [results[(s.key_id, s.language)] for s in sources]
    return run.run


def requests_for(
    provider: Provider,
    *,
    model: str,
    policy: quality.Policy,
    sources: Sequence[Source],
    source_language: str,
    project_description: str | None = None,
    instructions: str | None = None,
    neighbours: tuple[dict[str, str], ...] = (),
) -> list[Request]:
    """The requests `translate` would send first (no retries), for a dry run's estimate."""
    contexts = _contexts(
        provider, model, policy, source_language, sources, project_description, instructions, neighbours, 0
    )
    return [context.request(chunk)[0] for context in contexts for chunk in context.chunks]


@dataclass(slots=True)
class _Shared:
    """What the threads of one run share."""

    run: Run
    controls: Controls
    lock: threading.Lock = field(default_factory=threading.Lock)
    abort: threading.Event = field(default_factory=threading.Event)

    def stop_reason(self) -> str | None:
        budget, cancelled = self.controls.budget, self.controls.cancelled
        if budget is not None and budget.spent:
            return "budget"
        if self.abort.is_set() or (cancelled is not None and cancelled()):
            return "cancelled"
        return None

    def stopping(self) -> bool:
        return self.stop_reason() is not None


def _contexts(
    provider: Provider,
    model: str,
    policy: quality.Policy,
    source_language: str,
    sources: Sequence[Source],
    project_description: str | None,
    instructions: str | None,
    neighbours: tuple[dict[str, str], ...],
    alternatives: int,
) -> list[_Context]:
    by_language: dict[str, list[Source]] = {}
    for source in sources:
        by_language.setdefault(source.language, []).append(source)
    return [
        _Context(
            provider,
            model,
            policy,
            source_language,
            language,
            project_description,
            instructions,
            neighbours,
            alternatives,
            [group[start : start + CHUNK] for start in range(0, len(group), CHUNK)],
        )
        for language, group in by_language.items()
    ]


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
    chunks: list[list[Source]]

    def work(self, chunk: Sequence[Source], shared: _Shared) -> dict[tuple[str, str], Outcome]:
        """One chunk to its final outcomes: one request, then each string that came back wrong
        once more alone (when the provider may answer differently)."""
        used = Usage()
        final: dict[tuple[str, str], Outcome] = {}
        retry: list[Source] = []
        found, usage = self.attempt(chunk, shared)
        used = used + usage
        for source, outcome in found:
            again = (
                outcome.state == "failed"
                and outcome.error is None
                and not outcome.declined
                and self.provider.retry_alone
            )
            final[(source.key_id, self.language)] = outcome
            if again:
                retry.append(source)
        for source in retry:  # once more, alone: a model does better with one string
            if shared.stopping():
                break  # keep the first answer's reason: the string was sent and failed
            [(_, outcome)], usage = self.attempt([source], shared)
            used = used + usage
            if outcome.state != "not_sent":
                final[(source.key_id, self.language)] = outcome
        outcomes = list(final.values())
        if shared.controls.on_chunk is not None:
            shared.controls.on_chunk(outcomes, used)
        return final

    def request(self, chunk: Sequence[Source]) -> tuple[Request, dict[str, Masked]]:
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
        return request, masks

    def attempt(self, chunk: Sequence[Source], shared: _Shared) -> tuple[list[tuple[Source, Outcome]], Usage]:
        """One provider request for `chunk` (with its own retries on rate limits and timeouts)."""
        request, masks = self.request(chunk)
        try:
            reply = self._call(request, shared)
        except _Stop as stop:
            with shared.lock:
                shared.run.stopped = shared.run.stopped or stop.reason
            reason = NOT_SENT_BUDGET if stop.reason == "budget" else NOT_SENT_CANCELLED
            return [(s, Outcome(s.key_id, self.language, "not_sent", reason=reason)) for s in chunk], Usage()
        except ProviderError as exc:
            outcomes = [(s, Outcome(s.key_id, self.language, "failed", reason=exc.reason, error=exc)) for s in chunk]
            return outcomes, Usage()
        share = Usage(reply.usage.input_tokens // len(chunk), reply.usage.output_tokens // len(chunk))
        found = [(s, self._outcome(s, reply, str(n), masks[str(n)])) for n, s in enumerate(chunk, 1)]
        for _, outcome in found:
            outcome.usage = share
        return found, reply.usage

    def _call(self, request: Request, shared: _Shared) -> Reply:
        transient = rate_limited = 0
        controls = shared.controls
        while True:
            stop = shared.stop_reason()
            if stop is not None:
                raise _Stop(stop)
            try:
                reply = self._send(request, shared)
            except RateLimited as exc:
                rate_limited += 1
                default = config.default_retry_after_seconds() * rate_limited
                wait = exc.retry_after if exc.retry_after is not None else default
                if rate_limited >= RATE_LIMIT_TRIES or wait > config.retry_after_max_seconds():
                    raise
                controls.sleep(wait)
            except TransientError:
                transient += 1
                if transient >= TRANSIENT_TRIES:
                    raise
                controls.sleep(config.backoff_seconds() * 2 ** (transient - 1))
            except PermanentError:
                raise
            else:
                if controls.budget is not None:
                    controls.budget.add(reply.usage.total)
                with shared.lock:
                    shared.run.usage = shared.run.usage + reply.usage
                return reply

    def _send(self, request: Request, shared: _Shared) -> Reply:
        limiter = shared.controls.limiter
        with shared.lock:
            shared.run.calls += 1
        if limiter is None:
            return self.provider.translate(request)
        with limiter.slot(shared.stopping) as held:
            stop = shared.stop_reason()  # again: the budget may have been spent while this call waited
            if not held or stop is not None:
                raise _Stop(stop or "cancelled")
            return self.provider.translate(request)

    def _outcome(self, source: Source, reply: Reply, item_id: str, masked: Masked) -> Outcome:
        declined = reply.declined.get(item_id)
        if declined is not None:
            return Outcome(source.key_id, self.language, "failed", reason=declined, declined=True)
        problem = reply.problems.get(item_id)
        translated = reply.texts.get(item_id)
        if translated is None:
            return Outcome(source.key_id, self.language, "failed", reason=problem or "the reply left this string out")
        value, forms = self._unmasked(translated, masked)
        if source.forms is not None and forms is None:
            return Outcome(source.key_id, self.language, "failed", reason="the reply gave one text for a plural key")
        if not (value or forms):
            return Outcome(source.key_id, self.language, "failed", reason="the reply was empty")
        invented = [
            t for text in [value or "", *(forms or {}).values()] for t in leftover(text, token=self.provider.token)
        ]
        if invented:
            reason = f"placeholders: the reply holds tokens the source does not have ({', '.join(invented[:5])})"
            return Outcome(source.key_id, self.language, "failed", reason=reason)
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
