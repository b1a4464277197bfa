"""Invitations: how someone joins an organization (rules in docs/api-decisions.md).

An invitation is a row of the inviting organization, keyed by e-mail address, and nothing
else. Inviting never looks for an account with that address, so the response cannot reveal
one exists (or its name), and no membership exists until the invitee accepts. Accepting makes
the invitee a member of the inviting organization only:

- no account with that address yet: the token holder creates it, choosing the password;
- an account exists: the token holder must prove it is theirs with its password. The token
  never sets or resets an existing account's password, and never touches its other
  memberships.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.clock import utcnow
from entri.core.errors import BadRequest, Conflict, NotFound, Unauthorized
from entri.core.ids import new_id
from entri.core.permissions import Permission, Role
from entri.core.principal import Principal
from entri.core.security import hash_token, random_secret, verify_password
from entri.organizations import service as orgs
from entri.organizations.models import Invitation

INVITE_DAYS = 7
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str
    """Shown once, in the response to the inviter; only its hash is stored."""


def invite(session: Session, *, principal: Principal, email: str, role: Role, name: str | None) -> IssuedInvitation:
    """Invite `email` into the caller's organization; commits. A live invitation of the same
    address is a conflict (revoke it to send a new one); an expired one is replaced."""
    principal.require(Permission.MANAGE_MEMBERS)
    if role is Role.OWNER:
        raise BadRequest(["role 'owner' cannot be given by invitation; transfer ownership instead"])
    orgs.require_outranks(principal, role)
    email = orgs.normalize_email(email)
    organization_id = principal.organization_id
    # Only this organization's own members are looked at: that is no secret to its admins.
    if orgs.member_by_email(session, organization_id=organization_id, email=email) is not None:
        raise Conflict(f"{email} is already a member of this organization")
    now = utcnow()
    pending = session.scalar(
        select(Invitation).where(Invitation.organization_id == organization_id, Invitation.email == email)
    )
    if pending is not None:
        if pending.expires_at > now:
            raise Conflict(f"{email} already has a pending invitation; revoke it to send a new one")
        session.delete(pending)
        session.flush()
    token = random_secret(24)
    invitation = Invitation(
        id=new_id("inv"),
        organization_id=organization_id,
        email=email,
        name=name or email.split("@")[0],
        role=role.value,
        token_hash=hash_token(token),
        invited_by=principal.user_id,
        created_at=now,
        expires_at=now + timedelta(days=INVITE_DAYS),
    )
    session.add(invitation)
    # The address stays out of the trail: every member reads the feed, only member managers
    # see invitations (docs/activity.md).
    _announce(session, principal, "member.invited", invitation)
    try:
        session.commit()
    except IntegrityError:  # the same address invited at the same moment (PostgreSQL)
        session.rollback()
        raise Conflict(f"{email} already has a pending invitation; revoke it to send a new one") from None
    return IssuedInvitation(invitation=invitation, token=token)


def _announce(session: Session, principal: Principal, name: str, invitation: Invitation) -> None:
    orgs.announce(
        session,
        organization_id=invitation.organization_id,
        actor=Actor.of(principal),
        name=name,
        target_type="invitation",
        target_id=invitation.id,
        data={"invitationId": invitation.id, "name": invitation.name, "role": invitation.role},
    )


def list_invitations(session: Session, *, principal: Principal) -> list[Invitation]:
    """Not yet accepted, expired ones included (until replaced or revoked), newest first."""
    principal.require(Permission.MANAGE_MEMBERS)
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.organization_id == principal.organization_id)
            .order_by(Invitation.created_at.desc(), Invitation.email)
        )
    )


def revoke(session: Session, *, principal: Principal, invitation_id: str) -> None:
    principal.require(Permission.MANAGE_MEMBERS)
    invitation = session.get(Invitation, invitation_id) if len(invitation_id) <= 64 else None
    if invitation is None or invitation.organization_id != principal.organization_id:
        raise NotFound("Invitation not found")
    orgs.require_outranks(principal, Role(invitation.role))
    _announce(session, principal, "member.invitation_revoked", invitation)
    session.delete(invitation)
    session.commit()


def accept(session: Session, *, token: str, password: str, name: str | None) -> orgs.Member:
    """Turn the invitation into a membership of its organization; commits."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)).with_for_update())
    if invitation is None or invitation.expires_at <= utcnow():
        raise NotFound("Invitation not found or expired")
    user = orgs.find_user_by_email(session, email=invitation.email)
    if user is not None and not verify_password(user.password_hash, password):
        # The invitation stays valid: the invitee may have mistyped.
        raise Unauthorized("An account with this e-mail address already exists: accept with that account's password")
    if user is None and len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest([f"password: must be at least {MIN_PASSWORD_LENGTH} characters"])
    if user is not None and orgs.membership_of(session, organization_id=invitation.organization_id, user_id=user.id):
        session.delete(invitation)
        session.commit()
        raise Conflict("You are already a member of this organization")
    try:
        if user is None:
            user = orgs.create_user(session, email=invitation.email, name=name or invitation.name, password=password)
        membership = orgs.add_member(
            session, organization_id=invitation.organization_id, user_id=user.id, role=Role(invitation.role)
        )
        orgs.announce(
            session,
            organization_id=invitation.organization_id,
            actor=Actor(user_id=user.id, name=user.name),
            name="member.joined",
            target_type="member",
            target_id=user.id,
            data={"userId": user.id, "name": user.name, "role": invitation.role, "invitationId": invitation.id},
        )
        session.delete(invitation)
        session.commit()
    except IntegrityError:  # the account was created by another invitation at the same moment (PostgreSQL)
        session.rollback()
        raise Conflict("This e-mail address was just given an account by another request: try again") from None
    return orgs.Member(user=user, membership=membership)
