"""Session-cookie login for the web app (spec §2.2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ConfigDict, Field

from entri.auth import service
from entri.core.config import get_settings
from entri.core.deps import SESSION_COOKIE, CurrentPrincipal, DbSession
from entri.core.schemas import ERROR_RESPONSES, RequestModel, ResponseModel, conflict
from entri.organizations import service as orgs

router = APIRouter(prefix="/auth", tags=["Auth"], responses=ERROR_RESPONSES)


class LoginBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "alice@acme.com", "password": "correct-horse-battery-staple"}]}
    )

    email: str = Field(min_length=3, max_length=320, examples=["admin@localhost"])
    password: str = Field(min_length=1, max_length=1000)
    organizationId: str | None = Field(default=None, max_length=64)


class AcceptInviteBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "Zk3q9VwXr2LmT8yBn4HcJ6sPa1DfGe7U",
                    "password": "a-long-and-unique-passphrase",
                    "name": "Camille Dubois",
                }
            ]
        }
    )

    token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=8, max_length=1000)
    name: str | None = Field(default=None, max_length=200)


class MeOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "user_xyz",
                    "name": "Alice Martin",
                    "email": "alice@acme.com",
                    "role": "admin",
                    "organizationId": "org_789xyz",
                    "tokenId": None,
                    "projectId": None,
                }
            ]
        }
    )

    userId: str | None
    name: str
    email: str | None
    role: str
    organizationId: str
    tokenId: str | None
    projectId: str | None


def _me(
    principal_user_id: str | None,
    name: str,
    email: str | None,
    role: str,
    org: str,
    token_id: str | None = None,
    project_id: str | None = None,
) -> dict[str, Any]:
    return {
        "userId": principal_user_id,
        "name": name,
        "email": email,
        "role": role,
        "organizationId": org,
        "tokenId": token_id,
        "projectId": project_id,
    }


@router.post("/login", response_model=MeOut, summary="Sign in; sets an HTTP-only session cookie")
def login(body: LoginBody, response: Response, session: DbSession) -> dict[str, Any]:
    result = service.login(session, email=body.email, password=body.password, organization_id=body.organizationId)
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        result.cookie_value,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=settings.session_days * 86400,
        path="/",
    )
    return _me(
        result.user.id, result.user.name, result.user.email, result.membership.role, result.membership.organization_id
    )


@router.post("/logout", status_code=204, summary="Sign out and end the session")
def logout(request: Request, session: DbSession) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        service.logout(session, cookie_value=cookie)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=MeOut, summary="Who the current credentials belong to")
def me(principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    user = orgs.get_user(session, user_id=principal.user_id) if principal.user_id else None
    return _me(
        principal.user_id,
        principal.display_name,
        user.email if user else None,
        principal.role,
        principal.organization_id,
        principal.token_id,
        principal.project_id,
    )


@router.post(
    "/accept-invite",
    response_model=MeOut,
    responses=conflict("the account already has a password (sign in instead)"),
    summary="Set a password with a one-time invitation token",
)
def accept_invite(body: AcceptInviteBody, session: DbSession) -> dict[str, Any]:
    member = orgs.accept_invite(session, token=body.token, password=body.password, name=body.name)
    return _me(
        member.user.id, member.user.name, member.user.email, member.membership.role, member.membership.organization_id
    )
