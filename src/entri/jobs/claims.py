"""The statements a worker runs: claim a job under a lease, keep the lease alive, read pending
items, record outcomes, finish. Each takes a write session and leaves the commit to its caller.

Every write a worker makes is conditional on still holding the job: `status = 'running' AND
lease_owner = me`. A worker whose lease expired (it stalled, or was presumed dead) therefore
changes nothing once another worker took the job over, and outcomes are only ever recorded for
items still `pending`, so no item is counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from entri.core.bulk import table_of, update_rows
from entri.jobs import registry
from entri.jobs.errors import JobStopped
from entri.jobs.models import Job, JobItem
from entri.jobs.states import CLAIMABLE, DONE, FAILED, PENDING, RUNNING, SKIPPED, final_status

_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Claimed:
    """What a worker needs of the job it claimed (plain values: no ORM object crosses threads)."""

    id: str
    kind: str
    organization_id: str
    project_id: str | None
    payload: Any
    created_by: str | None
    cancel_requested: bool
    tokens_used: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    seq: int
    state: str
    reason: str | None = None
    result: Any = None


def claim(session: Session, *, owner: str, kinds: Sequence[str], lease_seconds: float, now: datetime) -> Claimed | None:
    """Take the oldest job of one of `kinds` that is queued (and due: `run_after` passed), or
    running under an expired lease (its worker died). PostgreSQL: `FOR UPDATE SKIP LOCKED`, so
    N workers claim N different jobs without waiting on each other; SQLite: the write
    transaction already serializes."""
    if not kinds:
        return None
    query = (
        select(Job)
        .where(
            Job.status.in_(CLAIMABLE),
            Job.kind.in_(list(kinds)),
            or_(Job.lease_expires_at.is_(None), Job.lease_expires_at < now),
            or_(Job.run_after.is_(None), Job.run_after <= now),
        )
        .order_by(Job.status.desc(), Job.created_at)  # 'running' (orphaned) before 'queued'
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    job = session.scalars(query).first()
    if job is None:
        return None
    job.status = RUNNING
    job.lease_owner = owner
    job.lease_expires_at = now + timedelta(seconds=lease_seconds)
    job.heartbeat_at = now
    job.started_at = job.started_at or now
    job.updated_at = now
    session.flush()
    return Claimed(
        id=job.id,
        kind=job.kind,
        organization_id=job.organization_id,
        project_id=job.project_id,
        payload=job.payload,
        created_by=job.created_by,
        cancel_requested=job.cancel_requested,
        tokens_used=job.tokens_used or 0,
    )


def _held(job_id: str, owner: str) -> Any:
    return and_(Job.id == job_id, Job.status == RUNNING, Job.lease_owner == owner)


def renew(session: Session, *, job_id: str, owner: str, lease_seconds: float, now: datetime) -> bool:
    """Extend the lease; False when this worker no longer holds the job."""
    result = session.execute(
        update(Job)
        .where(_held(job_id, owner))
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds), heartbeat_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(session: Session, *, job_id: str, owner: str, now: datetime) -> None:
    """Give the job up (a worker shutting down): its lease ends now, so any worker may resume it."""
    session.execute(update(Job).where(_held(job_id, owner)).values(lease_expires_at=now, updated_at=now))


def cancel_requested(session: Session, *, job_id: str) -> bool:
    return bool(session.scalar(select(Job.cancel_requested).where(Job.id == job_id)))


def pending_items(session: Session, *, job_id: str, limit: int) -> list[tuple[int, Any, int]]:
    """(seq, payload, attempts) of the first `limit` pending items, in order."""
    rows = session.execute(
        select(JobItem.seq, JobItem.payload, JobItem.attempts)
        .where(JobItem.job_id == job_id, JobItem.state == PENDING)
        .order_by(JobItem.seq)
        .limit(limit)
    )
    return [(int(seq), payload, int(attempts)) for seq, payload, attempts in rows]


def count_attempts(session: Session, *, job_id: str, owner: str, seqs: Sequence[int], now: datetime) -> None:
    """Count one more attempt for each item about to be handed to the handler, committed
    before the call: a poison item that kills its worker each time is visible and bounded."""
    _lock_held(session, job_id=job_id, owner=owner)
    for start in range(0, len(seqs), _IN_CHUNK):
        chunk = list(seqs[start : start + _IN_CHUNK])
        session.execute(
            update(JobItem)
            .where(JobItem.job_id == job_id, JobItem.seq.in_(chunk), JobItem.state == PENDING)
            .values(attempts=JobItem.attempts + 1, updated_at=now)
        )


def _lock_held(session: Session, *, job_id: str, owner: str) -> Job:
    """The job row, locked (PostgreSQL; SQLite's write transaction holds the database), if this
    worker still holds it; else JobStopped."""
    job = session.scalars(select(Job).where(_held(job_id, owner)).with_for_update()).first()
    if job is None:
        raise JobStopped("the job was cancelled or taken over by another worker")
    return job


def record(
    session: Session, *, job_id: str, owner: str, outcomes: Sequence[Outcome], now: datetime, tokens: int = 0
) -> int:
    """Store the outcomes of items still pending and move the counters by as much, in the
    caller's transaction (with whatever the handler wrote in it); add `tokens` (provider usage
    of the calls behind these outcomes) to the job's `tokens_used`. Returns how many were new."""
    job = _lock_held(session, job_id=job_id, owner=owner)
    latest = {o.seq: o for o in outcomes}
    seqs = list(latest)
    still_pending: set[int] = set()
    for start in range(0, len(seqs), _IN_CHUNK):
        chunk = seqs[start : start + _IN_CHUNK]
        still_pending.update(
            session.scalars(
                select(JobItem.seq).where(JobItem.job_id == job_id, JobItem.seq.in_(chunk), JobItem.state == PENDING)
            )
        )
    fresh = [latest[seq] for seq in seqs if seq in still_pending]
    if fresh:
        update_rows(
            session,
            table_of(JobItem.__table__),
            ("state", "reason", "result", "updated_at"),
            ("job_id", "seq"),
            [(o.state, o.reason, o.result, now, job_id, o.seq) for o in fresh],
        )
    counts = {state: sum(1 for o in fresh if o.state == state) for state in (DONE, FAILED, SKIPPED)}
    job.processed += len(fresh)
    job.succeeded += counts[DONE]
    job.failed += counts[FAILED]
    job.skipped += counts[SKIPPED]
    job.tokens_used = (job.tokens_used or 0) + max(0, tokens)
    job.updated_at = now
    session.flush()
    return len(fresh)


def finish(
    session: Session,
    *,
    job_id: str,
    owner: str,
    now: datetime,
    status: str | None = None,
    reason: str | None = None,
    error: str | None = None,
) -> str | None:
    """End the job: with `status` as given, or (None) from its counters. Returns the status
    written, or None when this worker no longer held the job."""
    job = session.scalars(select(Job).where(_held(job_id, owner)).with_for_update()).first()
    if job is None:
        return None
    job.status = status or final_status(succeeded=job.succeeded, failed=job.failed)
    job.reason = reason
    job.error = error
    job.finished_at = now
    job.updated_at = now
    job.lease_expires_at = None
    session.flush()
    registry.job_ended(session, job)
    return job.status
