"""At most N provider calls at once per organization, with one slot kept for the editor.

N is the organization's `aiConcurrency` setting (default 4). Calls come in two classes:

- `single`: a single-key translate (someone waits in the editor) may take any free slot;
- `bulk`: synchronous batches and batch jobs take at most N - 1 slots together,

so however many batch jobs an organization runs, one slot is always free for the next editor
request (with N = 1 the one slot is shared: an editor request waits for at most one call).

The slots live in this process (a `threading.Condition` per organization): `entri serve` with
its worker thread on SQLite is one process, so the bound is exact there. With several processes
(PostgreSQL: `entri worker` processes beside `entri serve`), each process applies the bound to
its own calls: an organization can have up to N - 1 bulk calls per worker process. Editor
requests are still never queued behind a job, because jobs and requests only meet in one
process's slots; what the processes share is the provider's own rate limit, whose 429 +
`Retry-After` every call honours (docs/ai.md, "Concurrency").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

DEFAULT = 4
MAX = 64
Kind = Literal["single", "bulk"]


def limit_from(settings: dict[str, Any] | None) -> int:
    """N from the organization's settings, read defensively (the settings route validates it;
    a stored value out of range or of the wrong type falls back to the default)."""
    value = (settings or {}).get("aiConcurrency", DEFAULT)
    if isinstance(value, bool) or not isinstance(value, int):
        return DEFAULT
    return max(1, min(MAX, value))


def bulk_limit(limit: int) -> int:
    """Slots batch work may hold together: all but one (but at least one)."""
    return max(1, limit - 1)


class Slots:
    """One organization's slots."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.active = 0
        self.bulk = 0
        self.peak = 0
        self.peak_bulk = 0
        """Most calls seen at once (tests and the bench read these)."""

    def acquire(self, kind: Kind, limit: int, cancelled: Callable[[], bool] | None = None) -> bool:
        """Wait for a slot; False when `cancelled()` turned true meanwhile (checked every 0.1 s)."""
        with self._cond:
            while True:
                free = self.active < limit and (kind == "single" or self.bulk < bulk_limit(limit))
                if free:
                    self.active += 1
                    self.bulk += kind == "bulk"
                    self.peak = max(self.peak, self.active)
                    self.peak_bulk = max(self.peak_bulk, self.bulk)
                    return True
                if cancelled is not None and cancelled():
                    return False
                self._cond.wait(0.1)

    def release(self, kind: Kind) -> None:
        with self._cond:
            self.active -= 1
            self.bulk -= kind == "bulk"
            self._cond.notify_all()


_LOCK = threading.Lock()
_SLOTS: dict[str, Slots] = {}


def slots_for(organization_id: str) -> Slots:
    with _LOCK:
        found = _SLOTS.get(organization_id)
        if found is None:
            found = _SLOTS[organization_id] = Slots()
        return found


class Limiter:
    """What a translation run holds on to: its organization's slots, its class and N."""

    def __init__(self, organization_id: str, *, kind: Kind, limit: int) -> None:
        self.slots = slots_for(organization_id)
        self.kind: Kind = kind
        self.limit = limit

    @property
    def parallel(self) -> int:
        """How many calls this run may usefully have in flight."""
        return self.limit if self.kind == "single" else bulk_limit(self.limit)

    @contextmanager
    def slot(self, cancelled: Callable[[], bool] | None = None) -> Iterator[bool]:
        """Hold a slot for one provider call; yields False (holding nothing) when cancelled while waiting."""
        got = self.slots.acquire(self.kind, self.limit, cancelled)
        try:
            yield got
        finally:
            if got:
                self.slots.release(self.kind)
