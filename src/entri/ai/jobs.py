"""The `ai.batch` job: an async AI batch (decisions 5) on the durable job workers (docs/jobs.md).

Items are `{keyId, language}`; the payload is `{model, overwrite, maxTokens?}`. For each batch
of items the worker hands over: read what the prompt needs (a read session, closed before any
provider call), then translate through the guard, chunks of 20 in parallel within the
organization's bulk slots (concurrency.py). As soon as a chunk's calls return, one short write
transaction saves what passed, marks its items done, failed (with the reason) or skipped, and
adds the provider-reported tokens to the job: a finished item is never sent to the provider
again, even if the worker dies right after.

Budget: once the job's tokens reach `maxTokens`, no call is started; the job ends `cancelled`
with reason `budget`, its unsent items still `pending` (calls in flight finish and are recorded,
so usage may pass the budget by what those calls used).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from entri.ai import guard, service
from entri.ai.errors import NotConfigured, RateLimited, TransientError
from entri.ai.types import Usage
from entri.core.errors import ApiError
from entri.jobs.context import Item, JobContext, Recorder
from entri.jobs.errors import Permanent, RetryAfter, StopJob, Transient
from entri.jobs.registry import register
from entri.keys.models import Key
from entri.organizations import service as organizations
from entri.projects.models import Project

KIND = "ai.batch"
BATCH = 200
"""Items handed to the handler at once: 10 chunks of 20, sent N - 1 at a time. Outcomes are
recorded per chunk, so a larger batch costs nothing on a crash."""
RETRY_AFTER_DEFAULT = 2.0


def translate_batch(ctx: JobContext, items: Sequence[Item]) -> None:
    if ctx.cancelled:
        return
    max_tokens = _max_tokens(ctx)
    if max_tokens is not None and ctx.tokens_used >= max_tokens:
        raise _budget_spent(max_tokens, ctx.tokens_used)
    overwrite = bool(ctx.payload.get("overwrite"))
    with ctx.database.session() as session:
        project = session.get(Project, ctx.project_id) if ctx.project_id else None
        if project is None:
            raise StopJob("project deleted", status="failed", message="The project no longer exists")
        wanted = {str(i.payload["keyId"]) for i in items}
        keys = {k.id: k for k in session.scalars(select(Key).where(Key.id.in_(wanted)))}
        pairs = [(keys[i.payload["keyId"]], str(i.payload["language"])) for i in items if i.payload["keyId"] in keys]
        try:
            work = service.plan(
                session, project=project, pairs=pairs, model=ctx.payload.get("model"), overwrite=overwrite
            )
        except ApiError as exc:  # the model or language is no longer valid: nothing can succeed
            raise Permanent(str(exc)) from None
        actor = organizations.actor_for(session, user_id=ctx.created_by, fallback="AI batch")
        session.expunge_all()
    seqs: dict[tuple[str, str], list[int]] = {}
    for item in items:
        seqs.setdefault((str(item.payload["keyId"]), str(item.payload["language"])), []).append(item.seq)
    skipped = {(k, lang): why for k, lang, why in work.skipped}
    if len(keys) < len(wanted) or skipped:
        with ctx.record() as rec:
            for item in items:
                pair = (str(item.payload["keyId"]), str(item.payload["language"]))
                if pair[0] not in keys:
                    rec.skipped(item.seq, "the key was deleted")
                elif pair in skipped:
                    rec.skipped(item.seq, skipped[pair])

    def record(outcomes: list[guard.Outcome], usage: Usage) -> None:
        with ctx.record() as rec:
            rec.add_tokens(usage.total)
            project = rec.session.get(Project, ctx.project_id)
            assert project is not None
            saved = service.save_outcomes(
                rec.session, project=project, actor=actor, work=work, outcomes=outcomes, overwrite=overwrite
            )
            written = {(c.key_id, c.language) for c in saved}
            for outcome in outcomes:
                pair = (outcome.key_id, outcome.language)
                for seq in seqs.get(pair, ()):
                    _report(ctx, rec, seq, outcome, written=pair in written, model=work.model.id)

    budget = guard.Budget(max_tokens, used=ctx.tokens_used)
    controls = guard.Controls(budget=budget, cancelled=lambda: ctx.cancelled, sleep=ctx.wait, on_chunk=record)
    try:
        run = service.execute(work, kind="bulk", controls=controls)
    except NotConfigured as exc:
        raise Permanent(exc.reason) from None
    if run.stopped == "budget" and max_tokens is not None:
        raise _budget_spent(max_tokens, budget.used)


def _report(ctx: JobContext, rec: Recorder, seq: int, outcome: guard.Outcome, *, written: bool, model: str) -> None:
    if outcome.state == "not_sent":
        return  # stays pending: the job stops (budget) or was cancelled
    if outcome.state == "translated":
        if written:
            rec.done(seq, {"tokens": outcome.usage.total, "model": model})
        else:
            rec.skipped(seq, "a value was written meanwhile (pass overwrite to replace it)")
    elif isinstance(outcome.error, RateLimited):
        ctx.error(seq, RetryAfter(outcome.error.retry_after or RETRY_AFTER_DEFAULT, outcome.error.reason))
    elif isinstance(outcome.error, TransientError):
        ctx.error(seq, Transient(outcome.error.reason))
    else:
        rec.failed(seq, outcome.reason or "no translation")


def _max_tokens(ctx: JobContext) -> int | None:
    value = ctx.payload.get("maxTokens") if isinstance(ctx.payload, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _budget_spent(max_tokens: int, used: int) -> StopJob:
    return StopJob("budget", message=f"maxTokens reached: {used} of {max_tokens} tokens used")


register(KIND, translate_batch, batch_size=BATCH)
