"""The deliveries of a channel: the outbox's senders without a subscription (docs/webhooks.md,
"How it is built"). The compat webhook (docs/compat.md, "Webhook") writes them with
`outbox.add(kind=...)` and plans their tries from what these functions read; recording,
retries and the log are the outbox's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from entri.core.pagination import PageParams
from entri.webhooks.models import WebhookDelivery
from entri.webhooks.outbox import PENDING
from entri.webhooks.rules import LOG_DAYS, PRUNE_BATCH


@dataclass(frozen=True, slots=True)
class Stored:
    """A channel's delivery as stored, for the channel that plans its tries."""

    id: str
    organization_id: str
    project_id: str | None
    body: str
    state: str
    attempts: int
    created_at: datetime


def _stored(rows: Iterable[WebhookDelivery]) -> list[Stored]:
    return [
        Stored(
            id=r.id,
            organization_id=r.organization_id,
            project_id=r.project_id,
            body=r.body,
            state=r.state,
            attempts=r.attempts,
            created_at=r.created_at,
        )
        for r in rows
    ]


def stored(session: Session, *, kind: str, delivery_ids: Sequence[str]) -> list[Stored]:
    """The deliveries of channel `kind` among `delivery_ids` that still exist."""
    rows = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.id.in_(list(delivery_ids)), WebhookDelivery.kind == kind)
    )
    return _stored(rows)


def untried(session: Session, *, kind: str, project_id: str, limit: int) -> list[Stored]:
    """The project's pending deliveries of channel `kind` not tried yet, oldest first."""
    rows = session.scalars(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.kind == kind,
            WebhookDelivery.project_id == project_id,
            WebhookDelivery.state == PENDING,
            WebhookDelivery.attempts == 0,
        )
        .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
        .limit(limit)
    )
    return _stored(rows)


def log(session: Session, *, kind: str, project_id: str, page: PageParams) -> tuple[list[WebhookDelivery], int]:
    """A channel's delivery log for one project, newest first (the caller checks who may read it)."""
    where = (WebhookDelivery.kind == kind, WebhookDelivery.project_id == project_id)
    total = session.scalar(select(func.count()).select_from(WebhookDelivery).where(*where))
    rows = session.scalars(
        select(WebhookDelivery)
        .where(*where)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .offset(page.offset)
        .limit(page.limit)
    )
    return list(rows), int(total or 0)


def prune(session: Session, *, kind: str, now: datetime) -> int:
    """Drop at most PRUNE_BATCH of channel `kind`'s finished deliveries older than LOG_DAYS
    (every project's: a deleted project's leave too)."""
    old = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.kind == kind,
            WebhookDelivery.created_at < now - timedelta(days=LOG_DAYS),
            WebhookDelivery.state != PENDING,
        )
        .limit(PRUNE_BATCH)
    )
    ids = list(session.scalars(old))
    if ids:
        session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
    return len(ids)


def discard(session: Session, delivery_ids: Sequence[str]) -> int:
    """Delete untried deliveries a channel found nothing left to send for."""
    result = session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.id.in_(list(delivery_ids)),
            WebhookDelivery.state == PENDING,
            WebhookDelivery.attempts == 0,
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
