"""Job statuses and item states, and the one rule that turns counters into a final status."""

from __future__ import annotations

QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
PARTIALLY_FAILED = "partially_failed"
FAILED = "failed"
CANCELLED = "cancelled"

CLAIMABLE = (QUEUED, RUNNING)
"""A running job is claimable again once its lease expired (its worker died)."""
FINAL = (SUCCEEDED, PARTIALLY_FAILED, FAILED, CANCELLED)
STATUSES = (QUEUED, RUNNING, *FINAL)

PENDING = "pending"
DONE = "done"
SKIPPED = "skipped"
ITEM_STATES = (PENDING, DONE, FAILED, SKIPPED)


def final_status(*, succeeded: int, failed: int) -> str:
    """Never `succeeded` with failures hidden: any failed item makes the job `partially_failed`,
    or `failed` when no item succeeded. Skipped items (nothing to do) are not failures."""
    if failed == 0:
        return SUCCEEDED
    return PARTIALLY_FAILED if succeeded else FAILED
