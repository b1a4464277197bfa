"""The project page's additions: add/remove a language, project settings (the compat-API token
and its dangerous-method switches), and the glossary and translation-memory browsers.

Services: `projects.add_language` / `remove_language` / `update_project`, `compat.tokens`,
`glossary.service.list_glossaries` / `list_terms`, `memory.service.browse`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from entri.auth.deps import CurrentPrincipal
from entri.compat import settings as compat_settings
from entri.compat import tokens as compat_tokens
from entri.compat.schemas import token_out
from entri.core.deps import DbSession
from entri.core.errors import ApiError
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.glossary import service as glossary
from entri.memory import service as memory
from entri.projects import service as projects
from entri.projects.models import Project
from entri.projects.schemas import LanguageAdd
from entri.web.context import PREFIX, MaybePrincipal, page, refusal, validated

router = APIRouter()
PAGE = 50
REFRESH = {"HX-Refresh": "true"}
"""After a language change the whole project page is stale: htmx reloads it."""


def _to_login() -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


@router.post("/projects/{project_id}/languages", response_class=HTMLResponse)
def add_language(
    request: Request,
    project_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    language: Annotated[str, Form(max_length=35)],
) -> Response:
    try:
        body = validated(LanguageAdd, {"language": language.strip()})
        projects.add_language(session, principal=principal, project_id=project_id, language=body.language)
    except ApiError as exc:
        return refusal(request, exc)
    return Response(status_code=204, headers=REFRESH)


@router.post("/projects/{project_id}/languages/{language}/remove", response_class=HTMLResponse)
def remove_language(
    request: Request, project_id: str, language: str, principal: CurrentPrincipal, session: DbSession
) -> Response:
    try:
        projects.remove_language(session, principal=principal, project_id=project_id, language=language)
    except ApiError as exc:
        return refusal(request, exc)
    return Response(status_code=204, headers=REFRESH)


def _settings(
    request: Request,
    principal: Principal,
    session: Session,
    project: Project,
    *,
    notice: str | None = None,
    template: str = "_project_settings.html",
) -> HTMLResponse:
    """The compat token is a credential: only for those who may manage tokens (the service
    refuses everyone else, and its first read makes one)."""
    token = None
    if principal.can(Permission.MANAGE_TOKENS):
        token = token_out(
            compat_tokens.current_or_new(session, principal=principal, project=project),
            request.app.state.settings.public_url,
        )
    switches = {m: compat_settings.switch_on(project.settings, m) for m in compat_settings.DANGEROUS_METHODS}
    return page(request, template, principal, project=project, token=token, switches=switches, notice=notice)


@router.get("/projects/{project_id}/settings", response_class=HTMLResponse)
def settings_page(request: Request, project_id: str, principal: MaybePrincipal, session: DbSession) -> Response:
    if principal is None:
        return _to_login()
    project = projects.get_project(session, principal=principal, project_id=project_id)
    return _settings(request, principal, session, project, template="project_settings.html")


@router.post("/projects/{project_id}/settings/compat", response_class=HTMLResponse)
async def save_switches(request: Request, project_id: str, principal: CurrentPrincipal, session: DbSession) -> Response:
    form = await request.form()
    wanted = {
        compat_settings.SWITCHES[m]: form.get(compat_settings.SWITCHES[m]) == "true"
        for m in compat_settings.DANGEROUS_METHODS
    }
    try:
        project = projects.update_project(
            session, principal=principal, project_id=project_id, changes={"settings": {"compat": wanted}}
        )
    except ApiError as exc:
        return refusal(request, exc)
    return _settings(request, principal, session, project, notice="Saved.")


@router.post("/projects/{project_id}/compat-token/rotate", response_class=HTMLResponse)
def rotate_token(request: Request, project_id: str, principal: CurrentPrincipal, session: DbSession) -> Response:
    try:
        project = projects.get_project(session, principal=principal, project_id=project_id)
        compat_tokens.rotate(session, principal=principal, project=project)
    except ApiError as exc:
        return refusal(request, exc)
    return _settings(request, principal, session, project, notice="A new token: the old one stopped working.")


@router.get("/projects/{project_id}/glossary", response_class=HTMLResponse)
def glossary_page(
    request: Request,
    project_id: str,
    principal: MaybePrincipal,
    session: DbSession,
    glossary_id: str = "",
    q: str = "",
    page_number: int = 1,
) -> Response:
    if principal is None:
        return _to_login()
    project = projects.get_project(session, principal=principal, project_id=project_id)
    found, _ = glossary.list_glossaries(
        session, principal=principal, organization_id=principal.organization_id, page=PageParams(page=1, limit=100)
    )
    chosen = glossary_id or (found[0].id if found else "")
    terms: list[object] = []
    total = 0
    params = PageParams(page=max(1, page_number), limit=PAGE)
    if chosen:
        _, rows, total = glossary.list_terms(
            session,
            principal=principal,
            organization_id=principal.organization_id,
            glossary_id=chosen[:64],
            page=params,
            q=q[:200] or None,
        )
        terms = list(rows)
    return page(
        request, "glossary.html", principal, project=project, glossaries=found, chosen=chosen, terms=terms,
        total=total, q=q, page_number=params.page, pages=max(1, -(-total // PAGE)),
    )  # fmt: skip


@router.get("/projects/{project_id}/memory", response_class=HTMLResponse)
def memory_page(
    request: Request,
    project_id: str,
    principal: MaybePrincipal,
    session: DbSession,
    language: str = "",
    q: str = "",
    page_number: int = 1,
) -> Response:
    """The organization's translation memory from this project's source language."""
    if principal is None:
        return _to_login()
    project = projects.get_project(session, principal=principal, project_id=project_id)
    target = language if language in project.target_languages else None
    params = PageParams(page=max(1, page_number), limit=PAGE)
    filters = memory.BrowseFilters(source_language=project.source_language, target_language=target, q=q[:200] or None)
    rows, total = memory.browse(session, principal=principal, filters=filters, params=params)
    return page(
        request, "memory.html", principal, project=project, entries=rows, total=total, q=q, language=target or "",
        page_number=params.page, pages=max(1, -(-total // PAGE)),
    )  # fmt: skip
