"""What a translation run takes and gives back (guard.py runs it): the pairs to translate, each
pair's outcome, the run's totals, and the controls that bound it (token budget, cancel, the
organization's slots, a callback per request).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from entri.ai.concurrency import Limiter
from entri.ai.errors import ProviderError
from entri.ai.types import Usage
from entri.checks.base import Failure
from entri.translations import quality


@dataclass(frozen=True, slots=True)
class Source:
    """One pair to translate, with what its prompt and checks need."""

    key_id: str
    key: str
    language: str
    value: str | None
    forms: dict[str, str] | None
    description: str | None = None
    context: str | None = None
    max_length: int | None = None
    origin_format: str | None = None
    facts: quality.Inputs | None = None
    glossary: tuple[dict[str, Any], ...] = ()
    memory: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True)
class Outcome:
    key_id: str
    language: str
    state: str
    """`translated` (passed the checks), `failed` (reason says why), `not_sent` (the run stopped
    before sending it: budget spent or cancelled)."""
    value: str | None = None
    forms: dict[str, str] | None = None
    confidence: int | None = None
    alternatives: list[tuple[str, int | None]] = field(default_factory=list)
    reason: str | None = None
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    """This string's share of its request's token usage."""
    error: ProviderError | None = None
    """Set when the provider call itself failed (rate limit, timeout, refusal): a job retries
    the first two later instead of failing the item."""
    declined: bool = False
    """The provider had nothing for it (the memory provider's "no TM match")."""


@dataclass(slots=True)
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    calls: int = 0
    stopped: str | None = None
    """`budget` or `cancelled` when the run stopped starting calls before the end."""


class Budget:
    """A token budget shared by the calls of a run (thread-safe): `used` starts at what the job
    already spent; calls stop being started once `used >= limit` (calls in flight finish)."""

    def __init__(self, limit: int | None, used: int = 0) -> None:
        self.limit = limit
        self.used = used
        self._lock = threading.Lock()

    def add(self, tokens: int) -> None:
        with self._lock:
            self.used += tokens

    @property
    def spent(self) -> bool:
        return self.limit is not None and self.used >= self.limit


@dataclass(slots=True)
class Controls:
    """How a run is bounded and observed; all optional."""

    limiter: Limiter | None = None
    budget: Budget | None = None
    cancelled: Callable[[], bool] | None = None
    sleep: Callable[[float], object] = time.sleep
    """Waits between retries (a job passes its cancel-aware wait)."""
    on_chunk: Callable[[list[Outcome], Usage], None] | None = None
    """Called (from a pool thread) with a chunk's final outcomes and the usage of its calls."""
