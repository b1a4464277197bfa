"""Webhooks (create with the secret shown once, delivery log, redeliver, test) and the
organization's activity feed with its filters: `webhooks.service` and `activity.service`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from entri.activity import service as activity
from entri.auth.deps import CurrentPrincipal
from entri.core.deps import AppSettings, DbSession, language_param
from entri.core.errors import ApiError
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.vocabularies import Source
from entri.projects import service as projects
from entri.web.context import PREFIX, MaybePrincipal, page, refusal, validated
from entri.webhooks import service as hooks
from entri.webhooks.schemas import WebhookCreate

router = APIRouter()
PAGE = 50


def _to_login() -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


def _messages(exc: ApiError) -> list[str]:
    return exc.message if isinstance(exc.message, list) else [exc.message]


def _webhooks(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: list[str] | None = None,
    secret: str | None = None,
    status_code: int = 200,
    template: str = "_webhooks.html",
) -> HTMLResponse:
    return page(
        request,
        template,
        principal,
        status_code=status_code,
        webhooks=hooks.list_webhooks(session, principal=principal),
        error=error,
        secret=secret,
    )


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks_page(request: Request, principal: MaybePrincipal, session: DbSession) -> Response:
    if principal is None:
        return _to_login()
    if not principal.can(Permission.MANAGE_SETTINGS):
        return page(request, "forbidden.html", principal, status_code=403, what="Webhooks")
    return _webhooks(request, principal, session, template="webhooks.html")


@router.post("/webhooks", response_class=HTMLResponse)
def create_webhook(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    url: Annotated[str, Form(max_length=2000)],
    events: Annotated[str, Form(max_length=2000)] = "*",
    description: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """`events`: space- or comma-separated event names, `*` for all."""
    names = [e for e in events.replace(",", " ").split() if e] or ["*"]
    try:
        body = validated(
            WebhookCreate, {"url": url.strip(), "events": names, "description": description.strip() or None}
        )
        created = hooks.create_webhook(
            session,
            principal=principal,
            url=body.url,
            events=body.events,
            description=body.description,
            active=body.active,
            project_id=body.projectId,
            allow_private=settings.webhook_allow_private,
        )
    except ApiError as exc:
        session.rollback()
        if not principal.can(Permission.MANAGE_SETTINGS):
            return refusal(request, exc)
        return _webhooks(request, principal, session, error=_messages(exc), status_code=exc.status_code)
    return _webhooks(request, principal, session, secret=created.secret)


def _deliveries(
    request: Request,
    principal: Principal,
    session: Session,
    webhook_id: str,
    *,
    notice: str | None = None,
    page_number: int = 1,
    template: str = "_deliveries.html",
) -> HTMLResponse:
    webhook = hooks.get_webhook(session, principal=principal, webhook_id=webhook_id)
    params = PageParams(page=page_number, limit=PAGE)
    rows, total = hooks.list_deliveries(session, principal=principal, webhook_id=webhook.id, page=params)
    return page(
        request,
        template,
        principal,
        webhook=webhook,
        deliveries=rows,
        total=total,
        page_number=page_number,
        pages=max(1, -(-total // PAGE)),
        notice=notice,
    )


@router.get("/webhooks/{webhook_id}", response_class=HTMLResponse)
def webhook_page(
    request: Request, webhook_id: str, principal: MaybePrincipal, session: DbSession, page_number: int = 1
) -> Response:
    if principal is None:
        return _to_login()
    try:
        return _deliveries(
            request, principal, session, webhook_id, page_number=max(1, page_number), template="webhook.html"
        )
    except ApiError as exc:
        return page(request, "forbidden.html", principal, status_code=exc.status_code, what=str(exc))


@router.post("/webhooks/{webhook_id}/test", response_class=HTMLResponse)
def send_test(request: Request, webhook_id: str, principal: CurrentPrincipal, session: DbSession) -> Response:
    try:
        hooks.send_test(session, principal=principal, webhook_id=webhook_id)
    except ApiError as exc:
        return refusal(request, exc)
    return _deliveries(request, principal, session, webhook_id, notice="Test delivery queued.")


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", response_class=HTMLResponse)
def redeliver(
    request: Request, webhook_id: str, delivery_id: str, principal: CurrentPrincipal, session: DbSession
) -> Response:
    try:
        hooks.redeliver(session, principal=principal, webhook_id=webhook_id, delivery_id=delivery_id)
    except ApiError as exc:
        return refusal(request, exc)
    return _deliveries(request, principal, session, webhook_id, notice="Delivery queued again.")


@router.get("/activity", response_class=HTMLResponse)
def activity_page(
    request: Request,
    principal: MaybePrincipal,
    session: DbSession,
    project: str = "",
    action: str = "",
    source: str = "",
    language: str = "",
    since: str = "",
    until: str = "",
    page_number: int = 1,
) -> Response:
    """Filters as `GET /api/organizations/current/activity` takes them (a bad one is a 400
    shown above the feed)."""
    if principal is None:
        return _to_login()
    query = {
        "project": project,
        "action": action,
        "source": source,
        "language": language,
        "since": since,
        "until": until,
    }
    found = projects.projects_of(session, organization_id=principal.organization_id)
    try:
        principal.require(Permission.VIEW)
        filters = activity.filters_of(
            project_id=project[:64] or None,
            action=action[:64] or None,
            user_id=None,
            target_type=None,
            source=source or None,
            language=language_param(language[:35]) if language else None,
            since=since[:64] or None,
            until=until[:64] or None,
        )
        params = PageParams(page=max(1, page_number), limit=PAGE)
        rows, total = activity.list_entries(
            session, organization_id=principal.organization_id, filters=filters, params=params
        )
    except ApiError as exc:
        return page(
            request, "activity.html", principal, status_code=exc.status_code, error=_messages(exc), entries=[],
            total=0, query=query, projects=found, page_number=1, pages=1, sources=_SOURCES,
        )  # fmt: skip
    return page(
        request, "activity.html", principal, entries=rows, total=total, query=query, projects=found,
        page_number=params.page, pages=max(1, -(-total // PAGE)), sources=_SOURCES, error=None,
    )  # fmt: skip


_SOURCES = tuple(s.value for s in Source)
