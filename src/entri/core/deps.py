"""Domain-free FastAPI dependencies: the request's DB session, the app's settings, paging and
language parameters. Credentials are resolved in `entri.auth.deps`: core imports no domain.

Writes (any method but GET/HEAD/OPTIONS) get a write session, which on SQLite opens with
`BEGIN IMMEDIATE` so concurrent writers queue instead of failing mid-transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from entri.core.config import Settings
from entri.core.db import Database
from entri.core.errors import BadRequest
from entri.core.languages import InvalidLanguage, normalize_language
from entri.core.pagination import PageParams

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that change nothing: read sessions, `:read` scopes, no CSRF check."""


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (tests build apps with their own)."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_app_settings)]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Async only to skip FastAPI's threadpool hop: creating a session does no I/O, and closing
    it only hands the connection back to the pool (a local rollback on SQLite)."""
    session = get_database(request).session(write=request.method not in READ_METHODS)
    try:
        yield session
    finally:
        session.close()


DbSession = Annotated[Session, Depends(get_session)]


async def get_page_params(page: str | None = None, limit: str | None = None) -> PageParams:
    return PageParams.parse(page, limit)


Paging = Annotated[PageParams, Depends(get_page_params)]


def language_param(raw: str, field: str = "language") -> str:
    """Normalize a language taken from a path or query; invalid -> 400 naming the field."""
    try:
        return normalize_language(raw)
    except InvalidLanguage as exc:
        raise BadRequest([f"{field}: {exc}"]) from None
