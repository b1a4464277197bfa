"""FastAPI dependencies: the request's DB session and the authenticated principal.

Writes (any method but GET/HEAD/OPTIONS) get a write session, which on SQLite opens with
`BEGIN IMMEDIATE` so concurrent writers queue instead of failing mid-transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from entri.auth import service as auth_service
from entri.core.db import Database
from entri.core.errors import BadRequest, Forbidden, Unauthorized
from entri.core.languages import InvalidLanguage, normalize_language
from entri.core.pagination import PageParams
from entri.core.permissions import RANK, Role
from entri.core.principal import Principal
from entri.organizations import service as orgs
from entri.tokens import service as tokens

SESSION_COOKIE = "entri_session"
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Async only to skip FastAPI's threadpool hop: creating a session does no I/O, and closing
    it only hands the connection back to the pool (a local rollback on SQLite)."""
    session = get_database(request).session(write=request.method not in _READ_METHODS)
    try:
        yield session
    finally:
        session.close()


DbSession = Annotated[Session, Depends(get_session)]


def _principal_from_token(session: Session, value: str) -> Principal:
    token = tokens.authenticate(session, value=value)
    if token is None:
        raise Unauthorized("Invalid, expired or revoked API token")
    creator = orgs.get_user(session, user_id=token.created_by) if token.created_by else None
    membership = (
        orgs.membership_of(session, organization_id=token.organization_id, user_id=creator.id) if creator else None
    )
    if creator is not None and membership is None:
        # The member who made it left the organization: their tokens leave with them.
        raise Unauthorized("Invalid, expired or revoked API token")
    role = token.role
    if membership is not None and RANK[Role(membership.role)] < RANK[Role(role)]:
        role = membership.role  # demoted since: the token is demoted too
    name = f"{creator.name} (token: {token.name})" if creator else f"API token: {token.name}"
    return Principal(
        organization_id=token.organization_id,
        role=role,
        user_id=token.created_by,
        display_name=name,
        token_id=token.id,
        project_id=token.project_id,
        scopes=frozenset(token.scopes or ["*"]),
    )


def get_principal(request: Request) -> Principal:
    """Authenticate on a short session of its own.

    It runs before the request's session opens its transaction, so recording a token's last
    use never waits on the write lock the request itself is about to take.
    """
    database = get_database(request)
    with database.session() as session:
        api_key = request.headers.get("x-api-key")
        if api_key:
            return _principal_from_token(session, api_key.strip())
        authorization = request.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            return _principal_from_token(session, authorization[7:].strip())
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            resolved = auth_service.resolve_session(session, cookie_value=cookie)
            if resolved is not None:
                user, membership = resolved
                return Principal(
                    organization_id=membership.organization_id,
                    role=membership.role,
                    user_id=user.id,
                    display_name=user.name,
                )
    raise Unauthorized("Authentication required: send an X-API-Key header or sign in")


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_page_params(page: str | None = None, limit: str | None = None) -> PageParams:
    return PageParams.parse(page, limit)


Paging = Annotated[PageParams, Depends(get_page_params)]


def language_param(raw: str, field: str = "language") -> str:
    """Normalize a language taken from a path or query; invalid -> 400 naming the field."""
    try:
        return normalize_language(raw)
    except InvalidLanguage as exc:
        raise BadRequest([f"{field}: {exc}"]) from None


_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


def scoped(resource: str) -> Any:
    """A route dependency: the caller's token must carry `<resource>:read` (GET) or `:write`."""

    def check(request: Request, principal: CurrentPrincipal) -> None:
        access = "read" if request.method in _READ_ONLY else "write"
        if not principal.has_scope(resource, access):
            raise Forbidden(f"This token lacks the scope '{resource}:{access}'")

    return Depends(check)
