"""API tokens: creation (value shown once), authentication, listing and revocation.

The rules a new token must follow live here, not in the router (docs/permissions.md): it is
never `owner`, never above its creator's role, never broader in scope than the token that
creates it, never outlives that token, and a project token only creates tokens of its own
project.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.clock import iso, utcnow
from entri.core.errors import BadRequest, Forbidden, NotFound
from entri.core.events import Event, publish
from entri.core.ids import new_id
from entri.core.permissions import RANK, Permission, Role
from entri.core.prepared import Prepared, json_value
from entri.core.principal import Principal
from entri.core.security import hash_token, random_secret
from entri.organizations.models import Membership, User
from entri.tokens.models import ApiToken

TOKEN_PREFIX = "entri_"
SCOPE_RESOURCES = frozenset(
    [
        "projects",
        "keys",
        "translations",
        "ai",
        "import",
        "export",
        "glossary",
        "tm",
        "webhooks",
        "tokens",
        "activity",
        "analytics",
        "settings",
    ]
)


@dataclass(frozen=True)
class IssuedToken:
    row: ApiToken
    value: str


def validate_scopes(scopes: list[str]) -> list[str]:
    bad = [s for s in scopes if s != "*" and not _valid_scope(s)]
    if bad:
        raise BadRequest(
            [f"scopes contains invalid scope '{s}' (expected '<resource>:<read|write>' or '*')" for s in bad]
        )
    return list(dict.fromkeys(scopes))


def _valid_scope(scope: str) -> bool:
    resource, _, access = scope.partition(":")
    return resource in SCOPE_RESOURCES and access in ("read", "write")


def issue_token(
    session: Session,
    *,
    organization_id: str,
    name: str,
    role: str,
    created_by: str | None,
    project_id: str | None = None,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """Create a token; the caller commits. The building block under `create_token` (which
    checks the creator's rights) and first-start bootstrap (which has no caller yet)."""
    if Role(role) is Role.OWNER:
        raise BadRequest(["role: a token cannot have the owner role"])
    value = TOKEN_PREFIX + random_secret(32)
    row = ApiToken(
        id=new_id("tok"),
        organization_id=organization_id,
        project_id=project_id,
        name=name,
        token_hash=hash_token(value),
        token_hint=value[-4:],
        scopes=validate_scopes(scopes or []),
        role=role,
        created_by=created_by,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return IssuedToken(row=row, value=value)


def create_token(
    session: Session,
    *,
    principal: Principal,
    name: str,
    role: Role,
    scopes: list[str],
    expires_at: datetime | None,
    project_id: str | None = None,
) -> IssuedToken:
    """A token made by `principal` (an org token, or one of project `project_id`); commits."""
    principal.require(Permission.MANAGE_TOKENS)
    if principal.project_id is not None and project_id != principal.project_id:
        raise Forbidden("A project token can only create tokens for its own project")
    if role is Role.OWNER:
        raise BadRequest(["role: a token cannot have the owner role"])
    if RANK[role] > RANK[Role(principal.role)]:
        raise BadRequest([f"role '{role.value}' is above your own role '{principal.role}'"])
    scopes = validate_scopes(scopes)
    _require_within_scopes(principal, scopes)
    issued = issue_token(
        session,
        organization_id=principal.organization_id,
        name=name,
        role=role.value,
        created_by=principal.user_id,
        project_id=project_id,
        scopes=scopes,
        expires_at=_expiry(principal, expires_at),
    )
    row = issued.row
    data: dict[str, object] = {"role": row.role, "scopes": row.scopes, "expiresAt": iso(row.expires_at)}
    _announce(session, principal, "token.created", row, data)
    session.commit()
    return issued


def _announce(session: Session, principal: Principal, name: str, row: ApiToken, data: dict[str, object]) -> None:
    """Publish a token event: its id and name, never its value or hash."""
    publish(
        session,
        [
            Event(
                name=name,
                organization_id=row.organization_id,
                actor=Actor.of(principal),
                project_id=row.project_id,
                target_type="token",
                target_id=row.id,
                data={"tokenId": row.id, "name": row.name, "projectId": row.project_id, **data},
            )
        ],
    )


def _require_within_scopes(principal: Principal, scopes: list[str]) -> None:
    """A scoped token may hand on its scopes, or fewer; never more (no scopes means all)."""
    if not principal.scopes or "*" in principal.scopes:  # a session, or a token with every scope
        return
    if not scopes or "*" in scopes:
        raise BadRequest(["scopes: a token with limited scopes cannot create a token with every scope"])
    broader = [s for s in scopes if not principal.has_scope(*s.split(":", 1))]  # each is `<resource>:<access>`
    if broader:
        raise BadRequest([f"scopes: '{s}' is beyond the scopes of the token making this request" for s in broader])


def _expiry(principal: Principal, expires_at: datetime | None) -> datetime | None:
    """An offset-less time is UTC, as everywhere here; a token made by an expiring token
    expires no later than it (and then, by default, at the same time)."""
    if expires_at is not None and expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at is not None and expires_at <= utcnow():
        raise BadRequest(["expiresAt must be in the future"])
    limit = principal.token_expires_at
    if limit is None:
        return expires_at
    if expires_at is None:
        return limit
    if expires_at > limit:
        raise BadRequest(["expiresAt: a token cannot outlive the token that creates it"])
    return expires_at


USE_RECORD_INTERVAL_SECONDS = 60
"""Last use is recorded to the minute: what a token list needs, and one write a minute at most."""


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """A live token with what authentication needs of its creator's membership, read in one query
    on every token-authenticated request (core/prepared.py)."""

    id: str
    organization_id: str
    project_id: str | None
    name: str
    scopes: list[str]
    role: str
    created_by: str | None
    expires_at: datetime | None
    last_used_at: datetime | None
    member_name: str | None
    """The creator's name, None when the creator has left the organization (or there is none)."""
    member_role: str | None


_GRANT = Prepared(
    select(
        ApiToken.id,
        ApiToken.organization_id,
        ApiToken.project_id,
        ApiToken.name,
        ApiToken.scopes,
        ApiToken.role,
        ApiToken.created_by,
        ApiToken.expires_at,
        ApiToken.last_used_at,
        User.name,
        Membership.role,
    )
    .select_from(ApiToken)
    .outerjoin(User, User.id == ApiToken.created_by)
    .outerjoin(
        Membership,
        (Membership.user_id == ApiToken.created_by) & (Membership.organization_id == ApiToken.organization_id),
    )
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


def _aware(value: str | datetime | None) -> datetime | None:
    """A timestamp as the driver returns it (text on SQLite) as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def authenticate(session: Session, *, value: str) -> TokenGrant | None:
    """The live token for `value`, or None if unknown, revoked or expired. Reads only: see
    `record_use`, which the caller runs when `needs_use_record` says so."""
    if not value.startswith(TOKEN_PREFIX) or len(value) > 200:
        return None
    rows = _GRANT.rows(session, {"token_hash": hash_token(value)})
    if not rows:
        return None
    tid, org, project, name, scopes, role, by, expires, used, member_name, member_role = rows[0]
    grant = TokenGrant(
        tid,
        org,
        project,
        name,
        json_value(scopes) or [],
        role,
        by,
        _aware(expires),
        _aware(used),
        member_name,
        member_role,
    )
    if grant.expires_at is not None and grant.expires_at <= utcnow():
        return None
    return grant


def needs_use_record(token: TokenGrant) -> bool:
    last = token.last_used_at
    return last is None or (utcnow() - last).total_seconds() > USE_RECORD_INTERVAL_SECONDS


def record_use(session: Session, *, token_id: str) -> None:
    """Commits on its own session: it must not wait on, or join, the request's transaction."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
    session.commit()


def list_tokens(session: Session, *, principal: Principal, project_id: str | None = None) -> list[ApiToken]:
    """The organization's live tokens, or one project's."""
    principal.require(Permission.MANAGE_TOKENS)
    query = select(ApiToken).where(ApiToken.organization_id == principal.organization_id, ApiToken.revoked_at.is_(None))
    if project_id is not None:
        query = query.where(ApiToken.project_id == project_id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc())))


def revoke_token(session: Session, *, principal: Principal, token_id: str, project_id: str | None = None) -> None:
    """Revoke one of the organization's tokens (with `project_id`, only one of that project)."""
    principal.require(Permission.MANAGE_TOKENS)
    row = session.get(ApiToken, token_id) if len(token_id) <= 64 else None
    if (
        row is None
        or row.organization_id != principal.organization_id
        or row.revoked_at is not None
        or (project_id is not None and row.project_id != project_id)
    ):
        raise NotFound("Token not found")
    row.revoked_at = utcnow()
    _announce(session, principal, "token.revoked", row, {})
    session.commit()
