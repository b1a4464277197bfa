"""Organizations, users and membership: creation, bootstrap and member management.
Invitations, which become memberships when accepted, are in `invitations.py`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from entri.core import crypto
from entri.core.actor import Actor
from entri.core.clock import utcnow
from entri.core.errors import BadRequest, Conflict, Forbidden, NotFound
from entri.core.events import Event, publish
from entri.core.ids import new_id
from entri.core.permissions import RANK, Permission, Role
from entri.core.principal import Principal
from entri.core.security import hash_password
from entri.organizations import settings as org_settings
from entri.organizations.models import Membership, Organization, User
from entri.organizations.settings import AiSettings, TmCapture


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


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, *, email: str, name: str, password: str) -> User:
    email = normalize_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with email {email} already exists")
    user = User(id=new_id("user"), email=email, name=name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, email: str, password: str) -> User:
    """Give a user a new password (`entri admin reset-password`, run by whoever runs the
    server: there is no mail server to send a reset link). The caller ends their sessions."""
    user = find_user_by_email(session, email=email)
    if user is None:
        raise NotFound(f"No user with email {normalize_email(email)}")
    user.password_hash = hash_password(password)
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


def settings_of(session: Session, *, organization_id: str) -> dict[str, Any]:
    """An organization's settings (empty when it has none), read without loading the row."""
    found = session.scalar(select(Organization.settings).where(Organization.id == organization_id))
    return dict(found) if isinstance(found, dict) else {}


def update_organization(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    name: str | None = None,
    settings: dict[str, Any] | None = None,
    recheck: Callable[[Session, str], object] | None = None,
    box: crypto.SecretBox | None = None,
) -> Organization:
    """Rename and/or merge settings (organizations/settings.py, docs/settings.md); commits.
    `recheck` re-checks the organization's translations, in this transaction, when the check
    settings change. A change publishes `settings.updated` with the changed paths (never a
    value: some are secrets)."""
    principal.require(Permission.MANAGE_SETTINGS)
    org = session.scalar(select(Organization).where(Organization.id == organization_id).with_for_update())
    if org is None:
        raise NotFound("Organization not found")
    old_checks = (org.settings or {}).get("checks")
    changed: list[str] = []
    if name is not None and name != org.name:
        org.name = name
        changed.append("name")
    if settings is not None:
        applied = org_settings.apply(org.settings, settings, box=box or crypto.box())
        org.settings = applied.settings
        changed += applied.changed
    if not changed:
        session.rollback()
        return get_organization(session, organization_id=organization_id)
    org.updated_at = utcnow()
    if recheck is not None and (org.settings or {}).get("checks") != old_checks:
        session.flush()
        recheck(session, org.id)
    # Names only, never values: some settings are secrets (provider keys).
    _announce(session, principal, "settings.updated", "organization", org.id, {"changed": changed})
    session.commit()
    return org


def announce(
    session: Session,
    *,
    organization_id: str,
    actor: Actor,
    name: str,
    target_type: str,
    target_id: str,
    data: dict[str, Any],
) -> None:
    """Publish an organization-level event (settings, members, invitations) in the caller's
    transaction, for the activity trail and webhooks (docs/activity.md)."""
    event = Event(
        name=name,
        organization_id=organization_id,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        data={"organizationId": organization_id, **data},
    )
    publish(session, [event])


def _announce(
    session: Session, principal: Principal, name: str, target_type: str, target_id: str, data: dict[str, Any]
) -> None:
    announce(
        session,
        organization_id=principal.organization_id,
        actor=Actor.of(principal),
        name=name,
        target_type=target_type,
        target_id=target_id,
        data=data,
    )


def public_settings(org: Organization) -> dict[str, Any]:
    """The settings as the API shows them: defaults filled in, secrets masked."""
    return org_settings.public(org.settings)


def default_source_language(session: Session, *, organization_id: str) -> str:
    """The organization's `defaultSourceLanguage` (`en` until set): a new project's source
    language when its creator names none (docs/settings.md)."""
    found = settings_of(session, organization_id=organization_id).get("defaultSourceLanguage")
    return found if isinstance(found, str) and found else str(org_settings.DEFAULTS["defaultSourceLanguage"])


def ai_settings(session: Session, *, organization_id: str, box: crypto.SecretBox | None = None) -> AiSettings:
    """The organization's AI provider, model, keys (decrypted on use), concurrency and tone;
    one primary-key read."""
    return org_settings.ai_settings(settings_of(session, organization_id=organization_id), box=box or crypto.box())


def tm_capture(session: Session, *, organization_id: str) -> TmCapture:
    """Which writes the organization's translation memory remembers (settings `tm`)."""
    return org_settings.tm_capture(settings_of(session, organization_id=organization_id))


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


def actor_for(session: Session, *, user_id: str | None, fallback: str) -> Actor:
    """The writer of a background job's changes: the user who started it, by name, or
    `fallback` when the job has no starter or the user is gone."""
    user = get_user(session, user_id=user_id) if user_id else None
    return Actor(user_id=user_id, name=user.name if user is not None else fallback)


def find_user_by_email(session: Session, *, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


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


def member_by_email(session: Session, *, organization_id: str, email: str) -> Member | None:
    row = session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(User.email == normalize_email(email), Membership.organization_id == organization_id)
    ).first()
    return Member(user=row[0], membership=row[1]) if row is not None else None


def _target(session: Session, principal: Principal, user_id: str) -> Member:
    membership = membership_of(session, organization_id=principal.organization_id, user_id=user_id)
    user = session.get(User, user_id)
    if membership is None or user is None:
        raise NotFound("Member not found")
    return Member(user=user, membership=membership)


def require_outranks(principal: Principal, role: Role) -> None:
    """Nobody grants, changes or withdraws a role above their own."""
    if RANK[Role(principal.role)] < RANK[role]:
        raise Forbidden(f"Your role '{principal.role}' cannot grant or change role '{role.value}'")


def change_role(session: Session, *, principal: Principal, user_id: str, role: Role) -> Member:
    principal.require(Permission.MANAGE_MEMBERS)
    member = _target(session, principal, user_id)
    if member.membership.role == Role.OWNER.value or role is Role.OWNER:
        raise Forbidden("The owner's role changes only through transfer of ownership")
    require_outranks(principal, Role(member.membership.role))
    require_outranks(principal, role)
    previous = member.membership.role
    member.membership.role = role.value
    data = {"userId": user_id, "name": member.user.name, "previousRole": previous, "role": role.value}
    _announce(session, principal, "member.role_changed", "member", user_id, data)
    session.commit()
    return member


def transfer_ownership(session: Session, *, principal: Principal, user_id: str) -> tuple[Member, Member]:
    """Make member `user_id` the owner and the caller (the owner) an admin; commits.
    Returns (new owner, previous owner). Both memberships are locked first, so two transfers
    at once cannot leave two owners."""
    principal.require(Permission.OWNER_ONLY)
    if principal.user_id is None:
        raise Forbidden("Only the owner, signed in, can transfer ownership")
    if user_id == principal.user_id:
        raise BadRequest(["userId: you already own this organization"])
    rows = {
        m.user_id: m
        for m in session.scalars(
            select(Membership)
            .where(
                Membership.organization_id == principal.organization_id,
                Membership.user_id.in_([principal.user_id, user_id]),
            )
            .order_by(Membership.user_id)
            .with_for_update()
        )
    }
    mine, theirs = rows.get(principal.user_id), rows.get(user_id)
    if mine is None or mine.role != Role.OWNER.value:
        raise Forbidden("Only the owner can transfer ownership")
    target = session.get(User, user_id) if theirs is not None else None
    if theirs is None or target is None:
        raise BadRequest([f"userId: '{user_id}' is not a member of this organization"])
    previous_role = theirs.role
    theirs.role, mine.role = Role.OWNER.value, Role.ADMIN.value
    me = session.get(User, principal.user_id)
    assert me is not None
    actor = Actor.of(principal)
    publish(
        session,
        [
            Event(
                name="member.role_changed",
                organization_id=principal.organization_id,
                actor=actor,
                target_type="member",
                target_id=user_id,
                data={
                    "userId": user_id,
                    "previousRole": previous_role,
                    "role": Role.OWNER.value,
                    "reason": "ownership transferred",
                },
            ),
            Event(
                name="member.role_changed",
                organization_id=principal.organization_id,
                actor=actor,
                target_type="member",
                target_id=principal.user_id,
                data={
                    "userId": principal.user_id,
                    "previousRole": Role.OWNER.value,
                    "role": Role.ADMIN.value,
                    "reason": "ownership transferred",
                },
            ),
        ],
    )
    session.commit()
    return Member(user=target, membership=theirs), Member(user=me, membership=mine)


def remove_member(session: Session, *, principal: Principal, user_id: str) -> None:
    principal.require(Permission.MANAGE_MEMBERS)
    member = _target(session, principal, user_id)
    if member.membership.role == Role.OWNER.value:
        raise Forbidden("The owner cannot be removed; transfer ownership first")
    require_outranks(principal, Role(member.membership.role))
    data = {"userId": user_id, "name": member.user.name, "role": member.membership.role}
    _announce(session, principal, "member.removed", "member", user_id, data)
    session.delete(member.membership)
    session.commit()
