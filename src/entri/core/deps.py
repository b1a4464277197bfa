"""FastAPI dependencies: the request's DB session and the authenticated principal.

Writes (any method but GET/HEAD/OPTIONS) get a write session, which on SQLite opens with
`BEGIN IMMEDIATE` so concurrent writers queue instead of failing mid-transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
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
from entri.tokens.models import ApiToken

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


def _principal_from_token(session: Session, token: ApiToken) -> Principal:
    member = (
        orgs.member_profile(session, organization_id=token.organization_id, user_id=token.created_by)
        if token.created_by
        else None
    )
    if token.created_by and member is None:
        # The member who made it left the organization: their tokens leave with them.
        raise Unauthorized("Invalid, expired or revoked API token")
    role = token.role
    if member is not None and RANK[Role(member.role)] < RANK[Role(role)]:
        role = member.role  # demoted since: the token is demoted too
    name = f"{member.name} (token: {token.name})" if member else f"API token: {token.name}"
    return Principal(
        organization_id=token.organization_id,
        role=role,
        user_id=token.created_by,
        display_name=name,
        token_id=token.id,
        project_id=token.project_id,
        scopes=frozenset(token.scopes or ["*"]),
    )


def _token_value(request: Request) -> str | None:
    api_key = request.headers.get("x-api-key")
    if api_key:
        return api_key.strip()
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def _record_use(database: Database, token_id: str) -> None:
    with database.session(write=True) as session:
        tokens.record_use(session, token_id=token_id)


async def get_principal(request: Request) -> Principal:
    """Authenticate on a short read-only session of its own, in the event loop.

    Every request passes here, so it skips the threadpool hop a sync dependency costs: the
    lookups are indexed reads that never wait on a lock (SQLite WAL readers don't block).
    The once-a-minute last-use write may wait on the write lock, so it goes to the threadpool,
    on a session of its own that commits before the request's transaction begins.
    """
    database = get_database(request)
    value = _token_value(request)
    with database.session() as session:
        if value is not None:
            token = tokens.authenticate(session, value=value)
            if token is None:
                raise Unauthorized("Invalid, expired or revoked API token")
            principal = _principal_from_token(session, token)
            record = tokens.needs_use_record(token)
        else:
            cookie = request.cookies.get(SESSION_COOKIE)
            resolved = auth_service.resolve_session(session, cookie_value=cookie) if cookie else None
            if resolved is None:
                raise Unauthorized("Authentication required: send an X-API-Key header or sign in")
            user, membership = resolved
            return Principal(
                organization_id=membership.organization_id,
                role=membership.role,
                user_id=user.id,
                display_name=user.name,
            )
    if record:
        await run_in_threadpool(_record_use, database, token.id)
    return principal


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

    async def check(request: Request, principal: CurrentPrincipal) -> None:  # no I/O: skip the threadpool
        access = "read" if request.method in _READ_ONLY else "write"
        if not principal.has_scope(resource, access):
            raise Forbidden(f"This token lacks the scope '{resource}:{access}'")

    return Depends(check)
