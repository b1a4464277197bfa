"""The `webhook.deliver` job handler: one try of each delivery in the batch (docs/webhooks.md).

The deliveries are read in a short read transaction, tried concurrently with no transaction
open, and every outcome is recorded in one transaction together with the retries it
schedules and the `webhook.disabled` events it causes. A worker killed before that commit
leaves the items pending: after its lease expires another worker tries them again, with the
same X-Webhook-Id, so a receiver may see a delivery twice and never zero times.

An HTTP failure is not a job error: the delivery's own schedule (30 s … 3 h, 7 tries) runs as
jobs with `run_after`, so a worker never sleeps for a receiver. A try that fails marks its job
item failed with the reason (and the next try's time); a database error is left to the job
machinery's transient retries.

`run` is the same loop for a channel's deliveries (the compat webhook: docs/compat.md), which
have a job kind of their own and plan their tries themselves (`Planner`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from entri.core.clock import iso, utcnow
from entri.core.events import Event, publish
from entri.jobs.context import Item, JobContext
from entri.jobs.registry import register
from entri.webhooks import channels, outbox, sender
from entri.webhooks.outbox import KIND, Plan

BATCH = 20
"""Deliveries tried at once (concurrently) by one worker."""

Planner = Callable[[JobContext, Sequence[str], datetime], dict[str, Plan | str]]
"""The tries to make for these delivery ids at `now`: a Plan, or why the item is skipped
without a try (a delivery folded into another one's try). An id left out no longer exists."""


def _delivery_id(item: Item) -> str | None:
    payload = item.payload
    value = payload.get("deliveryId") if isinstance(payload, dict) else None
    return value if isinstance(value, str) else None


def _subscriptions(ctx: JobContext, delivery_ids: Sequence[str], now: datetime) -> dict[str, Plan | str]:
    with ctx.database.session() as session:
        return dict(outbox.plans(session, delivery_ids, now=now))


def deliver(ctx: JobContext, items: Sequence[Item]) -> None:
    run(ctx, items, _subscriptions, job_kind=KIND)


def run(ctx: JobContext, items: Sequence[Item], planner: Planner, *, job_kind: str) -> None:
    """One try of each delivery of the batch, as planned by `planner`; retries are jobs of
    `job_kind`."""
    if ctx.cancelled:
        return
    now = utcnow()
    ids = {item.seq: _delivery_id(item) for item in items}
    found = planner(ctx, [i for i in ids.values() if i], now)
    to_send: list[tuple[Item, Plan]] = []
    skipped: list[tuple[Item, str, Plan | None]] = []
    for item in items:
        plan = found.get(ids[item.seq] or "")
        if plan is None:
            skipped.append((item, "the delivery no longer exists (its webhook was deleted, or a try sent it)", None))
        elif isinstance(plan, str):
            skipped.append((item, plan, None))
        elif plan.state != outbox.PENDING:
            skipped.append((item, f"the delivery is already {plan.state}", None))
        elif not plan.sendable:
            skipped.append((item, plan.refusal or "the webhook is disabled", plan))
        else:
            to_send.append((item, plan))
    requests = [
        sender.Request(
            delivery_id=plan.delivery_id,
            url=plan.url,
            event=plan.event,
            body=plan.body,
            signature=plan.signature,
            timestamp=iso(now) or "",
            headers=plan.headers,
        )
        for _, plan in to_send
    ]
    results = sender.send_all(
        requests,
        allow_private=ctx.settings.webhook_allow_private,
        timeout=ctx.settings.webhook_timeout_seconds,
    )
    with ctx.record() as rec:
        done_at = utcnow()
        retries: dict[datetime, list[str]] = {}
        events: list[Event] = []
        for item, reason, maybe in skipped:
            if maybe is not None:
                why = maybe.refusal or "the webhook was disabled before this try"
                outbox.give_up(rec.session, maybe, why, now=done_at)
            rec.skipped(item.seq, reason)
        for (item, plan), result in zip(to_send, results, strict=True):
            recorded = outbox.record(rec.session, plan, result, now=done_at)
            if recorded is None:
                rec.skipped(item.seq, "the delivery was recorded by another try")
            elif result.ok:
                rec.done(item.seq, {"statusCode": result.status_code, "durationMs": result.duration_ms})
            else:
                if recorded.retry_at is not None:
                    retries.setdefault(recorded.retry_at, []).append(plan.delivery_id)
                    reason = f"{result.summary()}; try {plan.attempts + 1}, next at {iso(recorded.retry_at)}"
                else:
                    reason = f"{result.summary()}; try {plan.attempts + 1}, the last"
                if recorded.disabled is not None:
                    events.append(recorded.disabled)
                rec.failed(item.seq, reason)
        outbox.schedule(rec.session, ctx.organization_id, retries, job_kind=job_kind)
        publish(rec.session, events)
        outbox.prune(rec.session, (plan.webhook_id for _, plan in to_send if plan.webhook_id), now=done_at)
        for kind in sorted({plan.kind for _, plan in to_send if plan.webhook_id is None}):
            channels.prune(rec.session, kind=kind, now=done_at)


register(KIND, deliver, batch_size=BATCH)
