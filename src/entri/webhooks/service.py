"""Webhook subscriptions: create, list, change, delete, rotate the secret, send a test, read
the delivery log and redeliver (entri-api.md §4.8; docs/webhooks.md).

Route-level functions: each checks the caller's permission (admins and owners manage
webhooks), commits, and publishes `webhook.created|updated|deleted` for the activity trail.
`project_id` narrows a call to one project's subscriptions (the project routes); None is the
organization route, which sees every subscription of the organization. Anything outside
answers 404, the same as an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.clock import utcnow
from entri.core.errors import BadRequest, NotFound
from entri.core.events import Event, publish
from entri.core.ids import new_id
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.projects import service as projects
from entri.webhooks import guard, outbox
from entri.webhooks.models import Webhook, WebhookDelivery
from entri.webhooks.rules import ALL, EVENTS, MAX_WEBHOOKS, PREVIOUS_SECRET_DAYS, TEST_EVENT
from entri.webhooks.signing import new_secret


@dataclass(frozen=True, slots=True)
class WithSecret:
    webhook: Webhook
    secret: str


def _require(principal: Principal) -> None:
    principal.require(Permission.MANAGE_SETTINGS)


def clean_events(values: Sequence[str]) -> list[str]:
    """Known names, each once, in the order given; `*` alone stands for all. 400 naming any
    unknown one."""
    unknown = [v for v in values if v != ALL and v not in EVENTS]
    if unknown:
        known = ", ".join(EVENTS)
        raise BadRequest([f"events: unknown event '{v}' (known: {known}; or \"*\" for all)" for v in unknown])
    if not values:
        raise BadRequest(["events should not be empty"])
    return [ALL] if ALL in values else list(dict.fromkeys(values))


def _url(url: str, *, allow_private: bool) -> str:
    try:
        guard.validate(url, allow_private=allow_private)
    except guard.Refused as exc:
        raise BadRequest([str(exc)]) from None
    return url


def _event(name: str, webhook: Webhook, principal: Principal | None, **data: Any) -> Event:
    return Event(
        name=name,
        organization_id=webhook.organization_id,
        actor=Actor.of(principal) if principal else None,
        project_id=webhook.project_id,
        target_type="webhook",
        target_id=webhook.id,
        data={"host": guard.host_of(webhook.url), "events": list(webhook.events), "active": webhook.active, **data},
    )


def create_webhook(
    session: Session,
    *,
    principal: Principal,
    url: str,
    events: Sequence[str],
    description: str | None,
    active: bool,
    project_id: str | None,
    allow_private: bool,
) -> WithSecret:
    _require(principal)
    if project_id is not None:
        try:
            projects.get_project(session, principal=principal, project_id=project_id)
        except NotFound:
            raise BadRequest(["projectId: no project with this id in the organization"]) from None
    names = clean_events(events)
    _url(url, allow_private=allow_private)
    count = session.scalar(
        select(func.count()).select_from(Webhook).where(Webhook.organization_id == principal.organization_id)
    )
    if (count or 0) >= MAX_WEBHOOKS:
        raise BadRequest([f"an organization has at most {MAX_WEBHOOKS} webhooks"])
    now = utcnow()
    secret = new_secret()
    webhook = Webhook(
        id=new_id("whk"),
        organization_id=principal.organization_id,
        project_id=project_id,
        url=url,
        events=names,
        description=description,
        active=active,
        secret=secret,
        consecutive_failures=0,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(webhook)
    session.flush()
    publish(session, [_event("webhook.created", webhook, principal)])
    session.commit()
    return WithSecret(webhook=webhook, secret=secret)


def list_webhooks(session: Session, *, principal: Principal, project_id: str | None = None) -> list[Webhook]:
    _require(principal)
    query = select(Webhook).where(Webhook.organization_id == principal.organization_id)
    if project_id is not None:
        query = query.where(Webhook.project_id == project_id)
    return list(session.scalars(query.order_by(Webhook.created_at, Webhook.id)))


def get_webhook(session: Session, *, principal: Principal, webhook_id: str, project_id: str | None = None) -> Webhook:
    _require(principal)
    webhook = session.get(Webhook, webhook_id) if len(webhook_id) <= 64 else None
    if (
        webhook is None
        or webhook.organization_id != principal.organization_id
        or (project_id is not None and webhook.project_id != project_id)
        or (principal.project_id is not None and webhook.project_id != principal.project_id)
    ):
        raise NotFound("Webhook not found")
    return webhook


def update_webhook(
    session: Session,
    *,
    principal: Principal,
    webhook_id: str,
    changes: dict[str, Any],
    project_id: str | None = None,
    allow_private: bool,
) -> Webhook:
    """Apply the fields given (`url`, `events`, `description`, `active`). Turning a webhook
    back on clears its failure count and the reason it was turned off."""
    webhook = get_webhook(session, principal=principal, webhook_id=webhook_id, project_id=project_id)
    if "events" in changes:
        webhook.events = clean_events(changes["events"])
    if "url" in changes:
        webhook.url = _url(changes["url"], allow_private=allow_private)
    if "description" in changes:
        webhook.description = changes["description"]
    if "active" in changes:
        if changes["active"] and not webhook.active:
            webhook.consecutive_failures = 0
            webhook.disabled_reason = None
        webhook.active = bool(changes["active"])
    webhook.updated_at = utcnow()
    session.flush()
    publish(session, [_event("webhook.updated", webhook, principal, changed=sorted(changes))])
    session.commit()
    return webhook


def delete_webhook(session: Session, *, principal: Principal, webhook_id: str, project_id: str | None = None) -> None:
    """Delete the subscription and its delivery log; tries still scheduled find nothing to send."""
    webhook = get_webhook(session, principal=principal, webhook_id=webhook_id, project_id=project_id)
    publish(session, [_event("webhook.deleted", webhook, principal)])
    session.delete(webhook)
    session.commit()


def rotate_secret(
    session: Session, *, principal: Principal, webhook_id: str, project_id: str | None = None
) -> WithSecret:
    """A new secret, shown once; for PREVIOUS_SECRET_DAYS deliveries carry the old one's
    signature too (the latest old secret only: rotating twice drops the first)."""
    webhook = get_webhook(session, principal=principal, webhook_id=webhook_id, project_id=project_id)
    now = utcnow()
    secret = new_secret()
    webhook.previous_secret = webhook.secret
    webhook.previous_secret_expires_at = now + timedelta(days=PREVIOUS_SECRET_DAYS)
    webhook.secret = secret
    webhook.updated_at = now
    session.flush()
    publish(session, [_event("webhook.updated", webhook, principal, changed=["secret"])])
    session.commit()
    return WithSecret(webhook=webhook, secret=secret)


def send_test(
    session: Session, *, principal: Principal, webhook_id: str, project_id: str | None = None
) -> WebhookDelivery:
    """Queue a `webhook.test` delivery (sent even while the webhook is turned off)."""
    webhook = get_webhook(session, principal=principal, webhook_id=webhook_id, project_id=project_id)
    data = {
        "webhookId": webhook.id,
        "organizationId": webhook.organization_id,
        "projectId": webhook.project_id,
        "message": "A test delivery from Entri",
    }
    new = outbox.NewDelivery(
        webhook_id=webhook.id,
        organization_id=webhook.organization_id,
        project_id=webhook.project_id,
        event=TEST_EVENT,
        body=outbox.envelope(TEST_EVENT, utcnow(), data),
        manual=True,
    )
    (delivery_id,) = outbox.add(session, [new], created_by=principal.user_id)
    session.commit()
    return session.get_one(WebhookDelivery, delivery_id)


def list_deliveries(
    session: Session, *, principal: Principal, webhook_id: str, page: PageParams, project_id: str | None = None
) -> tuple[list[WebhookDelivery], int]:
    """The delivery log, newest first."""
    webhook = get_webhook(session, principal=principal, webhook_id=webhook_id, project_id=project_id)
    total = session.scalar(
        select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id)
    )
    rows = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .offset(page.offset)
        .limit(page.limit)
    )
    return list(rows), int(total or 0)


def redeliver(
    session: Session, *, principal: Principal, webhook_id: str, delivery_id: str, project_id: str | None = None
) -> WebhookDelivery:
    """Send a delivery's body again as a new delivery (its own id and tries; sent even while
    the webhook is turned off, and signed with the current secret)."""
    webhook = get_webhook(session, principal=principal, webhook_id=webhook_id, project_id=project_id)
    original = session.get(WebhookDelivery, delivery_id) if len(delivery_id) <= 64 else None
    if original is None or original.webhook_id != webhook.id:
        raise NotFound("Delivery not found")
    new = outbox.NewDelivery(
        webhook_id=webhook.id,
        organization_id=original.organization_id,
        project_id=original.project_id,
        event=original.event,
        body=original.body,
        manual=True,
        redelivery_of=original.id,
    )
    (new_id_,) = outbox.add(session, [new], created_by=principal.user_id)
    session.commit()
    return session.get_one(WebhookDelivery, new_id_)
