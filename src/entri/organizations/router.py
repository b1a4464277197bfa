"""Organization and member routes (spec §4.12, decisions.md 12, 15)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import ConfigDict, Field

from entri.core.clock import iso
from entri.core.config import get_settings
from entri.core.deps import CurrentPrincipal, DbSession, scoped
from entri.core.permissions import Role
from entri.core.schemas import ERROR_RESPONSES, RequestModel, ResponseModel, conflict
from entri.organizations import service
from entri.organizations.models import Organization

router = APIRouter(
    prefix="/organizations", tags=["Organization"], responses=ERROR_RESPONSES, dependencies=[scoped("settings")]
)

MemberRole = Role


class InviteBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "camille@acme.com", "role": "translator", "name": "Camille Dubois"}]}
    )

    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$", examples=["alice@acme.com"])
    role: MemberRole = Field(examples=["translator"])
    name: str | None = Field(default=None, max_length=200)


class RoleBody(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "reviewer"}]})

    role: MemberRole


class MemberOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "user_xyz",
                    "name": "Alice Martin",
                    "email": "alice@acme.com",
                    "role": "admin",
                    "joinedAt": "2025-03-01T09:00:00.000Z",
                    "pending": False,
                }
            ]
        }
    )

    userId: str
    name: str
    email: str
    role: str
    joinedAt: str
    pending: bool


class InviteOut(MemberOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "user_cam789",
                    "name": "Camille Dubois",
                    "email": "camille@acme.com",
                    "role": "translator",
                    "joinedAt": "2025-03-06T15:20:11.042Z",
                    "pending": True,
                    "inviteUrl": "https://entri.acme.com/invite/Zk3q9VwXr2LmT8yBn4HcJ6sPa1DfGe7U",
                    "inviteToken": "Zk3q9VwXr2LmT8yBn4HcJ6sPa1DfGe7U",
                }
            ]
        }
    )

    inviteUrl: str | None = Field(description="One-time link to set a password; null for an existing account")
    inviteToken: str | None


class OrganizationOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "_id": "org_789xyz",
                    "name": "Acme Inc",
                    "slug": "acme-inc",
                    "settings": {},
                    "createdAt": "2025-03-01T09:00:00.000Z",
                }
            ]
        }
    )

    id: str = Field(alias="_id")
    name: str
    slug: str
    settings: dict[str, Any]
    createdAt: str


def _org_out(org: Organization) -> dict[str, Any]:
    return {
        "_id": org.id,
        "name": org.name,
        "slug": org.slug,
        "settings": org.settings or {},
        "createdAt": iso(org.created_at),
    }


def _member_out(member: service.Member) -> dict[str, Any]:
    return {
        "userId": member.user.id,
        "name": member.user.name,
        "email": member.user.email,
        "role": member.membership.role,
        "joinedAt": iso(member.membership.joined_at),
        "pending": member.user.password_hash is None,
    }


@router.get("/{org_id}", response_model=OrganizationOut, summary="The caller's organization")
def get_org(org_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    org = service.get_organization(session, organization_id=service.resolve_org_id(principal, org_id))
    return _org_out(org)


@router.get("/{org_id}/members", response_model=list[MemberOut], summary="Members (plain array)")
def list_members(org_id: str, session: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    org = service.resolve_org_id(principal, org_id)
    return [_member_out(m) for m in service.list_members(session, organization_id=org)]


@router.post(
    "/{org_id}/members/invite",
    status_code=201,
    response_model=InviteOut,
    responses=conflict("the person is already a member of this organization"),
    summary="Invite a member; returns a one-time invitation URL",
)
def invite(org_id: str, body: InviteBody, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    service.resolve_org_id(principal, org_id)
    invitation = service.invite_member(session, principal=principal, email=body.email, role=body.role, name=body.name)
    url = f"{get_settings().public_url.rstrip('/')}/invite/{invitation.token}" if invitation.token else None
    return {**_member_out(invitation.member), "inviteUrl": url, "inviteToken": invitation.token}


@router.patch("/{org_id}/members/{user_id}", response_model=MemberOut, summary="Change a member's role")
def change_role(
    org_id: str, user_id: str, body: RoleBody, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    service.resolve_org_id(principal, org_id)
    return _member_out(service.change_role(session, principal=principal, user_id=user_id, role=body.role))


@router.delete("/{org_id}/members/{user_id}", status_code=204, summary="Remove a member")
def remove_member(org_id: str, user_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    service.resolve_org_id(principal, org_id)
    service.remove_member(session, principal=principal, user_id=user_id)
    return Response(status_code=204)
