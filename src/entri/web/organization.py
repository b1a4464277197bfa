"""The organization's pages: settings, members and invitations, API tokens.

Each form is checked by the API's own request model and handed to the service the API calls;
what the service refuses is shown in the form (next to its field for the settings), with the
service's status code. Actions answer the section they change, re-rendered.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from entri.auth.deps import CurrentPrincipal
from entri.checks.registry import all_checks
from entri.core import crypto
from entri.core.deps import AppSettings, DbSession
from entri.core.errors import ApiError, Forbidden
from entri.core.permissions import RANK, Permission, Role
from entri.core.principal import Principal
from entri.organizations import invitations
from entri.organizations import service as orgs
from entri.organizations import settings as org_settings
from entri.organizations.router import public_base
from entri.organizations.schemas import InviteBody, OrganizationUpdate, RoleBody
from entri.projects import service as projects
from entri.tokens import service as tokens
from entri.tokens.schemas import TokenCreate
from entri.translations import recheck
from entri.web.context import PREFIX, MaybePrincipal, field_errors, page, refusal, validated

router = APIRouter()

SECRET_FIELDS = org_settings.SECRET_FIELDS
TM_FIELDS = org_settings.TM_FIELDS


def _to_login() -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


def _messages(exc: ApiError) -> list[str]:
    return exc.message if isinstance(exc.message, list) else [exc.message]


# -- settings --------------------------------------------------------------------------------
def _settings_form(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    errors: dict[str, list[str]] | None = None,
    saved: bool = False,
    status_code: int = 200,
    template: str = "_settings_form.html",
) -> HTMLResponse:
    organization = orgs.get_organization(session, organization_id=principal.organization_id)
    shown = orgs.public_settings(organization)
    checks = all_checks()
    return page(
        request,
        template,
        principal,
        status_code=status_code,
        organization=organization,
        shown=shown,
        severities=(shown.get("checks") or {}).get("severities") or {},
        checks=checks,
        workflows=org_settings.WORKFLOWS,
        providers=org_settings.AI_PROVIDERS,
        secret_fields=SECRET_FIELDS,
        tm_fields=TM_FIELDS,
        errors=errors or {},
        saved=saved,
    )


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, principal: MaybePrincipal, session: DbSession) -> Response:
    if principal is None:
        return _to_login()
    return _settings_form(request, principal, session, template="settings.html")


def _recheck(session: Session, organization_id: str) -> None:
    """What `PATCH /api/organizations/…` passes: re-check every project when checks change."""
    for project in projects.projects_of(session, organization_id=organization_id):
        recheck.recheck_project(session, project=project)


def settings_patch(form: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """The form as a settings PATCH (docs/settings.md). Empty optional fields clear; a secret
    is sent only when typed (or cleared with its box); a check severity only when it changed
    (a change re-checks every translation)."""
    patch: dict[str, Any] = {
        "defaultSourceLanguage": form.get("defaultSourceLanguage", ""),
        "defaultTranslationWorkflow": form.get("defaultTranslationWorkflow", ""),
        "aiProvider": form.get("aiProvider") or None,
        "aiModel": (form.get("aiModel") or "").strip() or None,
        "toneInstructions": form.get("toneInstructions") or None,
        "tm": {name: form.get(f"tm_{name}") == "true" for name in TM_FIELDS},
    }
    raw = (form.get("aiConcurrency") or "").strip()
    patch["aiConcurrency"] = int(raw) if raw.isdigit() else raw  # the service names a bad one
    for name in SECRET_FIELDS:
        if form.get(f"clear_{name}") == "true":
            patch[name] = None
        elif (form.get(name) or "").strip():
            patch[name] = form[name]
    current = ((stored.get("checks") or {}).get("severities")) or {}
    changed: dict[str, Any] = {}
    for check_id in all_checks():
        wanted = form.get(f"check_{check_id}") or None
        if wanted != current.get(check_id):
            changed[check_id] = wanted
    if changed:
        patch["checks"] = {"severities": changed}
    return patch


@router.post("/settings", response_class=HTMLResponse)
async def save_settings(request: Request, principal: CurrentPrincipal, session: DbSession) -> Response:
    if not principal.can(Permission.MANAGE_SETTINGS):  # the service refuses too
        return refusal(request, Forbidden(f"Your role '{principal.role}' does not allow this action (manage_settings)"))
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    stored = orgs.settings_of(session, organization_id=principal.organization_id)
    settings = request.app.state.settings
    try:
        body = validated(
            OrganizationUpdate, {"name": form.get("name") or None, "settings": settings_patch(form, stored)}
        )
        orgs.update_organization(
            session,
            principal=principal,
            organization_id=principal.organization_id,
            name=body.name,
            settings=body.settings,
            recheck=_recheck,
            box=crypto.box(settings),
        )
    except ApiError as exc:
        session.rollback()
        return _settings_form(request, principal, session, errors=field_errors(exc), status_code=exc.status_code)
    return _settings_form(request, principal, session, saved=True)


# -- members and invitations -----------------------------------------------------------------
def _assignable(principal: Principal) -> list[str]:
    """Roles the caller may give (never owner; never above their own): the service decides."""
    mine = RANK[Role(principal.role)]
    return [r.value for r in Role if r is not Role.OWNER and RANK[r] <= mine]


def _members(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: list[str] | None = None,
    invite_url: str | None = None,
    status_code: int = 200,
    template: str = "_members.html",
) -> HTMLResponse:
    manage = principal.can(Permission.MANAGE_MEMBERS)
    return page(
        request,
        template,
        principal,
        status_code=status_code,
        members=orgs.list_members(session, organization_id=principal.organization_id),
        invitations=invitations.list_invitations(session, principal=principal) if manage else [],
        roles=_assignable(principal),
        error=error,
        invite_url=invite_url,
    )


@router.get("/members", response_class=HTMLResponse)
def members_page(request: Request, principal: MaybePrincipal, session: DbSession) -> Response:
    if principal is None:
        return _to_login()
    return _members(request, principal, session, template="members.html")


@router.post("/members/invite", response_class=HTMLResponse)
def invite(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[str, Form(max_length=20)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        body = validated(InviteBody, {"email": email.strip(), "role": role, "name": name.strip() or None})
        issued = invitations.invite(session, principal=principal, email=body.email, role=body.role, name=body.name)
    except ApiError as exc:
        session.rollback()
        return _members(request, principal, session, error=_messages(exc), status_code=exc.status_code)
    url = f"{public_base(request, settings)}/invite/{issued.token}"
    return _members(request, principal, session, invite_url=url)


@router.post("/members/{user_id}/role", response_class=HTMLResponse)
def change_role(
    request: Request,
    user_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        body = validated(RoleBody, {"role": role})
        orgs.change_role(session, principal=principal, user_id=user_id, role=body.role)
    except ApiError as exc:
        session.rollback()
        return _members(request, principal, session, error=_messages(exc), status_code=exc.status_code)
    return _members(request, principal, session)


@router.post("/members/{user_id}/remove", response_class=HTMLResponse)
def remove_member(request: Request, user_id: str, principal: CurrentPrincipal, session: DbSession) -> Response:
    try:
        orgs.remove_member(session, principal=principal, user_id=user_id)
    except ApiError as exc:
        session.rollback()
        return _members(request, principal, session, error=_messages(exc), status_code=exc.status_code)
    return _members(request, principal, session)


@router.post("/invitations/{invitation_id}/revoke", response_class=HTMLResponse)
def revoke_invitation(
    request: Request, invitation_id: str, principal: CurrentPrincipal, session: DbSession
) -> Response:
    try:
        invitations.revoke(session, principal=principal, invitation_id=invitation_id)
    except ApiError as exc:
        session.rollback()
        return _members(request, principal, session, error=_messages(exc), status_code=exc.status_code)
    return _members(request, principal, session)


# -- API tokens ------------------------------------------------------------------------------
def _tokens(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: list[str] | None = None,
    created: tokens.IssuedToken | None = None,
    status_code: int = 200,
    template: str = "_tokens.html",
) -> HTMLResponse:
    return page(
        request,
        template,
        principal,
        status_code=status_code,
        tokens=tokens.list_tokens(session, principal=principal),
        roles=_assignable(principal),
        error=error,
        created=created,
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, principal: MaybePrincipal, session: DbSession) -> Response:
    if principal is None:
        return _to_login()
    principal.require(Permission.MANAGE_TOKENS)
    return _tokens(request, principal, session, template="tokens.html")


@router.post("/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    name: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=20)],
    scopes: Annotated[str, Form(max_length=2000)] = "",
    expires: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """`scopes`: space- or comma-separated (`translations:read keys:write`); empty is every
    scope. `expires`: a date (the token works through that day's start, UTC) or nothing."""
    wanted = [s for s in scopes.replace(",", " ").split() if s]
    try:
        body = validated(
            TokenCreate, {"name": name.strip(), "role": role, "scopes": wanted, "expiresAt": expires.strip() or None}
        )
        issued = tokens.create_token(
            session, principal=principal, name=body.name, role=body.role, scopes=body.scopes, expires_at=body.expiresAt
        )
    except ApiError as exc:
        session.rollback()
        if not principal.can(Permission.MANAGE_TOKENS):
            return refusal(request, exc)
        return _tokens(request, principal, session, error=_messages(exc), status_code=exc.status_code)
    return _tokens(request, principal, session, created=issued)


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, token_id: str, principal: CurrentPrincipal, session: DbSession) -> Response:
    try:
        tokens.revoke_token(session, principal=principal, token_id=token_id)
    except ApiError as exc:
        session.rollback()
        if not principal.can(Permission.MANAGE_TOKENS):
            return refusal(request, exc)
        return _tokens(request, principal, session, error=_messages(exc), status_code=exc.status_code)
    return _tokens(request, principal, session)
