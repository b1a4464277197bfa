"""Which handler runs which job kind, and the modules a worker imports to learn them.

A domain registers its kinds when its handler module is imported (`register("ai.batch", …)`).
A worker claims only jobs whose kind it has a handler for, so in a PostgreSQL deployment a
worker built without some domain leaves those jobs to the workers that have it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from entri.jobs.context import Item, JobContext
    from entri.jobs.models import Job

Handler = Callable[["JobContext", Sequence["Item"]], None]
"""Processes one batch of pending items of one job and reports each item's outcome through the
context (docs/jobs.md, "Handlers")."""

DEFAULT_HANDLER_MODULES: tuple[str, ...] = (
    "entri.ai.jobs",
    "entri.memory.jobs",
    "entri.webhooks.jobs",
    "entri.compat.webhook_jobs",
)
"""Modules every worker (the `entri serve` thread and `entri worker`) imports so their kinds are
registered. Named as strings, not imported here: the job machinery sits below the domains that
use it. Domains add theirs when they land (e.g. "entri.ai.jobs", "entri.memory.fill")."""


FinishHook = Callable[["Session", "Job"], None]
"""Called in the transaction that gives a job of its kind its final status (the job row carries
the status and counters): the domain publishes its summary event there (`ai.job.finished`,
`tm.filled`; docs/activity.md), so the event commits exactly when the job ends."""


@dataclass(frozen=True, slots=True)
class Registration:
    kind: str
    handler: Handler
    batch_size: int


_HANDLERS: dict[str, Registration] = {}


def register(kind: str, handler: Handler, *, batch_size: int = 20) -> None:
    """Make `handler` the one that runs jobs of `kind`, `batch_size` pending items at a time.
    Registering the same handler again is a no-op (modules may be imported twice); a second,
    different handler for a kind is a programming error."""
    if not kind or len(kind) > 64:
        raise ValueError("a job kind is 1 to 64 characters")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    existing = _HANDLERS.get(kind)
    if existing is not None and existing.handler is not handler:
        raise ValueError(f"job kind {kind!r} already has a handler ({existing.handler!r})")
    _HANDLERS[kind] = Registration(kind=kind, handler=handler, batch_size=batch_size)


_FINISH_HOOKS: dict[str, FinishHook] = {}


def on_finish(kind: str, hook: FinishHook) -> None:
    """Call `hook` when a job of `kind` ends (finished, failed, cancelled). Registered by the
    module that enqueues the kind, so the API process (which ends a queued job on cancel) and
    every worker know it."""
    _FINISH_HOOKS[kind] = hook


def job_ended(session: Session, job: Job) -> None:
    """`job` just got its final status (flushed): run its kind's finish hook, if any, in this
    transaction."""
    hook = _FINISH_HOOKS.get(job.kind)
    if hook is not None:
        hook(session, job)


def unregister(kind: str) -> None:
    """Forget a kind (tests that register throwaway handlers)."""
    _HANDLERS.pop(kind, None)
    _FINISH_HOOKS.pop(kind, None)


def registration(kind: str) -> Registration | None:
    return _HANDLERS.get(kind)


def kinds() -> list[str]:
    return sorted(_HANDLERS)


def load_handler_modules(extra: Iterable[str] = ()) -> list[str]:
    """Import DEFAULT_HANDLER_MODULES and `extra` (names from `--import` or ENTRI_JOBS_IMPORTS,
    comma-separated allowed); returns the modules imported. A missing module is an error: a
    worker silently lacking a handler would leave its jobs queued forever."""
    names: list[str] = []
    for entry in (*DEFAULT_HANDLER_MODULES, *extra):
        names += [name.strip() for name in entry.split(",") if name.strip()]
    for name in names:
        importlib.import_module(name)
    return names
