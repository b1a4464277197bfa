"""Registers the activity trail as a domain-event subscriber (core/events.py names this module in
DEFAULT_SUBSCRIBER_MODULES and imports it on the first publish)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from entri.activity import service
from entri.core.events import Event, subscribe


def record_activity(session: Session, events: Sequence[Event]) -> None:
    """Every published event becomes one entry, in the publisher's transaction."""
    service.record(session, events)


subscribe(record_activity)
