"""Analytics routes (entri-api.md §4.11, docs/analytics.md); token scope `analytics:read`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from entri.analytics import service
from entri.analytics.schemas import AiQualityOut, ContributorOut, DayOut, OverviewOut, ProgressOut
from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.deps import DbSession, language_param
from entri.core.schemas import ERROR_RESPONSES
from entri.core.vocabularies import Source
from entri.projects.deps import ReadProject

router = APIRouter(tags=["Analytics"], responses=ERROR_RESPONSES, dependencies=[scoped("analytics")])
PROJECT = "/projects/{project_id}/analytics"

Languages = Annotated[
    str | None,
    Query(
        description="Comma-separated language codes of the project; default: every target language "
        "(the source language only when named)",
        max_length=2000,
    ),
]
SourceFilter = Annotated[
    Literal["human", "ai", "import", "tm", "api"] | None,
    Query(description="Only work whose value came from this source"),
]


def _languages(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    codes = [part.strip() for part in raw.split(",") if part.strip()]
    return [language_param(code, "languages") for code in codes] or None


def _source(value: str | None) -> str | None:
    return Source(value).value if value is not None else None


@router.get(f"{PROJECT}/progress", response_model=ProgressOut, summary="Coverage per language (and namespace)")
def progress(
    project: ReadProject,
    session: DbSession,
    principal: CurrentPrincipal,
    languages: Languages = None,
    by: Annotated[
        Literal["namespace"] | None, Query(description="`namespace` adds the same figures per namespace")
    ] = None,
) -> dict[str, Any]:
    return service.progress(
        session, principal=principal, project=project, languages=_languages(languages), by_namespace=by == "namespace"
    )


@router.get(
    f"{PROJECT}/progress-over-time",
    response_model=list[DayOut],
    summary="Work per day (UTC), one item per day, the last `days` days",
)
def progress_over_time(
    project: ReadProject,
    session: DbSession,
    principal: CurrentPrincipal,
    days: Annotated[int, Query(ge=1, le=service.MAX_DAYS)] = 30,
    languages: Languages = None,
    source: SourceFilter = None,
) -> list[dict[str, Any]]:
    return service.progress_over_time(
        session,
        principal=principal,
        project=project,
        days=days,
        languages=_languages(languages),
        source=_source(source),
    )


@router.get(f"{PROJECT}/contributors", response_model=list[ContributorOut], summary="Work per person")
def contributors(
    project: ReadProject,
    session: DbSession,
    principal: CurrentPrincipal,
    days: Annotated[int | None, Query(ge=1, le=10 * service.MAX_DAYS, description="Only the last days")] = None,
    languages: Languages = None,
    source: SourceFilter = None,
) -> list[dict[str, Any]]:
    return service.contributors(
        session,
        principal=principal,
        project=project,
        days=days,
        languages=_languages(languages),
        source=_source(source),
    )


@router.get(
    f"{PROJECT}/ai-quality",
    response_model=AiQualityOut,
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with `format=csv`"}},
    summary="How AI values fared, per model and language (JSON or CSV)",
)
def ai_quality(
    project: ReadProject,
    session: DbSession,
    principal: CurrentPrincipal,
    languages: Languages = None,
    format: Literal["json", "csv"] = "json",
) -> Any:
    rows = service.ai_quality(session, principal=principal, project=project, languages=_languages(languages))
    if format == "csv":
        headers = {"Content-Disposition": f'attachment; filename="ai-quality-{project.id}.csv"'}
        return Response(service.ai_quality_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
    return {"data": rows}


@router.get(
    "/organizations/{org_id}/analytics/overview", response_model=OverviewOut, summary="The organization at a glance"
)
def overview(
    org_id: str, session: DbSession, principal: CurrentPrincipal, includeArchived: bool = False
) -> dict[str, Any]:
    return service.overview(session, principal=principal, org_id=org_id, include_archived=includeArchived)
