"""Credential resolution: who is calling, by API token or session cookie.

Lives in the auth slice, not in core, because it needs the token, session and membership
services; core depends on no domain. Every request passes through `get_principal`, so it stays
cheap: async (no threadpool hop), indexed reads on a short session of its own.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from entri.auth import service as auth_service
from entri.auth.csrf import require_csrf
from entri.core.config import Settings
from entri.core.db import Database
from entri.core.deps import READ_METHODS, get_database
from entri.core.errors import Forbidden, Unauthorized
from entri.core.permissions import RANK, Role
from entri.core.principal import Principal
from entri.tokens import service as tokens

SESSION_COOKIE = "entri_session"
SECURE_SESSION_COOKIE = "__Host-entri_session"
"""The name over HTTPS: browsers accept a `__Host-` cookie only from this very host (Secure,
Path=/, no Domain), so a sibling subdomain cannot plant a session of its own in the browser."""


def session_cookie_name(settings: Settings) -> str:
    return SECURE_SESSION_COOKIE if settings.cookie_secure else SESSION_COOKIE


def _principal_from_token(token: tokens.TokenGrant) -> Principal:
    if token.created_by and token.member_role is None:
        # The member who made it left the organization: their tokens leave with them.
        raise Unauthorized("Invalid, expired or revoked API token")
    role = token.role
    if token.member_role is not None and RANK[Role(token.member_role)] < RANK[Role(role)]:
        role = token.member_role  # demoted since: the token is demoted too
    name = f"{token.member_name} (token: {token.name})" if token.member_role else f"API token: {token.name}"
    return Principal(
        organization_id=token.organization_id,
        role=role,
        user_id=token.created_by,
        display_name=name,
        token_id=token.id,
        project_id=token.project_id,
        scopes=frozenset(token.scopes or ["*"]),
        token_expires_at=token.expires_at,
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
    A cookie-authenticated write must also pass the CSRF checks (`entri.auth.csrf`).
    """
    database = get_database(request)
    value = _token_value(request)
    with database.session() as session:
        if value is not None:
            token = tokens.authenticate(session, value=value)
            if token is None:
                raise Unauthorized("Invalid, expired or revoked API token")
            principal = _principal_from_token(token)
            record = tokens.needs_use_record(token)
        else:
            settings: Settings = request.app.state.settings
            cookie = request.cookies.get(session_cookie_name(settings))
            resolved = auth_service.resolve_session(session, cookie_value=cookie) if cookie else None
            if cookie is None or resolved is None:
                raise Unauthorized("Authentication required: send an X-API-Key header or sign in")
            if request.method not in READ_METHODS:
                require_csrf(request, settings.public_url, cookie)
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


def scoped(resource: str) -> Any:
    """A route dependency: the caller's token must carry `<resource>:read` (GET) or `:write`."""

    async def check(request: Request, principal: CurrentPrincipal) -> None:  # no I/O: skip the threadpool
        access = "read" if request.method in READ_METHODS else "write"
        if not principal.has_scope(resource, access):
            raise Forbidden(f"This token lacks the scope '{resource}:{access}'")

    return Depends(check)
