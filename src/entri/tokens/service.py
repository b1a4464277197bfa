"""API tokens: creation (value shown once), authentication, listing and revocation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from entri.core.clock import utcnow
from entri.core.errors import BadRequest, NotFound
from entri.core.ids import new_id
from entri.core.permissions import RANK, Role
from entri.core.principal import Principal
from entri.core.security import hash_token, random_secret
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
    creator_role: str | None = None,
    project_id: str | None = None,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """Create a token; the caller commits. A token never outranks the member who made it."""
    if creator_role is not None and RANK[Role(role)] > RANK[Role(creator_role)]:
        raise BadRequest([f"role '{role}' is above your own role '{creator_role}'"])
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


USE_RECORD_INTERVAL_SECONDS = 60
"""Last use is recorded to the minute: what a token list needs, and one write a minute at most."""


def authenticate(session: Session, *, value: str) -> ApiToken | None:
    """The live token for `value`, or None if unknown, revoked or expired. Reads only: see
    `record_use`, which the caller runs when `needs_use_record` says so."""
    if not value.startswith(TOKEN_PREFIX) or len(value) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(value)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return row


def needs_use_record(token: ApiToken) -> bool:
    last = token.last_used_at
    return last is None or (utcnow() - last).total_seconds() > USE_RECORD_INTERVAL_SECONDS


def record_use(session: Session, *, token_id: str) -> None:
    """Commits on its own session: it must not wait on, or join, the request's transaction."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
    session.commit()


def list_tokens(session: Session, *, organization_id: str, project_id: str | None = None) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.organization_id == organization_id, ApiToken.revoked_at.is_(None))
    if project_id is not None:
        query = query.where(ApiToken.project_id == project_id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc())))


def revoke_token(session: Session, *, principal: Principal, token_id: str, project_id: str | None = None) -> None:
    row = session.get(ApiToken, token_id)
    if (
        row is None
        or row.organization_id != principal.organization_id
        or row.revoked_at is not None
        or (project_id is not None and row.project_id != project_id)
    ):
        raise NotFound("Token not found")
    row.revoked_at = utcnow()
    session.commit()
