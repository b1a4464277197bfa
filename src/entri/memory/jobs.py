"""The `tm.fill` job: a fill too large for one request (docs/memory.md, docs/jobs.md).

Items are `{keyId, language}`, the payload `{minSimilarity}`. Each batch is filled in one write
transaction that also records every item's outcome (filled: done; no match or a value written
meanwhile: skipped), so a finished item is never filled twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from entri.jobs.context import Item, JobContext
from entri.jobs.errors import StopJob
from entri.jobs.registry import register
from entri.keys.models import Key
from entri.memory.fill import DEFAULT_MIN_SIMILARITY, JOB_KIND, fill_items
from entri.organizations import service as organizations
from entri.projects.models import Project

BATCH = 200


def fill_batch(ctx: JobContext, items: Sequence[Item]) -> None:
    if ctx.cancelled:
        return
    with ctx.record() as rec:
        session = rec.session
        project = session.get(Project, ctx.project_id) if ctx.project_id else None
        if project is None:
            raise StopJob("project deleted", status="failed", message="The project no longer exists")
        wanted = {str(i.payload["keyId"]) for i in items}
        keys = {k.id: k for k in session.scalars(select(Key).where(Key.id.in_(wanted)))}
        pairs = [
            (keys[str(i.payload["keyId"])], str(i.payload["language"])) for i in items if i.payload["keyId"] in keys
        ]
        actor = organizations.actor_for(session, user_id=ctx.created_by, fallback="TM fill")
        threshold = int(ctx.payload.get("minSimilarity", DEFAULT_MIN_SIMILARITY))
        result = fill_items(session, project=project, items=pairs, actor=actor, min_similarity=threshold)
        for item in items:
            state = result.states.get((str(item.payload["keyId"]), str(item.payload["language"])))
            if state == "filled":
                rec.done(item.seq, {"filled": True})
            elif state == "no_match":
                rec.skipped(item.seq, f"no memory match at or above {threshold}")
            else:
                rec.skipped(item.seq, "the key was deleted, has no source text, or got a value meanwhile")


register(JOB_KIND, fill_batch, batch_size=BATCH)
