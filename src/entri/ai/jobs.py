"""The `ai.batch` job: an async AI batch (decisions 5) on the durable job workers (docs/jobs.md).

Items are `{keyId, language}`; the payload is `{model, overwrite, maxTokens?}`. The worker hands
over up to `BATCH` items; they are cut into groups of one provider request (20 strings) that run
as a pipeline on a few threads: read what the prompt needs (a read session, closed before any
provider call), translate through the guard holding one of the organization's bulk slots
(concurrency.py), then in one short write transaction save what passed, mark the group's items
done, failed (with the reason) or skipped, and add the provider-reported tokens to the job. So a
finished item is never sent to the provider again, even if the worker dies right after, and one
group's reading and saving overlap the other groups' provider calls.

Budget: once the job's tokens reach `maxTokens`, no call is started; the job ends `cancelled`
with reason `budget`, its unsent items still `pending` (calls in flight finish and are recorded,
so usage may pass the budget by what those calls used).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.ai import guard, service
from entri.ai.concurrency import Limiter, bulk_limit
from entri.ai.errors import NotConfigured, RateLimited, TransientError
from entri.ai.types import Usage
from entri.core.actor import Actor
from entri.core.errors import ApiError
from entri.core.events import Event, publish
from entri.core.principal import Principal
from entri.core.vocabularies import Source
from entri.jobs import service as jobs
from entri.jobs.context import Item, JobContext, Recorder
from entri.jobs.errors import Permanent, RetryAfter, StopJob, Transient
from entri.jobs.models import Job
from entri.jobs.registry import on_finish, register
from entri.keys.models import Key
from entri.organizations import service as organizations
from entri.projects.models import Project

KIND = "ai.batch"
BATCH = 1000
"""Items handed to the handler at once (20 requests). Outcomes are recorded per request, so a
larger batch costs nothing on a crash; it only shortens the pause between batches."""
RETRY_AFTER_DEFAULT = 2.0


def translate_batch(ctx: JobContext, items: Sequence[Item]) -> None:
    if ctx.cancelled:
        return
    max_tokens = _max_tokens(ctx)
    if max_tokens is not None and ctx.tokens_used >= max_tokens:
        raise _budget_spent(max_tokens, ctx.tokens_used)
    with ctx.database.session() as session:
        project = session.get(Project, ctx.project_id) if ctx.project_id else None
        if project is None:
            raise StopJob("project deleted", status="failed", message="The project no longer exists")
        actor = organizations.actor_for(session, user_id=ctx.created_by, fallback="AI batch")
        limit = organizations.ai_settings(session, organization_id=project.organization_id).concurrency
        organization_id = project.organization_id
    run = _Run(
        ctx=ctx,
        actor=actor,
        budget=guard.Budget(max_tokens, used=ctx.tokens_used),
        limiter=Limiter(organization_id, kind="bulk", limit=limit),
    )
    groups = [items[start : start + guard.CHUNK] for start in range(0, len(items), guard.CHUNK)]
    with ThreadPoolExecutor(max_workers=_threads(limit), thread_name_prefix="entri-ai-job") as pool:
        futures = [pool.submit(run.group, group) for group in groups]
        try:
            stopped = [future.result() for future in futures]
        except BaseException:
            run.abort.set()  # start nothing more; the worker classifies what was not reported
            raise
    if "budget" in stopped and max_tokens is not None:
        raise _budget_spent(max_tokens, run.budget.used)


class _Run:
    """What the groups of one handler call share."""

    def __init__(self, *, ctx: JobContext, actor: Actor, budget: guard.Budget, limiter: Limiter) -> None:
        self.ctx = ctx
        self.actor = actor
        self.budget = budget
        self.limiter = limiter
        self.abort = threading.Event()
        self.overwrite = bool(ctx.payload.get("overwrite"))

    def stopping(self) -> bool:
        return self.ctx.cancelled or self.abort.is_set()

    def group(self, items: Sequence[Item]) -> str | None:
        """Plan, translate and record one group; returns why it stopped early (`budget`), if it did."""
        if self.stopping() or self.budget.spent:
            return "budget" if self.budget.spent else None
        ctx = self.ctx
        with ctx.database.session() as session:
            project = session.get(Project, ctx.project_id)
            if project is None:
                raise StopJob("project deleted", status="failed", message="The project no longer exists")
            wanted = {str(i.payload["keyId"]) for i in items}
            keys = {k.id: k for k in session.scalars(select(Key).where(Key.id.in_(wanted)))}
            pairs = [
                (keys[i.payload["keyId"]], str(i.payload["language"])) for i in items if i.payload["keyId"] in keys
            ]
            try:
                work = service.plan(
                    session, project=project, pairs=pairs, model=ctx.payload.get("model"), overwrite=self.overwrite
                )
            except ApiError as exc:  # the model or language is no longer valid: nothing can succeed
                raise Permanent(str(exc)) from None
            session.expunge_all()
        seqs: dict[tuple[str, str], list[int]] = {}
        for item in items:
            seqs.setdefault((str(item.payload["keyId"]), str(item.payload["language"])), []).append(item.seq)
        self._skip(items, keys=set(keys), skipped={(k, lang): why for k, lang, why in work.skipped})

        def record(outcomes: list[guard.Outcome], usage: Usage) -> None:
            with ctx.record() as rec:
                rec.add_tokens(usage.total)
                project = rec.session.get(Project, ctx.project_id)
                assert project is not None
                saved = service.save_outcomes(
                    rec.session,
                    project=project,
                    actor=self.actor,
                    work=work,
                    outcomes=outcomes,
                    overwrite=self.overwrite,
                    announce=False,  # `ai.job.finished` stands for the job's values
                )
                written = {(c.key_id, c.language) for c in saved}
                for outcome in outcomes:
                    pair = (outcome.key_id, outcome.language)
                    for seq in seqs.get(pair, ()):
                        _report(ctx, rec, seq, outcome, written=pair in written, model=work.model.id)

        controls = guard.Controls(
            limiter=self.limiter, budget=self.budget, cancelled=self.stopping, sleep=ctx.wait, on_chunk=record
        )
        try:
            result = service.execute(work, kind="bulk", controls=controls)
        except NotConfigured as exc:
            raise Permanent(exc.reason) from None
        return result.stopped

    def _skip(self, items: Sequence[Item], *, keys: set[str], skipped: dict[tuple[str, str], str]) -> None:
        """Items with nothing to send: the key is gone, or the plan skipped the pair."""
        if len(keys) == len({str(i.payload["keyId"]) for i in items}) and not skipped:
            return
        with self.ctx.record() as rec:
            for item in items:
                pair = (str(item.payload["keyId"]), str(item.payload["language"]))
                if pair[0] not in keys:
                    rec.skipped(item.seq, "the key was deleted")
                elif pair in skipped:
                    rec.skipped(item.seq, skipped[pair])


def _threads(limit: int) -> int:
    """Groups in progress at once: one per bulk slot calling the provider, as many again reading
    (TM lookups: 5-15 ms a string on a busy memory) or saving, and one spare."""
    return 2 * bulk_limit(limit) + 1


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


def start(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    pairs: Sequence[tuple[Key, str]],
    languages: Sequence[str],
    model: str | None,
    overwrite: bool,
    max_tokens: int | None = None,
) -> Job:
    """Enqueue the job and publish `ai.job.started`, in the caller's transaction (no commit)."""
    actor = Actor.of(principal)
    job = jobs.enqueue(
        session,
        organization_id=project.organization_id,
        project_id=project.id,
        kind=KIND,
        payload={
            "model": model,
            "overwrite": overwrite,
            "maxTokens": max_tokens,
            "languages": list(languages),
            "actor": actor.as_json(),
        },
        items=[{"keyId": key.id, "language": language} for key, language in pairs],
        created_by=principal.user_id,
    )
    data = {"total": job.total, "model": model, "overwrite": overwrite}
    publish(session, [_event("ai.job.started", job, actor, languages, data, count=job.total)])
    return job


def _event(name: str, job: Job, actor: Actor, languages: Sequence[str], data: dict[str, Any], *, count: int) -> Event:
    return Event(
        name=name,
        organization_id=job.organization_id,
        actor=actor,
        project_id=job.project_id,
        target_type="job",
        target_id=job.id,
        data={"jobId": job.id, "projectId": job.project_id, "languages": list(languages), **data},
        language=languages[0] if len(languages) == 1 else None,
        source=Source.AI.value,
        count=count,
    )


def _finished(session: Session, job: Job) -> None:
    """`ai.job.finished` with the job's counts, in the transaction that ends it."""
    payload = job.payload if isinstance(job.payload, dict) else {}
    actor = Actor.from_json(payload.get("actor")) or organizations.actor_for(
        session, user_id=job.created_by, fallback="AI batch"
    )
    data = {
        "status": job.status,
        "reason": job.reason,
        "total": job.total,
        "translated": job.succeeded,
        "failed": job.failed,
        "skipped": job.skipped,
        "model": payload.get("model"),
    }
    publish(session, [_event("ai.job.finished", job, actor, payload.get("languages") or [], data, count=job.succeeded)])


register(KIND, translate_batch, batch_size=BATCH)
on_finish(KIND, _finished)
