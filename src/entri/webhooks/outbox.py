"""The outbox: delivery rows and the jobs that send them (docs/webhooks.md, "Delivery").

`add` writes deliveries and one `webhook.deliver` job for them in the caller's transaction
(the change being announced commits with them, or neither does). The job's handler
(`webhooks/jobs.py`) makes one try of each delivery and records it here: a success, a failure
with the next try scheduled as a job of its own (`run_after` = the retry time), or the last
failure, which counts towards turning the subscription off.

A channel (the method-style API's webhook, `kind` `compat`) writes deliveries without a
subscription and sends them with a job kind of its own: it plans each try itself (URL, headers,
and on a first try a body folding in its other untried deliveries, `Plan.absorbs`), and the
recording, retries and log here are the same (docs/compat.md, "Webhook").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from entri.core.bulk import insert_rows, table_of
from entri.core.clock import iso, utcnow
from entri.core.events import Event
from entri.core.ids import new_ids
from entri.jobs import service as jobs
from entri.webhooks.guard import host_of
from entri.webhooks.models import Webhook, WebhookDelivery
from entri.webhooks.rules import DISABLE_AFTER, LOG_DAYS, MAX_TRIES, PRUNE_BATCH, RETRY_DELAYS
from entri.webhooks.sender import Result
from entri.webhooks.signing import signature_header

KIND = "webhook.deliver"
WEBHOOK = "webhook"
"""The `kind` of a subscription's deliveries; a channel's have its own (`compat`)."""
PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
COLUMNS = (
    "id",
    "webhook_id",
    "kind",
    "organization_id",
    "project_id",
    "event",
    "body",
    "state",
    "manual",
    "redelivery_of",
    "attempts",
    "next_attempt_at",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class NewDelivery:
    webhook_id: str | None
    organization_id: str
    project_id: str | None
    event: str
    body: str
    manual: bool = False
    redelivery_of: str | None = None
    kind: str = WEBHOOK


def envelope(event: str, at: datetime, data: dict[str, Any]) -> str:
    """The body every try of a delivery sends, byte for byte: `{event, timestamp, data}`."""
    return orjson.dumps({"event": event, "timestamp": iso(at), "data": data}).decode()


def add(
    session: Session,
    deliveries: Sequence[NewDelivery],
    *,
    created_by: str | None = None,
    job_kind: str = KIND,
    run_after: datetime | None = None,
) -> list[str]:
    """Insert `deliveries` and enqueue one job of `job_kind` that sends them, no earlier than
    `run_after` (flushes; the caller commits)."""
    if not deliveries:
        return []
    now = utcnow()
    ids = new_ids("dlv", len(deliveries))
    rows = [
        (
            i,
            d.webhook_id,
            d.kind,
            d.organization_id,
            d.project_id,
            d.event,
            d.body,
            PENDING,
            d.manual,
            d.redelivery_of,
            0,
            now,
            now,
            now,
        )
        for i, d in zip(ids, deliveries, strict=True)
    ]
    insert_rows(session, table_of(WebhookDelivery.__table__), COLUMNS, rows)
    by_org: dict[str, list[str]] = {}
    for delivery_id, d in zip(ids, deliveries, strict=True):
        by_org.setdefault(d.organization_id, []).append(delivery_id)
    for organization_id, members in by_org.items():
        _enqueue(session, organization_id, members, created_by=created_by, run_after=run_after, job_kind=job_kind)
    return ids


def _enqueue(
    session: Session,
    organization_id: str,
    delivery_ids: Iterable[str],
    *,
    created_by: str | None,
    run_after: datetime | None,
    job_kind: str = KIND,
) -> None:
    jobs.enqueue(
        session,
        organization_id=organization_id,
        project_id=None,
        kind=job_kind,
        payload=None,
        items=({"deliveryId": delivery_id} for delivery_id in delivery_ids),
        created_by=created_by,
        run_after=run_after,
    )


def schedule(
    session: Session, organization_id: str, retries: dict[datetime, list[str]], *, job_kind: str = KIND
) -> None:
    """Enqueue the next tries: one job per retry time, claimed no earlier than that time."""
    for retry_at, delivery_ids in sorted(retries.items()):
        _enqueue(session, organization_id, delivery_ids, created_by=None, run_after=retry_at, job_kind=job_kind)


@dataclass(frozen=True, slots=True)
class Plan:
    """What one try of a delivery needs, read before the (slow) HTTP call."""

    delivery_id: str
    webhook_id: str | None
    organization_id: str
    state: str
    attempts: int
    sendable: bool
    """False: the subscription is off and the delivery was not asked for by hand."""
    url: str
    event: str
    body: bytes
    signature: str
    kind: str = WEBHOOK
    project_id: str | None = None
    headers: Mapping[str, str] | None = None
    """A channel's headers, sent instead of the X-Webhook-* ones (sender.headers_of)."""
    refusal: str | None = None
    """Why a channel's delivery cannot be sent (`sendable` False): it ends failed with this."""
    built: bool = False
    """`body` was built for this try (a channel's first try): `record` stores it, so every
    later try sends the same bytes."""
    absorbs: tuple[str, ...] = ()
    """Other untried deliveries whose contents the built `body` carries too: `record` deletes them."""


def plans(session: Session, delivery_ids: Sequence[str], *, now: datetime) -> dict[str, Plan]:
    """The deliveries that still exist, with their subscription's URL and signature for `now`."""
    found: dict[str, Plan] = {}
    rows = session.execute(
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.id.in_(list(delivery_ids)))
    )
    for delivery, webhook in rows:
        body = delivery.body.encode("utf-8")
        found[delivery.id] = Plan(
            delivery_id=delivery.id,
            webhook_id=webhook.id,
            project_id=delivery.project_id,
            organization_id=delivery.organization_id,
            state=delivery.state,
            attempts=delivery.attempts,
            sendable=webhook.active or delivery.manual,
            url=webhook.url,
            event=delivery.event,
            body=body,
            signature=signature_header(
                secret=webhook.secret,
                previous=webhook.previous_secret,
                previous_expires_at=webhook.previous_secret_expires_at,
                body=body,
                now=now,
            ),
        )
    return found


@dataclass(frozen=True, slots=True)
class Recorded:
    """What became of one try: `state` of the delivery after it, and the retry time if any."""

    state: str
    retry_at: datetime | None = None
    disabled: Event | None = None
    """The `webhook.disabled` event when this failure turned the subscription off."""


def give_up(session: Session, plan: Plan, reason: str, *, now: datetime) -> bool:
    """End a delivery unsent (its subscription was turned off); False if it was not pending."""
    result = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == plan.delivery_id, WebhookDelivery.state == PENDING)
        .values(state=FAILED, error=reason, next_attempt_at=None, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record(session: Session, plan: Plan, result: Result, *, now: datetime) -> Recorded | None:
    """Store one try's outcome, schedule the next try or give up; None when the delivery was
    no longer pending at `plan.attempts` tries (recorded by someone else meanwhile)."""
    tries = plan.attempts + 1
    retry_at = None if result.ok or tries >= MAX_TRIES else now + RETRY_DELAYS[tries - 1]
    state = SUCCEEDED if result.ok else (PENDING if retry_at else FAILED)
    sent_body = {"body": plan.body.decode("utf-8")} if plan.built else {}
    changed = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == plan.delivery_id,
            WebhookDelivery.state == PENDING,
            WebhookDelivery.attempts == plan.attempts,
        )
        .values(
            **sent_body,
            state=state,
            attempts=tries,
            next_attempt_at=retry_at,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            response=result.response,
            error=result.error,
            updated_at=now,
            delivered_at=now if result.ok else None,
        )
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        return None
    if plan.absorbs:
        # Folded into this one's body; one another try has claimed since stays (sent twice at worst).
        session.execute(
            delete(WebhookDelivery).where(
                WebhookDelivery.id.in_(plan.absorbs),
                WebhookDelivery.state == PENDING,
                WebhookDelivery.attempts == 0,
            )
        )
    if plan.webhook_id is None:  # a channel's delivery: no subscription to count failures for
        return Recorded(state=state, retry_at=retry_at)
    if retry_at is not None:
        return Recorded(state=state, retry_at=retry_at)  # the caller schedules it (`schedule`)
    if result.ok:
        session.execute(update(Webhook).where(Webhook.id == plan.webhook_id).values(consecutive_failures=0))
        return Recorded(state=state)
    return Recorded(state=state, disabled=_count_failure(session, plan.webhook_id, result, now=now))


def _count_failure(session: Session, webhook_id: str, result: Result, *, now: datetime) -> Event | None:
    """One more delivery failed for good; the DISABLE_AFTER-th in a row turns the subscription off."""
    webhook = session.scalars(
        select(Webhook).where(Webhook.id == webhook_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if webhook is None:
        return None
    webhook.consecutive_failures += 1
    if not webhook.active or webhook.consecutive_failures < DISABLE_AFTER:
        return None
    webhook.active = False
    webhook.disabled_reason = (
        f"{webhook.consecutive_failures} consecutive deliveries failed (the last: {result.summary()})"
    )
    webhook.updated_at = now
    session.flush()
    return Event(
        name="webhook.disabled",
        organization_id=webhook.organization_id,
        project_id=webhook.project_id,
        target_type="webhook",
        target_id=webhook.id,
        data={
            "host": host_of(webhook.url),
            "reason": webhook.disabled_reason,
            "consecutiveFailures": webhook.consecutive_failures,
        },
        at=now,
    )


def prune(session: Session, webhook_ids: Iterable[str], *, now: datetime) -> int:
    """Drop finished deliveries older than LOG_DAYS from these webhooks' logs, at most
    PRUNE_BATCH each (the log index, newest rows untouched); returns how many went."""
    cutoff = now - timedelta(days=LOG_DAYS)
    removed = 0
    for webhook_id in sorted(set(webhook_ids)):
        old = (
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.webhook_id == webhook_id,
                WebhookDelivery.created_at < cutoff,
                WebhookDelivery.state != PENDING,
            )
            .limit(PRUNE_BATCH)
        )
        ids = list(session.scalars(old))
        if ids:
            session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
            removed += len(ids)
    return removed
