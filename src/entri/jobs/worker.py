"""Workers: claim a job, run its pending items through the kind's handler batch by batch, apply
the retry classes, keep the lease alive, notice cancel, finish (docs/jobs.md, "Workers").

One `Worker` runs one job at a time. `entri serve` runs one in a thread of its own process
(SQLite's default; `--no-worker` turns it off); `entri worker` runs N of them against
PostgreSQL (or SQLite, one machine). They coordinate only through the database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Sequence

from entri.core.clock import utcnow
from entri.core.config import Settings
from entri.core.db import Database
from entri.core.ids import new_id
from entri.jobs import claims, registry, service, wakeup
from entri.jobs.claims import Claimed, Outcome
from entri.jobs.context import Item, JobContext
from entri.jobs.errors import (
    MAX_ATTEMPTS,
    RETRY_AFTER_ROUNDS,
    TRANSIENT_RETRIES,
    ItemError,
    JobStopped,
    Permanent,
    RetryAfter,
    StopJob,
    Transient,
)
from entri.jobs.states import CANCELLED, FAILED

log = logging.getLogger(__name__)

CANCEL_POLL_SECONDS = 0.25
"""How often a running job's cancel flag is read (a primary-key read, never a lock wait)."""
CANCEL_GRACE_SECONDS = 1.0
"""After a cancel is seen, how long the handler gets to return before the job is ended without
it: poll + grace + one commit stays under the 2 s a cancel may take."""


class _Watcher(threading.Thread):
    """Beside a running job: renews the lease every third of its length, reads the cancel flag
    every CANCEL_POLL_SECONDS, and ends a cancelled job itself if its handler does not return
    within the grace period (the handler's later outcomes are then refused)."""

    def __init__(self, worker: Worker, ctx: JobContext) -> None:
        super().__init__(name=f"entri-job-watch-{ctx.job_id}", daemon=True)
        self.worker = worker
        self.ctx = ctx
        self.done = threading.Event()

    def run(self) -> None:
        lease = self.worker.settings.jobs_lease_seconds
        next_renewal = time.monotonic() + lease / 3
        cancel_seen_at: float | None = None
        while not self.done.wait(min(CANCEL_POLL_SECONDS, lease / 3)):
            try:
                now = time.monotonic()
                if now >= next_renewal:
                    next_renewal = now + lease / 3
                    if not self.worker._renew(self.ctx.job_id):
                        log.warning("job %s: lease lost; stopping", self.ctx.job_id)
                        self.ctx._on_stop()
                        return
                if cancel_seen_at is None:
                    with self.worker.database.session() as session:
                        if claims.cancel_requested(session, job_id=self.ctx.job_id):
                            cancel_seen_at = now
                            self.ctx._on_cancel()
                elif now - cancel_seen_at >= CANCEL_GRACE_SECONDS:
                    self.worker._finish(self.ctx, status=CANCELLED, reason="cancelled")
                    self.ctx._on_stop()
                    return
            except Exception:  # the database may be briefly away: the next round tries again
                log.exception("job %s: watcher round failed", self.ctx.job_id)


class Worker:
    def __init__(self, database: Database, settings: Settings, *, name: str | None = None) -> None:
        self.database = database
        self.settings = settings
        self.owner = name or f"{socket.gethostname()}:{os.getpid()}:{new_id('w')[2:10]}"
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._last_prune = 0.0

    # -- the loop -------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Claim and run jobs until `stop` is set; prune old jobs now and then."""
        self._stopping = stop
        wakeup.subscribe(self._wake)
        try:
            while not stop.is_set():
                worked = False
                try:
                    self._prune_if_due()
                    worked = self.run_once()
                except Exception:
                    log.exception("job worker %s: round failed", self.owner)
                if not worked:
                    self._wake.wait(self.settings.jobs_poll_seconds)
                    self._wake.clear()
        finally:
            wakeup.unsubscribe(self._wake)

    def wake(self) -> None:
        self._wake.set()

    def run_once(self) -> bool:
        """Claim one job and run it to its end (or until it is lost); False when none was ready."""
        kinds = registry.kinds()
        with self.database.session(write=True) as session:
            job = claims.claim(
                session, owner=self.owner, kinds=kinds, lease_seconds=self.settings.jobs_lease_seconds, now=utcnow()
            )
            session.commit()
        if job is None:
            return False
        self._run_job(job)
        return True

    def _prune_if_due(self) -> None:
        if time.monotonic() - self._last_prune < self.settings.jobs_prune_interval_seconds and self._last_prune:
            return
        self._last_prune = time.monotonic()
        with self.database.session(write=True) as session:
            pruned = service.prune(session, settings=self.settings, now=utcnow())
            session.commit()
        if pruned:
            log.info("pruned %d finished jobs", pruned)

    # -- one job --------------------------------------------------------------------------
    def _run_job(self, job: Claimed) -> None:
        spec = registry.registration(job.kind)
        ctx = JobContext(
            self.database, job, owner=self.owner, lease_seconds=self.settings.jobs_lease_seconds, settings=self.settings
        )
        watcher = _Watcher(self, ctx)
        watcher.start()
        try:
            if spec is None:  # unregistered since the claim: leave it to a worker that has it
                self._release(ctx)
                return
            while True:
                if ctx._is_stopped:
                    return
                if self._stopping.is_set():
                    self._release(ctx)  # shutting down: another worker resumes it at once
                    return
                if ctx.cancelled:
                    self._finish(ctx, status=CANCELLED, reason="cancelled")
                    return
                items = self._next_batch(ctx, spec.batch_size)
                if items is None:
                    continue  # poison items were failed; read again
                if not items:
                    self._finish(ctx)
                    return
                self._run_batch(ctx, spec.handler, items)
        except StopJob as stop:
            self._finish(ctx, status=stop.status, reason=stop.reason, error=stop.message)
        except JobStopped:
            log.info("job %s: stopped (cancelled or taken over)", job.id)
        finally:
            watcher.done.set()
            watcher.join()

    def _next_batch(self, ctx: JobContext, size: int) -> list[Item] | None:
        """The next pending items with their attempt counted; None when some were failed as
        poison (handed out MAX_ATTEMPTS times already) and the batch must be read again."""
        with self.database.session(write=True) as session:
            rows = claims.pending_items(session, job_id=ctx.job_id, limit=size)
            poison = [seq for seq, _, attempts in rows if attempts >= MAX_ATTEMPTS]
            if poison:
                reason = f"gave up after {MAX_ATTEMPTS} attempts (the worker stopped or crashed while processing it)"
                outcomes = [Outcome(seq=seq, state=FAILED, reason=reason) for seq in poison]
                claims.record(session, job_id=ctx.job_id, owner=self.owner, outcomes=outcomes, now=utcnow())
                session.commit()
                return None
            claims.count_attempts(
                session, job_id=ctx.job_id, owner=self.owner, seqs=[seq for seq, _, _ in rows], now=utcnow()
            )
            session.commit()
        return [Item(seq=seq, payload=payload, attempts=attempts + 1) for seq, payload, attempts in rows]

    def _run_batch(self, ctx: JobContext, handler: registry.Handler, items: list[Item]) -> None:
        """Hand `items` to the handler; retry what it left classified as retryable, fail the
        rest with their reasons. Returns when every item has an outcome, or on cancel."""
        transient_tries: dict[int, int] = defaultdict(int)
        waits: dict[int, int] = defaultdict(int)
        todo = items
        while todo:
            ctx._begin_batch([item.seq for item in todo])
            batch_error: ItemError | None = None
            try:
                handler(ctx, todo)
            except (StopJob, JobStopped):
                raise
            except ItemError as exc:
                batch_error = exc
            except Exception as exc:
                log.exception("job %s: handler raised", ctx.job_id)
                batch_error = Transient(f"{type(exc).__name__}: {exc}"[:1000])
            if ctx._is_stopped:
                raise JobStopped("the job is no longer run by this worker")
            if ctx.cancelled:
                return  # unreported items stay pending; the job loop ends the job
            failures: list[Outcome] = []
            retry: list[Item] = []
            wait = 0.0
            for item in todo:
                if item.seq not in ctx._unreported([item.seq]):
                    continue
                error = ctx._error_of(item.seq) or batch_error or Transient("the handler reported no outcome")
                if isinstance(error, Permanent):
                    failures.append(Outcome(seq=item.seq, state=FAILED, reason=error.reason))
                elif isinstance(error, RetryAfter):
                    waits[item.seq] += 1
                    if waits[item.seq] > RETRY_AFTER_ROUNDS:
                        reason = f"{error.reason} (still limited after {RETRY_AFTER_ROUNDS} waits)"
                        failures.append(Outcome(seq=item.seq, state=FAILED, reason=reason))
                    else:
                        retry.append(item)
                        wait = max(wait, min(error.seconds, self.settings.jobs_retry_after_max_seconds))
                else:
                    transient_tries[item.seq] += 1
                    tries = transient_tries[item.seq]
                    if tries > TRANSIENT_RETRIES:
                        reason = f"{error.reason} (after {TRANSIENT_RETRIES} retries)"
                        failures.append(Outcome(seq=item.seq, state=FAILED, reason=reason))
                    else:
                        retry.append(item)
                        wait = max(wait, self.settings.jobs_backoff_seconds * 2 ** (tries - 1))
            if failures:
                self._record(ctx, failures)
            if retry and ctx.wait(wait):
                return
            todo = self._recount(ctx, retry)

    def _recount(self, ctx: JobContext, items: Sequence[Item]) -> list[Item]:
        if not items:
            return []
        seqs = [item.seq for item in items]
        with self.database.session(write=True) as session:
            claims.count_attempts(session, job_id=ctx.job_id, owner=self.owner, seqs=seqs, now=utcnow())
            session.commit()
        return [Item(seq=item.seq, payload=item.payload, attempts=item.attempts + 1) for item in items]

    # -- writes ---------------------------------------------------------------------------
    def _record(self, ctx: JobContext, outcomes: list[Outcome]) -> None:
        with self.database.session(write=True) as session:
            claims.record(session, job_id=ctx.job_id, owner=self.owner, outcomes=outcomes, now=utcnow())
            session.commit()

    def _renew(self, job_id: str) -> bool:
        with self.database.session(write=True) as session:
            held = claims.renew(
                session, job_id=job_id, owner=self.owner, lease_seconds=self.settings.jobs_lease_seconds, now=utcnow()
            )
            session.commit()
            return held

    def _release(self, ctx: JobContext) -> None:
        with self.database.session(write=True) as session:
            claims.release(session, job_id=ctx.job_id, owner=self.owner, now=utcnow())
            session.commit()

    def _finish(
        self, ctx: JobContext, *, status: str | None = None, reason: str | None = None, error: str | None = None
    ) -> None:
        with self.database.session(write=True) as session:
            written = claims.finish(
                session, job_id=ctx.job_id, owner=self.owner, now=utcnow(), status=status, reason=reason, error=error
            )
            session.commit()
        if written:
            log.info("job %s (%s) finished: %s", ctx.job_id, ctx.kind, written)


class WorkerThreads:
    """`count` workers on daemon threads of this process (`entri serve`, `entri worker`)."""

    def __init__(self, database: Database, settings: Settings, *, count: int = 1) -> None:
        self._stop = threading.Event()
        self.workers = [Worker(database, settings) for _ in range(count)]
        self._threads = [
            threading.Thread(target=w.run, args=(self._stop,), name=f"entri-jobs-{i}", daemon=True)
            for i, w in enumerate(self.workers)
        ]

    def start(self) -> WorkerThreads:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every worker to stop after its current batch, and wait for them. A job still
        running keeps its lease until it expires, then another worker resumes it."""
        self._stop.set()
        for worker in self.workers:
            worker.wake()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
