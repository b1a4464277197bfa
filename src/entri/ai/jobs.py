"""The `ai.batch` job: an async AI batch (decisions 5) on the durable job workers (docs/jobs.md).

Items are `{keyId, language}`; the payload is `{model, overwrite}`. For each batch of items the
worker hands over: read what the prompt needs (a read session, closed before any provider
call), translate through the guard, then in one short write transaction save what passed and
mark every item done, failed (with the reason) or skipped — so a finished item is never sent to
the provider again, even if the worker dies right after.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from entri.ai import service
from entri.ai.errors import NotConfigured
from entri.core.errors import ApiError
from entri.jobs.context import Item, JobContext
from entri.jobs.errors import Permanent, StopJob
from entri.jobs.registry import register
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
            session, project=project, actor=actor, work=work, outcomes=run.outcomes, overwrite=overwrite
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


register(KIND, translate_batch, batch_size=BATCH)
