"""Project routes (docs/api-decisions.md, "Projects")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.deps import AppSettings, DbSession, Paging, language_param
from entri.core.pagination import envelope
from entri.core.schemas import ARCHIVED, ERROR_RESPONSES, conflict
from entri.projects import service
from entri.projects.schemas import (
    LanguageAdd,
    ProjectCreate,
    ProjectOut,
    ProjectPage,
    ProjectUpdate,
    project_out,
)
from entri.translations import recheck

router = APIRouter(prefix="/projects", tags=["Projects"], responses=ERROR_RESPONSES, dependencies=[scoped("projects")])


@router.post("", status_code=201, response_model=ProjectOut, summary="Create a project")
def create_project(body: ProjectCreate, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    project = service.create_project(
        session,
        principal=principal,
        name=body.name,
        description=body.description,
        source_language=body.sourceLanguage,
        target_languages=body.targetLanguages,
        preferred_model=body.preferredModel,
    )
    return project_out(project)


@router.get("", response_model=ProjectPage, summary="List the organization's projects")
def list_projects(
    session: DbSession, principal: CurrentPrincipal, paging: Paging, includeArchived: bool = False
) -> dict[str, Any]:
    rows, total = service.list_projects(session, principal=principal, params=paging, include_archived=includeArchived)
    return envelope([project_out(p) for p in rows], total, paging)


@router.get("/{project_id}", response_model=ProjectOut, summary="Get a project")
def get_project(project_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    return project_out(service.get_project(session, principal=principal, project_id=project_id))


@router.patch(
    "/{project_id}", response_model=ProjectOut, responses=conflict(ARCHIVED), summary="Update a project (partial)"
)
def update_project(
    project_id: str, body: ProjectUpdate, session: DbSession, principal: CurrentPrincipal, settings: AppSettings
) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    project = service.update_project(
        session,
        principal=principal,
        project_id=project_id,
        changes=changes,
        recheck=lambda s, p: recheck.recheck_project(s, project=p),
        allow_private=settings.webhook_allow_private,
    )
    return project_out(project)


@router.delete("/{project_id}", response_model=ProjectOut, summary="Archive a project")
def archive_project(project_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    return project_out(service.set_archived(session, principal=principal, project_id=project_id, archived=True))


@router.post("/{project_id}/unarchive", response_model=ProjectOut, summary="Unarchive a project")
def unarchive_project(project_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    return project_out(service.set_archived(session, principal=principal, project_id=project_id, archived=False))


@router.delete("/{project_id}/permanent", status_code=204, summary="Delete a project and all its data")
def delete_project(project_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    service.delete_permanently(session, principal=principal, project_id=project_id)
    return Response(status_code=204)


@router.post(
    "/{project_id}/languages",
    status_code=201,
    response_model=ProjectOut,
    responses=conflict(ARCHIVED, "the language is already in the project"),
    summary="Add a target language",
)
def add_language(project_id: str, body: LanguageAdd, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    return project_out(
        service.add_language(session, principal=principal, project_id=project_id, language=body.language)
    )


@router.delete(
    "/{project_id}/languages/{lang}",
    response_model=ProjectOut,
    responses=conflict(ARCHIVED),
    summary="Remove a target language",
)
def remove_language(project_id: str, lang: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    language = language_param(lang, "lang")
    return project_out(service.remove_language(session, principal=principal, project_id=project_id, language=language))
