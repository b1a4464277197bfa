"""The compat token through the main API: project admins read and rotate it (docs/compat.md,
"The token"). The method-style API itself is served by `transport.py`, not by a router."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from entri.auth.deps import CurrentPrincipal, scoped
from entri.compat import tokens
from entri.compat.schemas import CompatTokenOut, token_out
from entri.core.deps import AppSettings, get_database
from entri.core.schemas import ERROR_RESPONSES
from entri.projects import service as projects

router = APIRouter(
    prefix="/projects/{project_id}/compat-token",
    tags=["Compat API"],
    responses=ERROR_RESPONSES,
    dependencies=[scoped("tokens")],
)


def _write_session(request: Request) -> Any:
    """A write session even for the GET: its first read may create the token."""
    session = get_database(request).session(write=True)
    try:
        yield session
    finally:
        session.close()


WriteSession = Annotated[Session, Depends(_write_session)]


@router.get(
    "",
    response_model=CompatTokenOut,
    summary="The project's token for the method-style API (made on first read)",
    description="Admins and owners; an API token also needs the `tokens:write` scope, since this hands out a "
    "credential. The token reaches only this project, through `/compat/api/{token}/{method}` (docs/compat.md).",
)
def get_compat_token(
    project_id: str, session: WriteSession, principal: CurrentPrincipal, settings: AppSettings
) -> dict[str, Any]:
    project = projects.get_project(session, principal=principal, project_id=project_id)
    row = tokens.current_or_new(session, principal=principal, project=project)
    return token_out(row, settings.public_url)


@router.post(
    "/rotate",
    response_model=CompatTokenOut,
    summary="Replace the project's method-style API token",
    description="The old token stops working at once.",
)
def rotate_compat_token(
    project_id: str, session: WriteSession, principal: CurrentPrincipal, settings: AppSettings
) -> dict[str, Any]:
    project = projects.get_project(session, principal=principal, project_id=project_id)
    row = tokens.rotate(session, principal=principal, project=project)
    return token_out(row, settings.public_url)
