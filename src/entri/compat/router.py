"""The compat token through the main API: project admins read and rotate it (docs/compat.md,
"The token"); and the compat webhook's delivery log ("Webhook"). The method-style API itself
is served by `transport.py`, not by a router."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from entri.auth.deps import CurrentPrincipal, scoped
from entri.compat import tokens, webhook
from entri.compat.schemas import CompatTokenOut, token_out
from entri.core.deps import AppSettings, DbSession, Paging, get_database
from entri.core.pagination import envelope
from entri.core.schemas import ERROR_RESPONSES
from entri.projects import service as projects
from entri.webhooks.router import delivery_out
from entri.webhooks.schemas import DeliveryPage

router = APIRouter(
    prefix="/projects/{project_id}/compat-token",
    tags=["Compat API"],
    responses=ERROR_RESPONSES,
    dependencies=[scoped("tokens")],
)


def _write_session(request: Request) -> Any:
    """A write session even for the GET: its first read may create the token."""
    session = get_database(request).session(write=True)
    try:
        yield session
    finally:
        session.close()


WriteSession = Annotated[Session, Depends(_write_session)]


@router.get(
    "",
    response_model=CompatTokenOut,
    summary="The project's token for the method-style API (made on first read)",
    description="Admins and owners; an API token also needs the `tokens:write` scope, since this hands out a "
    "credential. The token reaches only this project, through `/compat/api/{token}/{method}` (docs/compat.md).",
)
def get_compat_token(
    project_id: str, session: WriteSession, principal: CurrentPrincipal, settings: AppSettings
) -> dict[str, Any]:
    project = projects.get_project(session, principal=principal, project_id=project_id)
    row = tokens.current_or_new(session, principal=principal, project=project)
    return token_out(row, settings.public_url)


@router.post(
    "/rotate",
    response_model=CompatTokenOut,
    summary="Replace the project's method-style API token",
    description="The old token stops working at once.",
)
def rotate_compat_token(
    project_id: str, session: WriteSession, principal: CurrentPrincipal, settings: AppSettings
) -> dict[str, Any]:
    project = projects.get_project(session, principal=principal, project_id=project_id)
    row = tokens.rotate(session, principal=principal, project=project)
    return token_out(row, settings.public_url)


webhook_router = APIRouter(
    prefix="/projects/{project_id}/compat-webhook",
    tags=["Compat API"],
    responses=ERROR_RESPONSES,
    dependencies=[scoped("webhooks")],
)


@webhook_router.get(
    "/deliveries",
    response_model=DeliveryPage,
    summary="The compat webhook's delivery log (paginated)",
    description="Admins and owners (an API token needs `webhooks:read`). Deliveries of the method-style API's "
    "webhook (`settings.compat.webhookUrl`), newest first, in the webhook delivery log's shape with "
    '`webhookId` null (docs/compat.md, "Webhook").',
)
def compat_webhook_deliveries(
    project_id: str, session: DbSession, principal: CurrentPrincipal, page: Paging
) -> dict[str, Any]:
    project = projects.get_project(session, principal=principal, project_id=project_id)
    rows, total = webhook.delivery_log(session, principal=principal, project=project, page=page)
    return envelope([delivery_out(r) for r in rows], total, page)
