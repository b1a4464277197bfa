"""What a handler raises (or reports per item) to say how an item failed, and so how to retry it.

The worker, not the handler, owns the retry policy (docs/jobs.md, "Retry classes"): a handler
only classifies. Anything else a handler raises counts as `Transient`, so a bug or a dropped
connection is retried a bounded number of times and then fails the item with its message.
"""

from __future__ import annotations


class ItemError(Exception):
    """Base of the classified errors; `reason` is what the failed item will show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryAfter(ItemError):
    """Rate limited or overloaded (HTTP 429/503): wait `seconds` (bounded by
    `ENTRI_JOBS_RETRY_AFTER_MAX_SECONDS`), then try again, at most `RETRY_AFTER_ROUNDS` times."""

    def __init__(self, seconds: float, reason: str = "rate limited") -> None:
        super().__init__(reason)
        self.seconds = max(0.0, float(seconds))


class Transient(ItemError):
    """Worth another try (timeout, connection reset, 5xx): retried `TRANSIENT_RETRIES` times
    with exponential backoff, then the item fails with this reason."""


class Permanent(ItemError):
    """Trying again cannot help (bad credentials, quota exhausted, content policy, invalid
    input): the item fails at once with this reason."""


class StopJob(Exception):
    """Raised by a handler to end the whole job now with `status` (`cancelled` or `failed`) and
    `reason` (e.g. `budget` when a token budget is spent). Items already reported stay as they
    are; pending items stay pending."""

    def __init__(self, reason: str, *, status: str = "cancelled", message: str | None = None) -> None:
        if status not in ("cancelled", "failed"):
            raise ValueError("StopJob status must be 'cancelled' or 'failed'")
        super().__init__(message or reason)
        self.reason = reason
        self.status = status
        self.message = message


class JobStopped(Exception):
    """Raised to a handler recording an outcome for a job this worker no longer runs: it was
    cancelled, or its lease expired and another worker took it over. Nothing was recorded; the
    handler should return."""


TRANSIENT_RETRIES = 3
"""Retries after the first try for a `Transient` error (so 4 tries in all)."""
RETRY_AFTER_ROUNDS = 5
"""Waits granted to one item for `RetryAfter` before it fails as rate limited."""
MAX_ATTEMPTS = 12
"""An item handed to handlers this many times (across worker restarts) fails: it is what a
poison item that crashes its worker each time looks like."""
