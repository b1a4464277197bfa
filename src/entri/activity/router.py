"""Activity feeds (§4.10, docs/activity.md): a project's and an organization's, newest first.
Append-only: there is no route that changes or deletes an entry."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from entri.activity import service
from entri.activity.schemas import ActivityPage, activity_out
from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.deps import DbSession, Paging, language_param
from entri.core.pagination import envelope
from entri.core.permissions import Permission
from entri.core.schemas import ERROR_RESPONSES
from entri.organizations import service as orgs
from entri.projects.deps import ReadProject

router = APIRouter(tags=["Activity"], responses=ERROR_RESPONSES, dependencies=[scoped("activity")])

_MOMENT = "ISO 8601 date or date-time (UTC unless it says otherwise), inclusive"


async def _filters(
    projectId: Annotated[
        str | None, Query(max_length=64, description="One project's entries (a deleted project's too)")
    ] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="An action (`key.created`), or `<resource>.*` (`glossary.*`)")
    ] = None,
    userId: Annotated[str | None, Query(max_length=64)] = None,
    targetType: Annotated[str | None, Query(max_length=64, description="key, translation, project, ...")] = None,
    source: Annotated[str | None, Query(description="human | ai | import | tm | api")] = None,
    language: Annotated[str | None, Query(max_length=35)] = None,
    since: Annotated[str | None, Query(alias="from", max_length=64, description=_MOMENT)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=64, description=_MOMENT)] = None,
) -> service.Filters:
    """No I/O: async skips the threadpool hop."""
    return service.filters_of(
        project_id=projectId,
        action=action,
        user_id=userId,
        target_type=targetType,
        source=source,
        language=language_param(language) if language else None,
        since=since,
        until=until,
    )


Filters = Annotated[service.Filters, Depends(_filters)]


@router.get(
    "/projects/{project_id}/activity", response_model=ActivityPage, summary="A project's activity, newest first"
)
def project_activity(
    project: ReadProject, session: DbSession, principal: CurrentPrincipal, paging: Paging, filters: Filters
) -> dict[str, Any]:
    principal.require(Permission.VIEW)
    mine = replace(filters, project_id=project.id)
    rows, total = service.list_entries(session, organization_id=project.organization_id, filters=mine, params=paging)
    return envelope([activity_out(r) for r in rows], total, paging)


@router.get(
    "/organizations/{org_id}/activity",
    response_model=ActivityPage,
    summary="The organization's activity across its projects, newest first",
)
def organization_activity(
    org_id: str, session: DbSession, principal: CurrentPrincipal, paging: Paging, filters: Filters
) -> dict[str, Any]:
    organization_id = orgs.resolve_org_id(principal, org_id)
    principal.require(Permission.VIEW)
    rows, total = service.list_entries(session, organization_id=organization_id, filters=filters, params=paging)
    return envelope([activity_out(r) for r in rows], total, paging)
