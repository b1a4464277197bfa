"""The `ai.batch` job: an async AI batch (decisions 5) on the durable job workers (docs/jobs.md).

Items are `{keyId, language}`; the payload is `{model, overwrite}`. For each batch of items the
worker hands over: read what the prompt needs (a read session, closed before any provider
call), translate through the guard, then in one short write transaction save what passed and
mark every item done, failed (with the reason) or skipped — so a finished item is never sent to
the provider again, even if the worker dies right after.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.ai import service
from entri.ai.errors import NotConfigured
from entri.core.actor import Actor
from entri.core.errors import ApiError
from entri.core.events import Event, publish
from entri.core.principal import Principal
from entri.core.vocabularies import Source
from entri.jobs import service as jobs
from entri.jobs.context import Item, JobContext
from entri.jobs.errors import Permanent, StopJob
from entri.jobs.models import Job
from entri.jobs.registry import on_finish, register
from entri.keys.models import Key
from entri.organizations import service as organizations
from entri.projects.models import Project

KIND = "ai.batch"
BATCH = 20


def translate_batch(ctx: JobContext, items: Sequence[Item]) -> None:
    if ctx.cancelled:
        return
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
        session.expunge_all()
    try:
        run = service.execute(work)
    except NotConfigured as exc:
        raise Permanent(exc.reason) from None
    by_pair = {(o.key_id, o.language): o for o in run.outcomes}
    skipped = {(k, lang): why for k, lang, why in work.skipped}
    with ctx.record() as rec:
        session = rec.session
        project = session.get(Project, ctx.project_id)
        assert project is not None
        actor = organizations.actor_for(session, user_id=ctx.created_by, fallback="AI batch")
        saved = service.save_outcomes(
            session,
            project=project,
            actor=actor,
            work=work,
            outcomes=run.outcomes,
            overwrite=overwrite,
            announce=False,  # `ai.job.finished` stands for the job's values
        )
        written = {(c.key_id, c.language) for c in saved}
        for item in items:
            pair = (str(item.payload["keyId"]), str(item.payload["language"]))
            outcome = by_pair.get(pair)
            if pair[0] not in keys:
                rec.skipped(item.seq, "the key was deleted")
            elif pair in skipped:
                rec.skipped(item.seq, skipped[pair])
            elif outcome is None or outcome.state != "translated":
                rec.failed(item.seq, outcome.reason if outcome and outcome.reason else "no translation")
            elif pair in written:
                rec.done(item.seq, {"tokens": outcome.usage.total, "model": work.model.id})
            else:
                rec.skipped(item.seq, "a value was written meanwhile (pass overwrite to replace it)")


def start(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    pairs: Sequence[tuple[Key, str]],
    languages: Sequence[str],
    model: str | None,
    overwrite: bool,
) -> Job:
    """Enqueue the job and publish `ai.job.started`, in the caller's transaction (no commit)."""
    actor = Actor.of(principal)
    job = jobs.enqueue(
        session,
        organization_id=project.organization_id,
        project_id=project.id,
        kind=KIND,
        payload={"model": model, "overwrite": overwrite, "languages": list(languages), "actor": actor.as_json()},
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
