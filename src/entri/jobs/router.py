"""Generic job routes of a project: state, cancel, and the SSE stream (docs/jobs.md, "Routes").

Access: the project is resolved through `projects.service.get_project` (another organization's
project or job is a 404), then the token must carry the scope of the job's domain, read from
its kind: `ai.batch` needs `ai:read` (`ai:write` to cancel), `tm.fill` needs `tm:…`; a kind
whose prefix is no scope resource (decisions.md 11) falls back to `projects`. Cancel needs the
role to allow editing translations, the work jobs do.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sse_starlette import EventSourceResponse

from entri.auth.deps import CurrentPrincipal
from entri.core.deps import DbSession, Paging, get_database
from entri.core.errors import Forbidden
from entri.core.pagination import envelope
from entri.core.principal import Principal
from entri.core.schemas import ERROR_RESPONSES
from entri.jobs import events, service
from entri.jobs.models import Job
from entri.jobs.schemas import JobItemPage, JobOut
from entri.projects import service as projects

router = APIRouter(prefix="/projects/{project_id}/jobs", tags=["Jobs"], responses=ERROR_RESPONSES)

SCOPE_RESOURCES = frozenset(
    {
        "projects", "keys", "translations", "ai", "import", "export", "glossary", "tm", "webhooks", "tokens",
        "activity", "analytics", "settings",
    }
)  # fmt: skip


def scope_of(kind: str) -> str:
    """The token scope resource guarding jobs of `kind` (its prefix before the first dot)."""
    prefix = kind.split(".", 1)[0]
    return prefix if prefix in SCOPE_RESOURCES else "projects"


def _job(session: DbSession, principal: Principal, project_id: str, job_id: str, access: str) -> Job:
    project = projects.get_project(session, principal=principal, project_id=project_id)
    job = service.get_job(session, job_id=job_id, project_id=project.id, organization_id=principal.organization_id)
    resource = scope_of(job.kind)
    if not principal.has_scope(resource, access):
        raise Forbidden(f"This token lacks the scope '{resource}:{access}'")
    return job


@router.get("/{job_id}", response_model=JobOut, summary="Get a job's state")
def get_job(project_id: str, job_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    return service.state(_job(session, principal, project_id, job_id, "read"))


@router.get("/{job_id}/items", response_model=JobItemPage, summary="A job's items (filter: state=failed, ...)")
def job_items(
    project_id: str,
    job_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    state: Annotated[str | None, Query(description="pending | done | failed | skipped")] = None,
) -> dict[str, Any]:
    job = _job(session, principal, project_id, job_id, "read")
    rows, total = service.items(session, job_id=job.id, state=state, offset=paging.offset, limit=paging.limit)
    return envelope(rows, total, paging)


@router.post("/{job_id}/cancel", response_model=JobOut, summary="Cancel a job (it stops within 2 s)")
def cancel_job(project_id: str, job_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    job = _job(session, principal, project_id, job_id, "write")
    return service.state(service.cancel(session, principal=principal, project_id=project_id, job_id=job.id))


STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-Sent Events: `progress` (the job state) at least once a second while the job runs, "
        "then one final `done` (succeeded or partially_failed), `cancelled` or `error` (failed) event; "
        "each event's data is the job state as JSON.",
        "content": {"text/event-stream": {"schema": {"type": "string"}, "example": "event: progress\r\ndata: {...}"}},
    }
}


@router.get(
    "/{job_id}/stream",
    response_class=EventSourceResponse,
    responses=STREAM_DOC,
    summary="Follow a job's progress (Server-Sent Events)",
)
def stream_job(
    project_id: str, job_id: str, request: Request, session: DbSession, principal: CurrentPrincipal
) -> EventSourceResponse:
    job = _job(session, principal, project_id, job_id, "read")
    session.close()  # the stream reads on sessions of its own; don't hold this one open for its life
    return events.stream(get_database(request), job.id)
