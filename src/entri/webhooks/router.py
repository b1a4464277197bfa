"""Webhook routes (entri-api.md §4.8; docs/webhooks.md): the same operations
under an organization (`:orgId` = `current` or the caller's own id) and under a project.
Thin: resolve the scope, call one service function, shape JSON. Token scope
`webhooks:read|write`; admins and owners only (the service checks)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.clock import iso
from entri.core.deps import AppSettings, DbSession, Paging
from entri.core.pagination import envelope
from entri.core.schemas import ERROR_RESPONSES
from entri.organizations.service import resolve_org_id
from entri.projects import service as projects
from entri.projects.deps import ReadProject
from entri.webhooks import service
from entri.webhooks.models import Webhook, WebhookDelivery
from entri.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    ProjectWebhookCreate,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookRotated,
    WebhookUpdate,
)

router = APIRouter(tags=["Webhooks"], responses=ERROR_RESPONSES, dependencies=[scoped("webhooks")])

ORG = "/organizations/{org_id}/webhooks"
PROJECT = "/projects/{project_id}/webhooks"


def webhook_out(row: Webhook) -> dict[str, Any]:
    return {
        "_id": row.id,
        "url": row.url,
        "events": list(row.events),
        "projectId": row.project_id,
        "organizationId": row.organization_id,
        "description": row.description,
        "active": row.active,
        "disabledReason": row.disabled_reason,
        "previousSecretExpiresAt": iso(row.previous_secret_expires_at),
        "created": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
    }


def _with_secret(result: service.WithSecret) -> dict[str, Any]:
    return {**webhook_out(result.webhook), "secret": result.secret}


def delivery_out(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "_id": row.id,
        "webhookId": row.webhook_id,
        "event": row.event,
        "state": row.state,
        "attempt": row.attempts,
        "statusCode": row.status_code,
        "durationMs": row.duration_ms,
        "response": row.response,
        "error": row.error,
        "nextRetryAt": iso(row.next_attempt_at),
        "deliveredAt": iso(row.delivered_at),
        "redeliveryOf": row.redelivery_of,
        "created": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
    }


def _project_id(session: DbSession, principal: CurrentPrincipal, project_id: str) -> str:
    """Sync (a write session's first statement may queue for the SQLite lock); archived
    projects keep their webhooks manageable."""
    return projects.get_project(session, principal=principal, project_id=project_id).id


# -- organization routes ---------------------------------------------------------------------
@router.post(ORG, status_code=201, response_model=WebhookCreated, summary="Create an organization webhook")
def create_org_webhook(
    org_id: str, body: WebhookCreate, session: DbSession, principal: CurrentPrincipal, settings: AppSettings
) -> dict[str, Any]:
    resolve_org_id(principal, org_id)
    created = service.create_webhook(
        session,
        principal=principal,
        url=body.url,
        events=body.events,
        description=body.description,
        active=body.active,
        project_id=body.projectId,
        allow_private=settings.webhook_allow_private,
    )
    return _with_secret(created)


@router.get(ORG, response_model=list[WebhookOut], summary="List the organization's webhooks (all projects)")
def list_org_webhooks(org_id: str, session: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    resolve_org_id(principal, org_id)
    return [webhook_out(w) for w in service.list_webhooks(session, principal=principal)]


@router.patch(ORG + "/{webhook_id}", response_model=WebhookOut, summary="Change a webhook")
def update_org_webhook(
    org_id: str,
    webhook_id: str,
    body: WebhookUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    settings: AppSettings,
) -> dict[str, Any]:
    resolve_org_id(principal, org_id)
    webhook = service.update_webhook(
        session,
        principal=principal,
        webhook_id=webhook_id,
        changes=body.model_dump(exclude_unset=True),
        allow_private=settings.webhook_allow_private,
    )
    return webhook_out(webhook)


@router.delete(ORG + "/{webhook_id}", status_code=204, summary="Delete a webhook and its delivery log")
def delete_org_webhook(org_id: str, webhook_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    resolve_org_id(principal, org_id)
    service.delete_webhook(session, principal=principal, webhook_id=webhook_id)
    return Response(status_code=204)


@router.post(ORG + "/{webhook_id}/test", status_code=201, response_model=DeliveryOut, summary="Send a test delivery")
def test_org_webhook(org_id: str, webhook_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    resolve_org_id(principal, org_id)
    return delivery_out(service.send_test(session, principal=principal, webhook_id=webhook_id))


@router.post(ORG + "/{webhook_id}/rotate-secret", response_model=WebhookRotated, summary="Rotate the signing secret")
def rotate_org_webhook(org_id: str, webhook_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    resolve_org_id(principal, org_id)
    return _with_secret(service.rotate_secret(session, principal=principal, webhook_id=webhook_id))


@router.get(ORG + "/{webhook_id}/deliveries", response_model=DeliveryPage, summary="The delivery log (paginated)")
def org_deliveries(
    org_id: str, webhook_id: str, session: DbSession, principal: CurrentPrincipal, page: Paging
) -> dict[str, Any]:
    resolve_org_id(principal, org_id)
    rows, total = service.list_deliveries(session, principal=principal, webhook_id=webhook_id, page=page)
    return envelope([delivery_out(r) for r in rows], total, page)


@router.post(
    ORG + "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=201,
    response_model=DeliveryOut,
    summary="Send a delivery again",
)
def redeliver_org(
    org_id: str, webhook_id: str, delivery_id: str, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    resolve_org_id(principal, org_id)
    return delivery_out(service.redeliver(session, principal=principal, webhook_id=webhook_id, delivery_id=delivery_id))


# -- project routes --------------------------------------------------------------------------
@router.post(PROJECT, status_code=201, response_model=WebhookCreated, summary="Create a project webhook")
def create_project_webhook(
    project_id: str, body: ProjectWebhookCreate, session: DbSession, principal: CurrentPrincipal, settings: AppSettings
) -> dict[str, Any]:
    created = service.create_webhook(
        session,
        principal=principal,
        url=body.url,
        events=body.events,
        description=body.description,
        active=body.active,
        project_id=_project_id(session, principal, project_id),
        allow_private=settings.webhook_allow_private,
    )
    return _with_secret(created)


@router.get(PROJECT, response_model=list[WebhookOut], summary="List a project's webhooks")
def list_project_webhooks(
    project: ReadProject, session: DbSession, principal: CurrentPrincipal
) -> list[dict[str, Any]]:
    return [webhook_out(w) for w in service.list_webhooks(session, principal=principal, project_id=project.id)]


@router.patch(PROJECT + "/{webhook_id}", response_model=WebhookOut, summary="Change a project webhook")
def update_project_webhook(
    project_id: str,
    webhook_id: str,
    body: WebhookUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    settings: AppSettings,
) -> dict[str, Any]:
    webhook = service.update_webhook(
        session,
        principal=principal,
        webhook_id=webhook_id,
        project_id=_project_id(session, principal, project_id),
        changes=body.model_dump(exclude_unset=True),
        allow_private=settings.webhook_allow_private,
    )
    return webhook_out(webhook)


@router.delete(PROJECT + "/{webhook_id}", status_code=204, summary="Delete a project webhook")
def delete_project_webhook(
    project_id: str, webhook_id: str, session: DbSession, principal: CurrentPrincipal
) -> Response:
    scope = _project_id(session, principal, project_id)
    service.delete_webhook(session, principal=principal, webhook_id=webhook_id, project_id=scope)
    return Response(status_code=204)


@router.post(
    PROJECT + "/{webhook_id}/test", status_code=201, response_model=DeliveryOut, summary="Send a test delivery"
)
def test_project_webhook(
    project_id: str, webhook_id: str, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    scope = _project_id(session, principal, project_id)
    return delivery_out(service.send_test(session, principal=principal, webhook_id=webhook_id, project_id=scope))


@router.post(
    PROJECT + "/{webhook_id}/rotate-secret", response_model=WebhookRotated, summary="Rotate the signing secret"
)
def rotate_project_webhook(
    project_id: str, webhook_id: str, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    scope = _project_id(session, principal, project_id)
    return _with_secret(service.rotate_secret(session, principal=principal, webhook_id=webhook_id, project_id=scope))


@router.get(PROJECT + "/{webhook_id}/deliveries", response_model=DeliveryPage, summary="The delivery log (paginated)")
def project_deliveries(
    webhook_id: str, project: ReadProject, session: DbSession, principal: CurrentPrincipal, page: Paging
) -> dict[str, Any]:
    rows, total = service.list_deliveries(
        session, principal=principal, webhook_id=webhook_id, page=page, project_id=project.id
    )
    return envelope([delivery_out(r) for r in rows], total, page)


@router.post(
    PROJECT + "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=201,
    response_model=DeliveryOut,
    summary="Send a delivery again",
)
def redeliver_project(
    project_id: str, webhook_id: str, delivery_id: str, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    scope = _project_id(session, principal, project_id)
    return delivery_out(
        service.redeliver(
            session, principal=principal, webhook_id=webhook_id, delivery_id=delivery_id, project_id=scope
        )
    )
