"""Server-Sent Events for a job (decisions.md 5): `progress` events at least once a second while
it runs, then exactly one final event — `done` (succeeded or partially_failed: the data says
which and how many failed), `cancelled`, or `error` (failed) — and the stream ends.

The stream polls the job row (one primary-key read on a read session, in the threadpool) every
half second rather than listening for notifications: it works the same on SQLite and
PostgreSQL, whichever process runs the job, and costs a client ~2 indexed reads a second.
A route mounts it with `stream(database, job_id)`; `shape` rewrites the state for the route's
own vocabulary (the AI routes add `translated`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio.to_thread
import orjson
from sse_starlette import EventSourceResponse, ServerSentEvent

from entri.core.db import Database
from entri.jobs import service
from entri.jobs.states import CANCELLED, FAILED, FINAL

POLL_SECONDS = 0.5
MAX_SILENCE_SECONDS = 1.0
"""A progress event goes out when the state changed, and at least this often regardless."""

Shape = Callable[[dict[str, Any]], dict[str, Any]]


def final_event(status: str) -> str:
    """The name of the last event for a finished job's status."""
    if status == CANCELLED:
        return "cancelled"
    if status == FAILED:
        return "error"
    return "done"


def _read(database: Database, job_id: str) -> dict[str, Any] | None:
    with database.session() as session:
        return service.read_state(session, job_id=job_id)


def _event(name: str, data: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(data=orjson.dumps(data).decode(), event=name)


async def job_events(
    database: Database,
    job_id: str,
    *,
    shape: Shape | None = None,
    poll_seconds: float = POLL_SECONDS,
    max_silence_seconds: float = MAX_SILENCE_SECONDS,
) -> AsyncIterator[ServerSentEvent]:
    """The events of one job until its final event. The caller has checked access to the job.
    A job deleted meanwhile (its project was) ends the stream with an `error` event."""
    shaped = shape or (lambda state: state)
    last: dict[str, Any] | None = None
    last_sent = 0.0
    while True:
        state = await anyio.to_thread.run_sync(_read, database, job_id)
        if state is None:
            yield _event("error", {"_id": job_id, "status": "gone", "reason": "deleted"})
            return
        if state["status"] in FINAL:
            yield _event(final_event(state["status"]), shaped(state))
            return
        now = time.monotonic()
        if state != last or now - last_sent >= max_silence_seconds:
            yield _event("progress", shaped(state))
            last, last_sent = state, now
        await anyio.sleep(poll_seconds)


def stream(database: Database, job_id: str, *, shape: Shape | None = None) -> EventSourceResponse:
    """An `EventSourceResponse` of `job_events`, with proxy buffering off."""
    return EventSourceResponse(
        job_events(database, job_id, shape=shape),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
