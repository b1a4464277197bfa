"""API token routes (docs/permissions.md): the full value appears only on creation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.clock import iso
from entri.core.deps import DbSession
from entri.core.schemas import ERROR_RESPONSES
from entri.organizations import service as orgs
from entri.projects.deps import ReadProject
from entri.tokens import service
from entri.tokens.models import ApiToken
from entri.tokens.schemas import TokenCreate, TokenCreated, TokenOut

router = APIRouter(tags=["API Tokens"], responses=ERROR_RESPONSES, dependencies=[scoped("tokens")])


def _out(row: ApiToken) -> dict[str, Any]:
    return {
        "_id": row.id,
        "name": row.name,
        "organizationId": row.organization_id,
        "projectId": row.project_id,
        "scopes": row.scopes or ["*"],
        "role": row.role,
        "hint": f"entri_…{row.token_hint}",
        "expiresAt": iso(row.expires_at),
        "lastUsedAt": iso(row.last_used_at),
        "created": iso(row.created_at),
    }


def _created(issued: service.IssuedToken) -> dict[str, Any]:
    return {**_out(issued.row), "token": issued.value}


@router.post(
    "/organizations/{org_id}/tokens", status_code=201, response_model=TokenCreated, summary="Create an org token"
)
def create_org_token(org_id: str, body: TokenCreate, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    orgs.resolve_org_id(principal, org_id)
    issued = service.create_token(
        session, principal=principal, name=body.name, role=body.role, scopes=body.scopes, expires_at=body.expiresAt
    )
    return _created(issued)


@router.get("/organizations/{org_id}/tokens", response_model=list[TokenOut], summary="List org tokens")
def list_org_tokens(org_id: str, session: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    orgs.resolve_org_id(principal, org_id)
    return [_out(t) for t in service.list_tokens(session, principal=principal)]


@router.delete("/organizations/{org_id}/tokens/{token_id}", status_code=204, summary="Revoke a token")
def revoke_org_token(org_id: str, token_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    orgs.resolve_org_id(principal, org_id)
    service.revoke_token(session, principal=principal, token_id=token_id)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/tokens", status_code=201, response_model=TokenCreated, summary="Create a project token"
)
def create_project_token(
    body: TokenCreate, project: ReadProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    issued = service.create_token(
        session,
        principal=principal,
        name=body.name,
        role=body.role,
        scopes=body.scopes,
        expires_at=body.expiresAt,
        project_id=project.id,
    )
    return _created(issued)


@router.get("/projects/{project_id}/tokens", response_model=list[TokenOut], summary="List project tokens")
def list_project_tokens(project: ReadProject, session: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    return [_out(t) for t in service.list_tokens(session, principal=principal, project_id=project.id)]


@router.delete("/projects/{project_id}/tokens/{token_id}", status_code=204, summary="Revoke a project token")
def revoke_project_token(
    token_id: str, project: ReadProject, session: DbSession, principal: CurrentPrincipal
) -> Response:
    service.revoke_token(session, principal=principal, token_id=token_id, project_id=project.id)
    return Response(status_code=204)
