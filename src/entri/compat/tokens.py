"""The per-project token of the method-style API (docs/compat.md, "The token").

It is not an `entri_` organization token: it reaches exactly one project, through the
method-style API only, and carries no role of a member. Project admins read it (it is stored
readable: they see it again, as the vendor's settings page shows it, and the compat webhook
signs its requests with it) and rotate it. Requests find it by its SHA-256, in one indexed
read; the token itself is never logged or echoed (transport.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.compat.models import CompatToken
from entri.core.actor import Actor
from entri.core.clock import utcnow
from entri.core.db import retry_transient
from entri.core.errors import Forbidden
from entri.core.events import Event, publish
from entri.core.ids import new_id
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.security import hash_token
from entri.projects.models import Project

TOKEN_BYTES = 20
"""160 random bits, written as 40 lowercase hex digits: safe in a URL path and in any client."""
BOT_NAME = "API bot"
"""Who the method-style API's changes are attributed to, in history, suggestions and activity."""


@dataclass(frozen=True, slots=True)
class Grant:
    """What a valid token opens: one project, acting as the API bot."""

    token_id: str
    project_id: str

    @property
    def actor(self) -> Actor:
        return Actor(user_id=None, name=BOT_NAME, token_id=self.token_id)


def _new_value() -> str:
    """40 hex digits with at least one letter and one digit, so the look-alike rule that
    redacts credentials in error paths (core/http.py) always recognises it."""
    while True:
        value = secrets.token_hex(TOKEN_BYTES)
        if not value.isdigit() and not value.isalpha():
            return value


def plausible(value: str) -> bool:
    """A value that could be a token (checked before hashing anything an attacker sends)."""
    return len(value) == 2 * TOKEN_BYTES and all(c in "0123456789abcdef" for c in value)


def authenticate(session: Session, *, value: str) -> Grant | None:
    if not plausible(value):
        return None
    row = session.execute(
        select(CompatToken.id, CompatToken.project_id).where(CompatToken.token_hash == hash_token(value))
    ).first()
    return Grant(token_id=row[0], project_id=row[1]) if row is not None else None


def _require_admin(principal: Principal) -> None:
    principal.require(Permission.MANAGE_TOKENS)
    if not principal.has_scope("tokens", "write"):
        # Reading it hands out a credential, so even the read needs the write scope.
        raise Forbidden("This token lacks the scope 'tokens:write'")


def current(session: Session, *, principal: Principal, project: Project) -> CompatToken | None:
    _require_admin(principal)
    return session.get(CompatToken, project.id)


def issue(session: Session, *, principal: Principal, project: Project) -> CompatToken:
    """A new token for the project, replacing the old one at once; commits."""
    _require_admin(principal)
    row = session.get(CompatToken, project.id)
    value = _new_value()
    if row is None:
        row = CompatToken(project_id=project.id)
        session.add(row)
    row.id, row.token, row.token_hash = new_id("ctok"), value, hash_token(value)
    row.created_by, row.created_at = principal.user_id, utcnow()
    session.flush()
    publish(
        session,
        [
            Event(
                name="token.created",
                organization_id=project.organization_id,
                actor=Actor.of(principal),
                project_id=project.id,
                target_type="token",
                target_id=row.id,
                data={"tokenId": row.id, "kind": "compat", "projectId": project.id},
            )
        ],
    )
    session.commit()
    return row


@retry_transient
def current_or_new(session: Session, *, principal: Principal, project: Project) -> CompatToken:
    """The project's token; the first read makes one (two first reads at once: one wins, the
    other reads it on its retry)."""
    row = current(session, principal=principal, project=project)
    return row if row is not None else issue(session, principal=principal, project=project)


@retry_transient
def rotate(session: Session, *, principal: Principal, project: Project) -> CompatToken:
    return issue(session, principal=principal, project=project)


def readable(session: Session, *, project_id: str) -> str | None:
    """The project's token as it is now (the compat webhook signs each try with it), or None."""
    return session.scalar(select(CompatToken.token).where(CompatToken.project_id == project_id))
