"""Wakes this process's idle workers when a job is committed, so an in-process worker (SQLite's
`entri serve` thread) starts at once instead of at its next poll. Workers in other processes
find the job at their next poll (`ENTRI_JOBS_POLL_SECONDS`)."""

from __future__ import annotations

import threading

_lock = threading.Lock()
_waiters: set[threading.Event] = set()


def subscribe(event: threading.Event) -> None:
    with _lock:
        _waiters.add(event)


def unsubscribe(event: threading.Event) -> None:
    with _lock:
        _waiters.discard(event)


def wake() -> None:
    with _lock:
        for event in _waiters:
            event.set()
