"""Domain events: what happened, published inside the transaction that made it happen.

A service that changes something (a key created, a translation saved, an import finished, a
token revoked) calls `publish(session, [Event(...)])` before its caller commits. Subscribers —
the activity trail and the webhook outbox (docs/activity.md, docs/webhooks.md) — write their
rows in that same transaction, so a change that rolls back leaves neither an activity entry nor
a webhook delivery, and a committed change always has both.

The subscribers live in domains above this module, so they are named here as strings and
imported on first use (the job registry does the same with its handler modules). A subscriber
must be cheap when nothing listens: the webhook outbox, for example, looks up its subscriptions
once per publish, not once per event.

Event names are `<resource>.<verb>` (docs/api-decisions.md, "Activity"); the same event feeds
the activity trail (its `action`) and the webhooks (which map it to the delivery events of
docs/webhooks.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.util import find_spec
from typing import Any

from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.clock import utcnow


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, in the words of the activity trail.

    `data` is what a reader needs without another lookup: it becomes the activity entry's
    `metadata` and the body of a webhook delivery's `data` (with `projectId` added). `count` is
    more than 1 for a summary of a bulk write (an import, an AI batch, a TM fill, an overwrite
    of many values): one event with counts stands for all of its values.
    """

    name: str
    organization_id: str
    actor: Actor | None = None
    """Who did it; None for the system itself (a job's bookkeeping, an expired lease)."""
    project_id: str | None = None
    target_type: str | None = None
    """The resource the event is about: `key`, `translation`, `project`, `token`, ..."""
    target_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    language: str | None = None
    source: str | None = None
    """For translation events: `human`, `ai`, `import`, `tm` or `api` (core.vocabularies.Source)."""
    count: int = 1
    at: datetime = field(default_factory=utcnow)


Subscriber = Callable[[Session, Sequence[Event]], None]
"""Called with the session of the publishing transaction and the events, in publishing order."""

DEFAULT_SUBSCRIBER_MODULES: tuple[str, ...] = (
    "entri.activity.subscriber",
    "entri.webhooks.subscriber",
    "entri.compat.webhook",
)
"""Imported on the first publish; each registers its subscriber with `subscribe`. A module that
is not installed (a slimmed-down build) is skipped."""

_SUBSCRIBERS: list[Subscriber] = []
_loaded = False


def subscribe(subscriber: Subscriber) -> None:
    """Add `subscriber` (idempotent: a module imported twice registers once)."""
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    """Remove `subscriber` (tests that listen for a while)."""
    if subscriber in _SUBSCRIBERS:
        _SUBSCRIBERS.remove(subscriber)


def _load_defaults() -> None:
    global _loaded
    if _loaded:
        return
    for name in DEFAULT_SUBSCRIBER_MODULES:
        if find_spec(name.rpartition(".")[0]) is not None and find_spec(name) is not None:
            importlib.import_module(name)
    _loaded = True


def publish(session: Session, events: Sequence[Event]) -> None:
    """Hand `events` to every subscriber, in the caller's transaction. An exception from a
    subscriber propagates: the change and its consequences commit together or not at all."""
    if not events:
        return
    _load_defaults()
    for subscriber in tuple(_SUBSCRIBERS):
        subscriber(session, events)
