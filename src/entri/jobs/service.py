"""The job API other domains call: enqueue in the caller's transaction, read state, cancel,
prune (docs/jobs.md). Keyword-only, takes the session, never imports FastAPI.

`enqueue` and `request_cancel` are building blocks (they flush, the caller commits), so a
request that enqueues a job and then fails leaves no job behind. `cancel` is the route-level
action: it checks the caller's permission and commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, func, or_, select
from sqlalchemy.orm import Session

from entri.core.bulk import copy_rows, table_of
from entri.core.clock import iso, utcnow
from entri.core.config import Settings
from entri.core.errors import BadRequest, NotFound
from entri.core.ids import new_id
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.jobs import registry, wakeup
from entri.jobs.models import Job, JobItem
from entri.jobs.states import CANCELLED, FAILED, FINAL, ITEM_STATES, PARTIALLY_FAILED, PENDING, QUEUED

ITEM_COLUMNS = ("job_id", "seq", "payload", "state", "attempts", "updated_at")


def enqueue(
    session: Session,
    *,
    organization_id: str,
    project_id: str | None,
    kind: str,
    payload: Any,
    items: Iterable[Any],
    created_by: str | None,
    run_after: datetime | None = None,
) -> Job:
    """A queued job of `kind` with one pending item per element of `items` (JSON values), written
    in the caller's transaction: nothing is committed here, and a worker sees the job only once
    the caller commits (this process's idle workers are woken then). With `run_after`, no
    worker claims it before that time (workers find it at their first poll after it)."""
    if not kind or len(kind) > 64:
        raise ValueError("a job kind is 1 to 64 characters")
    now = utcnow()
    job = Job(
        id=new_id("job"),
        organization_id=organization_id,
        project_id=project_id,
        kind=kind,
        payload=payload,
        status=QUEUED,
        total=0,
        processed=0,
        succeeded=0,
        failed=0,
        skipped=0,
        tokens_used=0,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        cancel_requested=False,
        run_after=run_after,
    )
    session.add(job)
    session.flush()
    total = copy_rows(
        session,
        table_of(JobItem.__table__),
        ITEM_COLUMNS,
        ((job.id, seq, item, PENDING, 0, now) for seq, item in enumerate(items)),
    )
    job.total = total
    session.flush()
    event.listen(session, "after_commit", _wake_workers, once=True)
    return job


def _wake_workers(_session: Session) -> None:
    wakeup.wake()


def get_job(session: Session, *, job_id: str, project_id: str | None = None, organization_id: str | None = None) -> Job:
    """The job, if it belongs to `project_id` (and/or `organization_id`); else 404, the same
    answer as for a job that does not exist (tenant isolation)."""
    job = session.get(Job, job_id) if len(job_id) <= 64 else None
    if (
        job is None
        or (project_id is not None and job.project_id != project_id)
        or (organization_id is not None and job.organization_id != organization_id)
    ):
        raise NotFound("Job not found")
    return job


def state(job: Job) -> dict[str, Any]:
    """The job as JSON: counts, status, reason and timestamps (decisions.md 5 for the counts).
    `processed = succeeded + failed + skipped`; items not processed are still pending (or, once
    the job is cancelled, were never run)."""
    return {
        "_id": job.id,
        "kind": job.kind,
        "projectId": job.project_id,
        "status": job.status,
        "processed": job.processed,
        "total": job.total,
        "succeeded": job.succeeded,
        "failed": job.failed,
        "skipped": job.skipped,
        "tokensUsed": job.tokens_used or 0,
        "reason": job.reason,
        "error": job.error,
        "cancelRequested": job.cancel_requested,
        "createdBy": job.created_by,
        "createdAt": iso(job.created_at),
        "startedAt": iso(job.started_at),
        "finishedAt": iso(job.finished_at),
        "updatedAt": iso(job.updated_at),
    }


def items(
    session: Session, *, job_id: str, state: str | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of the job's items in `seq` order (only those in `state`, when given), and how
    many there are: what a client lists after a batch, e.g. the failed ones with their reason."""
    if state is not None and state not in ITEM_STATES:
        raise BadRequest([f"state must be one of: {', '.join(ITEM_STATES)}"])
    where = [JobItem.job_id == job_id]
    if state is not None:
        where.append(JobItem.state == state)
    total = session.scalar(select(func.count()).select_from(JobItem).where(*where)) or 0
    rows = session.scalars(select(JobItem).where(*where).order_by(JobItem.seq).offset(offset).limit(limit))
    page = [
        {"seq": r.seq, "state": r.state, "payload": r.payload, "reason": r.reason, "attempts": r.attempts} for r in rows
    ]
    return page, int(total)


def read_state(session: Session, *, job_id: str) -> dict[str, Any] | None:
    """`state` of a job by id, read fresh (the SSE stream polls this); None once it is gone."""
    session.expire_all()
    job = session.get(Job, job_id)
    return state(job) if job is not None else None


def request_cancel(session: Session, *, job: Job) -> Job:
    """Ask for the job to stop (flushes; the caller commits). A job no worker runs right now
    (queued, or its worker's lease expired) ends `cancelled` at once; a running one is ended by
    its worker within 2 seconds. Cancelling a finished job changes nothing."""
    locked = session.scalars(select(Job).where(Job.id == job.id).with_for_update()).one()
    if locked.status in FINAL:
        return locked
    now = utcnow()
    locked.cancel_requested = True
    locked.updated_at = now
    unowned = locked.status == QUEUED or locked.lease_expires_at is None or locked.lease_expires_at < now
    if unowned:
        locked.status = CANCELLED
        locked.reason = "cancelled"
        locked.finished_at = now
        locked.lease_expires_at = None
    session.flush()
    if unowned:
        registry.job_ended(session, locked)
    return locked


def cancel(session: Session, *, principal: Principal, project_id: str, job_id: str) -> Job:
    """Cancel a project's job on behalf of a caller who may change translations (the work jobs
    do); commits. 404 for another project's or organization's job."""
    job = get_job(session, job_id=job_id, project_id=project_id, organization_id=principal.organization_id)
    principal.require(Permission.EDIT_TRANSLATIONS)
    job = request_cancel(session, job=job)
    session.commit()
    return job


def is_final(status: str) -> bool:
    return status in FINAL


def prune(session: Session, *, settings: Settings, now: datetime | None = None, limit: int = 1000) -> int:
    """Delete jobs finished longer ago than their retention (`succeeded`/`cancelled`:
    ENTRI_JOBS_KEEP_DAYS, 7; `failed`/`partially_failed`: ENTRI_JOBS_KEEP_FAILED_DAYS, 30), at
    most `limit` per call, items with them (cascade). Flushes; the caller commits."""
    now = now or utcnow()
    kept = now - timedelta(days=settings.jobs_keep_days)
    kept_failed = now - timedelta(days=settings.jobs_keep_failed_days)
    failing = (FAILED, PARTIALLY_FAILED)
    ids = list(
        session.scalars(
            select(Job.id)
            .where(
                Job.finished_at.is_not(None),
                or_(
                    Job.status.in_(failing) & (Job.finished_at < kept_failed),
                    Job.status.in_([s for s in FINAL if s not in failing]) & (Job.finished_at < kept),
                ),
            )
            .limit(limit)
        )
    )
    if ids:
        # Items first: one indexed DELETE instead of relying on the cascade row by row.
        session.execute(delete(JobItem).where(JobItem.job_id.in_(ids)))
        session.execute(delete(Job).where(Job.id.in_(ids)))
    return len(ids)
