"""Route dependencies that resolve `{project_id}` through the one org-scoping function."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from entri.auth.deps import CurrentPrincipal
from entri.core.deps import DbSession
from entri.projects import service
from entri.projects.models import Project


async def project_for_read(project_id: str, session: DbSession, principal: CurrentPrincipal) -> Project:
    """In the event loop: one primary-key read on a read session, which never waits on a lock.
    (`project_for_write` stays sync: a write session's first statement may queue for the lock.)"""
    return service.get_project(session, principal=principal, project_id=project_id)


def project_for_write(project_id: str, session: DbSession, principal: CurrentPrincipal) -> Project:
    return service.get_project(session, principal=principal, project_id=project_id, for_write=True)


ReadProject = Annotated[Project, Depends(project_for_read)]
WriteProject = Annotated[Project, Depends(project_for_write)]
