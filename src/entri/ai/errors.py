"""How a provider call failed, by what the caller should do about it (issue 17, "Retry
classes"): wait and retry (429/503 with `Retry-After`), retry a few times (timeouts, 5xx,
connection errors), or give up on the item at once (authentication, quota, content policy).
Messages never contain a provider key."""

from __future__ import annotations


class ProviderError(Exception):
    """Base class; `reason` is safe to show to users and to store on a failed item."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(ProviderError):
    def __init__(self, reason: str, retry_after: float | None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class TransientError(ProviderError):
    pass


class PermanentError(ProviderError):
    pass


class NotConfigured(PermanentError):
    """No provider (or no key for it) is configured for this organization or server."""
