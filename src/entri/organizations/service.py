"""Organizations, users and membership: creation, bootstrap and member management."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from entri.core.clock import utcnow
from entri.core.errors import BadRequest, Conflict, Forbidden, NotFound
from entri.core.ids import new_id
from entri.core.permissions import RANK, Permission, Role
from entri.core.principal import Principal
from entri.core.security import hash_password, hash_token, random_secret
from entri.organizations.models import Membership, Organization, User

INVITE_DAYS = 7


def _slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60] or "org"


def create_organization(session: Session, *, name: str) -> Organization:
    base = _slugify(name)
    slug, n = base, 1
    while session.scalar(select(Organization.id).where(Organization.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    org = Organization(id=new_id("org"), name=name, slug=slug, settings={})
    session.add(org)
    session.flush()
    return org


def create_user(session: Session, *, email: str, name: str, password: str | None) -> User:
    email = email.strip().lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with email {email} already exists")
    user = User(id=new_id("user"), email=email, name=name, password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user


def add_member(session: Session, *, organization_id: str, user_id: str, role: Role) -> Membership:
    membership = Membership(organization_id=organization_id, user_id=user_id, role=role.value)
    session.add(membership)
    session.flush()
    return membership


def organization_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Organization)) or 0)


def get_organization(session: Session, *, organization_id: str) -> Organization:
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound("Organization not found")
    return org


def resolve_org_id(principal: Principal, org_id: str) -> str:
    """`current` or the caller's own id; any other org is a 404, never a hint it exists."""
    if org_id in ("current", principal.organization_id):
        if principal.project_id is not None:
            raise Forbidden("A project token cannot use organization routes")
        return principal.organization_id
    raise NotFound("Organization not found")


def get_user(session: Session, *, user_id: str) -> User | None:
    return session.get(User, user_id)


@dataclass(frozen=True)
class MemberProfile:
    name: str
    role: str


def member_profile(session: Session, *, organization_id: str, user_id: str) -> MemberProfile | None:
    """A user's name and role in an organization, in one query: every token request asks."""
    row = session.execute(_PROFILE, {"user_id": user_id, "organization_id": organization_id}).first()
    return MemberProfile(name=row[0], role=row[1]) if row is not None else None


_PROFILE = (
    select(User.name, Membership.role)
    .join(Membership, Membership.user_id == User.id)
    .where(User.id == bindparam("user_id"), Membership.organization_id == bindparam("organization_id"))
)
"""Built once: on a query this small, building the expression costs as much as running it."""


def find_user_by_email(session: Session, *, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def membership_of(session: Session, *, organization_id: str, user_id: str) -> Membership | None:
    return session.get(Membership, (organization_id, user_id))


def first_membership(session: Session, *, user_id: str) -> Membership | None:
    return session.scalar(
        select(Membership).where(Membership.user_id == user_id).order_by(Membership.joined_at).limit(1)
    )


@dataclass(frozen=True)
class Member:
    user: User
    membership: Membership


def list_members(session: Session, *, organization_id: str) -> list[Member]:
    rows = session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id)
        .order_by(Membership.joined_at, User.email)
    ).all()
    return [Member(user=u, membership=m) for u, m in rows]


@dataclass(frozen=True)
class Invitation:
    member: Member
    token: str | None
    """None when the invited person already has an account: they sign in as they are."""


def invite_member(session: Session, *, principal: Principal, email: str, role: Role, name: str | None) -> Invitation:
    principal.require(Permission.MANAGE_MEMBERS)
    if role is Role.OWNER:
        raise BadRequest(["role 'owner' cannot be given by invitation; transfer ownership instead"])
    _require_outranks(principal, role)
    user = find_user_by_email(session, email=email)
    if user is None:
        user = create_user(session, email=email, name=name or email.split("@")[0], password=None)
    elif membership_of(session, organization_id=principal.organization_id, user_id=user.id) is not None:
        raise Conflict(f"{user.email} is already a member of this organization")
    membership = add_member(session, organization_id=principal.organization_id, user_id=user.id, role=role)
    token = None
    if user.password_hash is None:
        # Only an account without a password gets a token that sets one: an admin of one
        # organization must never be able to choose the password of someone else's account.
        token = random_secret(24)
        membership.invite_token_hash = hash_token(token)
        membership.invite_expires_at = utcnow() + timedelta(days=INVITE_DAYS)
    session.commit()
    return Invitation(member=Member(user=user, membership=membership), token=token)


def accept_invite(session: Session, *, token: str, password: str, name: str | None) -> Member:
    membership = session.scalar(select(Membership).where(Membership.invite_token_hash == hash_token(token)))
    if membership is None or membership.invite_expires_at is None or membership.invite_expires_at < utcnow():
        raise NotFound("Invitation not found or expired")
    user = session.get(User, membership.user_id)
    assert user is not None
    membership.invite_token_hash = None
    membership.invite_expires_at = None
    if user.password_hash is not None:
        # Another invitation already set it; this token joins, it never resets a password.
        session.commit()
        raise Conflict("This account already has a password; sign in instead")
    user.password_hash = hash_password(password)
    if name:
        user.name = name
    session.commit()
    return Member(user=user, membership=membership)


def _target(session: Session, principal: Principal, user_id: str) -> Member:
    membership = membership_of(session, organization_id=principal.organization_id, user_id=user_id)
    user = session.get(User, user_id)
    if membership is None or user is None:
        raise NotFound("Member not found")
    return Member(user=user, membership=membership)


def _require_outranks(principal: Principal, role: Role) -> None:
    if RANK[Role(principal.role)] < RANK[role]:
        raise Forbidden(f"Your role '{principal.role}' cannot grant or change role '{role.value}'")


def change_role(session: Session, *, principal: Principal, user_id: str, role: Role) -> Member:
    principal.require(Permission.MANAGE_MEMBERS)
    member = _target(session, principal, user_id)
    if member.membership.role == Role.OWNER.value or role is Role.OWNER:
        raise Forbidden("The owner's role changes only through transfer of ownership")
    _require_outranks(principal, Role(member.membership.role))
    _require_outranks(principal, role)
    member.membership.role = role.value
    session.commit()
    return member


def remove_member(session: Session, *, principal: Principal, user_id: str) -> None:
    principal.require(Permission.MANAGE_MEMBERS)
    member = _target(session, principal, user_id)
    if member.membership.role == Role.OWNER.value:
        raise Forbidden("The owner cannot be removed; transfer ownership first")
    _require_outranks(principal, Role(member.membership.role))
    session.delete(member.membership)
    session.commit()
