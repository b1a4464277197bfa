"""API token routes (spec §4.9, decisions.md 11): the full value appears only on creation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import ConfigDict, Field

from entri.core.clock import iso, utcnow
from entri.core.deps import CurrentPrincipal, DbSession, scoped
from entri.core.errors import BadRequest
from entri.core.permissions import Permission, Role
from entri.core.principal import Principal
from entri.core.schemas import ERROR_RESPONSES, RequestModel, ResponseModel
from entri.organizations import service as orgs
from entri.projects.deps import ReadProject
from entri.tokens import service
from entri.tokens.models import ApiToken

router = APIRouter(tags=["API Tokens"], responses=ERROR_RESPONSES, dependencies=[scoped("tokens")])

_TOKEN: dict[str, Any] = {
    "_id": "tok_abc123",
    "name": "GitHub Actions — main repo",
    "organizationId": "org_789xyz",
    "projectId": None,
    "scopes": ["translations:read", "translations:write"],
    "role": "developer",
    "hint": "entri_…x7Qa",
    "expiresAt": "2030-01-01T00:00:00.000Z",
    "lastUsedAt": "2025-03-10T08:15:42.000Z",
    "created": "2025-03-01T10:00:00.000Z",
}


class TokenCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "GitHub Actions — main repo",
                    "scopes": ["translations:read", "translations:write"],
                    "expiresAt": "2030-01-01T00:00:00.000Z",
                    "role": "developer",
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=200, examples=["GitHub Actions — main repo"])
    scopes: list[str] = Field(
        default_factory=list, max_length=50, examples=[["translations:read", "translations:write"]]
    )
    expiresAt: datetime | None = None
    role: Role = Role.DEVELOPER


class TokenOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_TOKEN]})

    id: str = Field(alias="_id")
    name: str
    organizationId: str
    projectId: str | None
    scopes: list[str]
    role: str
    hint: str
    expiresAt: str | None
    lastUsedAt: str | None
    created: str


class TokenCreated(TokenOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_TOKEN,
                    "lastUsedAt": None,
                    "token": "entri_3Jv8kQ2mZr7TxWc5Lp9HbN4sYd6FgA1eUo0RiKwx7Qa",
                }
            ]
        }
    )

    token: str


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


def _create(session: DbSession, principal: Principal, body: TokenCreate, project_id: str | None) -> dict[str, Any]:
    principal.require(Permission.MANAGE_TOKENS)
    if body.role is Role.OWNER:
        raise BadRequest(["role: a token cannot have the owner role"])
    expires_at = body.expiresAt
    if expires_at is not None and expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)  # an offset-less time is UTC, as everywhere here
    if expires_at is not None and expires_at <= utcnow():
        raise BadRequest(["expiresAt must be in the future"])
    issued = service.issue_token(
        session,
        organization_id=principal.organization_id,
        name=body.name,
        role=body.role.value,
        created_by=principal.user_id,
        creator_role=principal.role,
        project_id=project_id,
        scopes=body.scopes,
        expires_at=expires_at,
    )
    session.commit()
    return {**_out(issued.row), "token": issued.value}


@router.post(
    "/organizations/{org_id}/tokens", status_code=201, response_model=TokenCreated, summary="Create an org token"
)
def create_org_token(org_id: str, body: TokenCreate, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    orgs.resolve_org_id(principal, org_id)
    return _create(session, principal, body, None)


@router.get("/organizations/{org_id}/tokens", response_model=list[TokenOut], summary="List org tokens")
def list_org_tokens(org_id: str, session: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    org = orgs.resolve_org_id(principal, org_id)
    principal.require(Permission.MANAGE_TOKENS)
    return [_out(t) for t in service.list_tokens(session, organization_id=org)]


@router.delete("/organizations/{org_id}/tokens/{token_id}", status_code=204, summary="Revoke a token")
def revoke_org_token(org_id: str, token_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    orgs.resolve_org_id(principal, org_id)
    principal.require(Permission.MANAGE_TOKENS)
    service.revoke_token(session, principal=principal, token_id=token_id)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/tokens", status_code=201, response_model=TokenCreated, summary="Create a project token"
)
def create_project_token(
    body: TokenCreate, project: ReadProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    return _create(session, principal, body, project.id)


@router.get("/projects/{project_id}/tokens", response_model=list[TokenOut], summary="List project tokens")
def list_project_tokens(project: ReadProject, session: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    principal.require(Permission.MANAGE_TOKENS)
    return [
        _out(t) for t in service.list_tokens(session, organization_id=project.organization_id, project_id=project.id)
    ]


@router.delete("/projects/{project_id}/tokens/{token_id}", status_code=204, summary="Revoke a project token")
def revoke_project_token(
    token_id: str, project: ReadProject, session: DbSession, principal: CurrentPrincipal
) -> Response:
    principal.require(Permission.MANAGE_TOKENS)
    service.revoke_token(session, principal=principal, token_id=token_id, project_id=project.id)
    return Response(status_code=204)
