"""Organization, member and invitation routes (docs/permissions.md, docs/api-decisions.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core import crypto
from entri.core.clock import iso
from entri.core.deps import AppSettings, DbSession
from entri.core.schemas import ERROR_RESPONSES, conflict
from entri.organizations import invitations, service
from entri.organizations.models import Invitation, Organization
from entri.organizations.schemas import (
    InvitationOut,
    InviteBody,
    InviteOut,
    MemberOut,
    OrganizationOut,
    OrganizationUpdate,
    RoleBody,
    TransferBody,
    TransferOut,
)
from entri.projects import service as projects
from entri.translations import recheck

router = APIRouter(
    prefix="/organizations", tags=["Organization"], responses=ERROR_RESPONSES, dependencies=[scoped("settings")]
)


def _org_out(org: Organization) -> dict[str, Any]:
    return {
        "_id": org.id,
        "name": org.name,
        "slug": org.slug,
        "settings": service.public_settings(org),
        "createdAt": iso(org.created_at),
    }


def _member_out(member: service.Member) -> dict[str, Any]:
    return {
        "userId": member.user.id,
        "name": member.user.name,
        "email": member.user.email,
        "role": member.membership.role,
        "joinedAt": iso(member.membership.joined_at),
    }


def _invitation_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "_id": invitation.id,
        "email": invitation.email,
        "name": invitation.name,
        "role": invitation.role,
        "invitedBy": invitation.invited_by,
        "invitedAt": iso(invitation.created_at),
        "expiresAt": iso(invitation.expires_at),
    }


@router.get("/{org_id}", response_model=OrganizationOut, summary="The caller's organization")
def get_org(org_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    org = service.get_organization(session, organization_id=service.resolve_org_id(principal, org_id))
    return _org_out(org)


@router.patch(
    "/{org_id}", response_model=OrganizationOut, summary="Rename, or update settings (partial; docs/settings.md)"
)
def update_org(
    org_id: str, body: OrganizationUpdate, session: DbSession, principal: CurrentPrincipal, settings: AppSettings
) -> dict[str, Any]:
    org = service.update_organization(
        session,
        principal=principal,
        organization_id=service.resolve_org_id(principal, org_id),
        name=body.name,
        settings=body.settings,
        recheck=_recheck_organization,
        box=crypto.box(settings),
    )
    return _org_out(org)


@router.post(
    "/{org_id}/transfer-ownership",
    response_model=TransferOut,
    summary="Make another member the owner; the owner becomes an admin (owner only)",
)
def transfer_ownership(
    org_id: str, body: TransferBody, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    service.resolve_org_id(principal, org_id)
    owner, previous = service.transfer_ownership(session, principal=principal, user_id=body.userId)
    return {"owner": _member_out(owner), "previousOwner": _member_out(previous)}


def _recheck_organization(session: Session, organization_id: str) -> None:
    for project in projects.projects_of(session, organization_id=organization_id):
        recheck.recheck_project(session, project=project)


@router.get("/{org_id}/members", response_model=list[MemberOut], summary="Members (plain array)")
def list_members(org_id: str, session: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    org = service.resolve_org_id(principal, org_id)
    return [_member_out(m) for m in service.list_members(session, organization_id=org)]


@router.post(
    "/{org_id}/members/invite",
    status_code=201,
    response_model=InviteOut,
    responses=conflict("the person is already a member, or already has a live invitation"),
    summary="Invite someone by e-mail; returns a one-time invitation URL",
)
def invite(
    org_id: str,
    body: InviteBody,
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    settings: AppSettings,
) -> dict[str, Any]:
    service.resolve_org_id(principal, org_id)
    issued = invitations.invite(session, principal=principal, email=body.email, role=body.role, name=body.name)
    url = f"{public_base(request, settings)}/invite/{issued.token}"
    return {**_invitation_out(issued.invitation), "inviteUrl": url, "inviteToken": issued.token}


def public_base(request: Request, settings: AppSettings) -> str:
    """`ENTRI_PUBLIC_URL` when it is set, else the URL this request came to (the server's own
    default, `http://127.0.0.1:8080`, would send an invitee on another machine nowhere)."""
    if "public_url" in settings.model_fields_set:
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


@router.get("/{org_id}/invitations", response_model=list[InvitationOut], summary="Pending invitations (plain array)")
def list_invitations(org_id: str, session: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    service.resolve_org_id(principal, org_id)
    return [_invitation_out(i) for i in invitations.list_invitations(session, principal=principal)]


@router.delete("/{org_id}/invitations/{invitation_id}", status_code=204, summary="Revoke a pending invitation")
def revoke_invitation(org_id: str, invitation_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    service.resolve_org_id(principal, org_id)
    invitations.revoke(session, principal=principal, invitation_id=invitation_id)
    return Response(status_code=204)


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
