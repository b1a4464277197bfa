"""What a handler sees: the job, its batch of items, and the ways to report each item's outcome.

Outcomes are committed as they are reported (`ctx.done(...)`, or many at once with
`ctx.record()`), in one transaction with whatever the handler writes through `record()`'s
session: a translation saved by a handler and its item marked done commit together, so after a
crash an item is either finished (and never handed to a handler again) or still pending.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from entri.core.clock import utcnow
from entri.core.config import Settings, get_settings
from entri.core.db import Database
from entri.jobs import claims
from entri.jobs.claims import Claimed, Outcome
from entri.jobs.errors import ItemError, JobStopped
from entri.jobs.states import DONE, FAILED, SKIPPED


@dataclass(frozen=True, slots=True)
class Item:
    seq: int
    """Position in the job (0-based, as enqueued)."""
    payload: Any
    attempts: int
    """Times this item has been handed to a handler, this time included."""


class Recorder:
    """Collects outcomes inside `JobContext.record()`; `session` is the transaction they commit in."""

    def __init__(self, session: Session, batch: frozenset[int]) -> None:
        self.session = session
        self._batch = batch
        self.outcomes: list[Outcome] = []
        self.tokens = 0

    def _add(self, seq: int, state: str, reason: str | None, result: Any) -> None:
        if seq not in self._batch:
            raise ValueError(f"item {seq} is not in the batch being processed")
        self.outcomes.append(Outcome(seq=seq, state=state, reason=reason, result=result))

    def done(self, seq: int, result: Any = None) -> None:
        self._add(seq, DONE, None, result)

    def failed(self, seq: int, reason: str) -> None:
        self._add(seq, FAILED, reason, None)

    def skipped(self, seq: int, reason: str) -> None:
        self._add(seq, SKIPPED, reason, None)

    def add_tokens(self, tokens: int) -> None:
        """Provider tokens spent on these outcomes: added to the job's `tokens_used` in the same
        transaction (what a `maxTokens` budget is held against)."""
        self.tokens += max(0, int(tokens))


class JobContext:
    """One job as its handler sees it. Thread-safe: a handler may fan a batch out to threads."""

    def __init__(
        self, database: Database, job: Claimed, *, owner: str, lease_seconds: float, settings: Settings | None = None
    ) -> None:
        self.database = database
        self.settings = settings or get_settings()
        """The worker's settings (a handler's own options, e.g. the webhook timeout)."""
        self.job_id = job.id
        self.kind = job.kind
        self.organization_id = job.organization_id
        self.project_id = job.project_id
        self.payload = job.payload
        self.created_by = job.created_by
        self._owner = owner
        self._lease_seconds = lease_seconds
        self._lock = threading.Lock()
        self._batch: frozenset[int] = frozenset()
        self._reported: set[int] = set()
        self._errors: dict[int, ItemError] = {}
        self._cancel = threading.Event()
        self._stopped = threading.Event()
        self._tokens_used = job.tokens_used
        if job.cancel_requested:
            self._cancel.set()

    # -- cancel ---------------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        """True once cancel was requested (seen within a quarter second) or the job was lost:
        stop starting new work and return; unreported items stay pending."""
        return self._cancel.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking at once on cancel; True when cancelled. Use it for any
        wait of your own (a provider's Retry-After handled inside the handler, a poll)."""
        return self._cancel.wait(max(0.0, seconds))

    @property
    def cancel_event(self) -> threading.Event:
        """Set on cancel: for handlers that wait on several things (`asyncio` code can poll it)."""
        return self._cancel

    @property
    def tokens_used(self) -> int:
        """The job's committed `tokens_used` (from the claim, plus what this worker recorded)."""
        with self._lock:
            return self._tokens_used

    # -- outcomes -------------------------------------------------------------------------
    @contextmanager
    def record(self) -> Iterator[Recorder]:
        """A write transaction: write what the items produced through `recorder.session`,
        report outcomes with `recorder.done/failed/skipped`; both commit together on exit.
        Raises JobStopped (and commits nothing) if the job was cancelled and ended meanwhile,
        or another worker took it over. Keep it short: on SQLite it holds the write lock."""
        with self.database.session(write=True) as session:
            recorder = Recorder(session, self._batch)
            yield recorder
            if self._stopped.is_set():
                session.rollback()
                raise JobStopped("the job is no longer run by this worker")
            claims.record(
                session,
                job_id=self.job_id,
                owner=self._owner,
                outcomes=recorder.outcomes,
                now=utcnow(),
                tokens=recorder.tokens,
            )
            session.commit()
        with self._lock:
            self._reported.update(o.seq for o in recorder.outcomes)
            self._tokens_used += recorder.tokens

    def done(self, seq: int, result: Any = None) -> None:
        """Item `seq` succeeded; `result` (JSON) is kept on the item. Committed now."""
        with self.record() as recorder:
            recorder.done(seq, result)

    def failed(self, seq: int, reason: str) -> None:
        """Item `seq` failed for good with `reason`. Committed now."""
        with self.record() as recorder:
            recorder.failed(seq, reason)

    def skipped(self, seq: int, reason: str) -> None:
        """Item `seq` needed no work (e.g. a human value exists). Committed now."""
        with self.record() as recorder:
            recorder.skipped(seq, reason)

    def error(self, seq: int, error: ItemError) -> None:
        """Classify one item's failure (RetryAfter, Transient, Permanent) without failing the
        rest of the batch; the worker retries or fails it after the handler returns."""
        if seq not in self._batch:
            raise ValueError(f"item {seq} is not in the batch being processed")
        with self._lock:
            self._errors[seq] = error

    # -- the worker's side ----------------------------------------------------------------
    def _begin_batch(self, seqs: Sequence[int]) -> None:
        with self._lock:
            self._batch = frozenset(seqs)
            self._reported.difference_update(seqs)
            for seq in seqs:
                self._errors.pop(seq, None)

    def _unreported(self, seqs: Sequence[int]) -> list[int]:
        with self._lock:
            return [seq for seq in seqs if seq not in self._reported]

    def _error_of(self, seq: int) -> ItemError | None:
        with self._lock:
            return self._errors.get(seq)

    def _on_cancel(self) -> None:
        self._cancel.set()

    def _on_stop(self) -> None:
        self._stopped.set()
        self._cancel.set()

    @property
    def _is_stopped(self) -> bool:
        return self._stopped.is_set()

    def _run_in_session(self, fn: Callable[[Session], Any]) -> Any:
        with self.database.session(write=True) as session:
            value = fn(session)
            session.commit()
            return value
