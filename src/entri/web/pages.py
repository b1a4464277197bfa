"""Sign-in, the organization overview and the project page (import with its dry run, export)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from entri.analytics import service as analytics
from entri.auth import service as auth_service
from entri.auth.csrf import refuse_cross_origin
from entri.auth.deps import CurrentPrincipal, session_cookie_name
from entri.core.deps import AppSettings, DbSession, get_database, language_param
from entri.core.errors import ApiError, BadRequest, Unauthorized
from entri.core.pagination import MAX_LIMIT, PageParams
from entri.core.ratelimit import digest, throttle
from entri.files import exports, imports
from entri.files.detect import format_of
from entri.formats import FORMAT_IDS
from entri.organizations import service as orgs
from entri.projects import service as projects
from entri.translations import stats
from entri.web.context import PREFIX, MaybePrincipal, page, refusal, set_session_cookie

router = APIRouter()


def _to_login() -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, principal: MaybePrincipal) -> Response:
    if principal is not None:
        return RedirectResponse(PREFIX, status_code=303)
    return page(request, "login.html", None)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    settings: AppSettings,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """The form post of the sign-in page: same-origin only (no session yet, so no CSRF token),
    throttled like the API's sign-in, then `auth.service.login`."""
    refuse_cross_origin(request, settings.public_url)
    await throttle(request, "login-ip", request.client.host if request.client else "unknown")
    if email.strip():
        await throttle(request, "login", digest(orgs.normalize_email(email)))
    with get_database(request).session(write=True) as session:
        try:
            result = auth_service.login(session, email=email, password=password, session_days=settings.session_days)
        except Unauthorized as exc:
            return page(request, "login.html", None, status_code=401, error=str(exc), email=email)
    response = RedirectResponse(PREFIX, status_code=303)
    set_session_cookie(response, settings, result.cookie_value)
    return response


@router.post("/logout")
def logout(request: Request, principal: CurrentPrincipal, session: DbSession, settings: AppSettings) -> Response:
    """Checked like every cookie write (CSRF); htmx follows `HX-Redirect` to the sign-in page."""
    name = session_cookie_name(settings)
    cookie = request.cookies.get(name)
    if cookie and principal.token_id is None:
        auth_service.logout(session, cookie_value=cookie)
    response = Response(status_code=204, headers={"HX-Redirect": f"{PREFIX}/login"})
    response.delete_cookie(name, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax")
    return response


@router.get("", response_class=HTMLResponse)
def overview(request: Request, principal: MaybePrincipal, session: DbSession) -> Response:
    if principal is None:
        return _to_login()
    found, total = projects.list_projects(session, principal=principal, params=PageParams(page=1, limit=MAX_LIMIT))
    progress = {p.id: stats.completion(session, project_id=p.id) for p in found}
    organization = orgs.get_organization(session, organization_id=principal.organization_id)
    return page(
        request, "overview.html", principal, projects=found, total=total, progress=progress, organization=organization
    )


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, project_id: str, principal: MaybePrincipal, session: DbSession) -> Response:
    if principal is None:
        return _to_login()
    project = projects.get_project(session, principal=principal, project_id=project_id)
    progress = stats.completion(session, project_id=project.id)
    series = analytics.progress_over_time(session, principal=principal, project=project, days=30)
    return page(
        request,
        "project.html",
        principal,
        project=project,
        progress=progress,
        formats=FORMAT_IDS,
        series=series,
        peak=max([1, *(d["translations"] + d["reviews"] + d["approvals"] for d in series)]),
    )


@router.post("/projects/{project_id}/import", response_class=HTMLResponse)
async def import_file(
    request: Request,
    project_id: str,
    principal: CurrentPrincipal,
    language: Annotated[str, Form(max_length=35)],
    file: Annotated[UploadFile | None, File()] = None,
    content: Annotated[str | None, Form()] = None,
    filename: Annotated[str | None, Form(max_length=255)] = None,
    overwrite: Annotated[bool, Form()] = False,
    apply: Annotated[bool, Form()] = False,
) -> Response:
    """First a dry run of the uploaded file (its diff is shown); the page then posts the same
    bytes back (base64 in the form) with `apply` to import them for real."""
    if file is not None and file.filename:
        data = await file.read()
        name = file.filename
    elif content is not None and filename:
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            return refusal(request, BadRequest(["The file content is not valid base64"]))
        name = filename
    else:
        return refusal(request, BadRequest(["Choose a file to import"]))
    format_id = format_of(name, data, FORMAT_IDS)
    if format_id is None:
        return refusal(request, BadRequest([f"Cannot tell the format of '{name}' from its name and content"]))
    database = get_database(request)

    def run() -> Response:
        with database.session(write=True) as session:
            try:
                project = projects.get_project(session, principal=principal, project_id=project_id, for_write=True)
                lang = language_param(language)
                result = imports.import_file(
                    session,
                    principal=principal,
                    project=project,
                    language=lang,
                    format_id=format_id,
                    data=data,
                    overwrite=overwrite,
                    dry_run=not apply,
                )
            except ApiError as exc:
                return refusal(request, exc)
            summary = imports.summary(result, language=lang, format_id=format_id)
        return page(
            request,
            "_import_result.html",
            principal,
            project_id=project_id,
            summary=summary,
            applied=apply,
            filename=name,
            content=base64.b64encode(data).decode("ascii"),
            overwrite=overwrite,
        )

    return await run_in_threadpool(run)


@router.get("/projects/{project_id}/export")
def export_file(
    request: Request, project_id: str, principal: CurrentPrincipal, session: DbSession, language: str, format: str
) -> Response:
    project = projects.get_project(session, principal=principal, project_id=project_id)
    lang = language_param(language)
    exported = exports.export_file(
        session,
        principal=principal,
        project=project,
        language=lang,
        format_id=format,
        max_entries=request.app.state.settings.export_max_entries,
    )
    session.close()
    with get_database(request).session(write=True) as write:
        exports.announce(
            write,
            principal=principal,
            project=project,
            language=lang,
            format_id=format,
            namespace=None,
            exported=exported,
        )
    headers = {"Content-Disposition": f'attachment; filename="{exported.filename}"'}
    return Response(content=exported.content, media_type="application/octet-stream", headers=headers)
