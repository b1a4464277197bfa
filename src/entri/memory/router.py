"""Translation-memory routes (§4.5): browse, fuzzy search, delete (organization routes), and
fill (a project route). docs/memory.md."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.deps import DbSession, Paging, language_param
from entri.core.pagination import envelope
from entri.core.schemas import ARCHIVED, ERROR_RESPONSES, conflict
from entri.memory import fill as fill_service
from entri.memory import matching, service
from entri.memory.schemas import FillBody, FillOut, TmMatchOut, TmPage, entry_out, fill_out, match_out
from entri.organizations import service as orgs
from entri.projects.deps import WriteProject

router = APIRouter(tags=["Translation Memory"], responses=ERROR_RESPONSES, dependencies=[scoped("tm")])


@router.get("/organizations/{org_id}/tm", response_model=TmPage, summary="Browse entries (newest first)")
def browse(
    org_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    sourceLang: str | None = None,
    targetLang: str | None = None,
    q: Annotated[str | None, Query(description="Substring of the source or target text", max_length=1000)] = None,
) -> dict[str, Any]:
    orgs.resolve_org_id(principal, org_id)
    filters = service.BrowseFilters(
        source_language=language_param(sourceLang, "sourceLang") if sourceLang else None,
        target_language=language_param(targetLang, "targetLang") if targetLang else None,
        q=q or None,
    )
    rows, total = service.browse(session, principal=principal, filters=filters, params=paging)
    return envelope([entry_out(r) for r in rows], total, paging)


@router.get("/organizations/{org_id}/tm/search", response_model=list[TmMatchOut], summary="Fuzzy search, best first")
def search(
    org_id: str,
    session: DbSession,
    principal: CurrentPrincipal,
    sourceText: Annotated[str, Query(min_length=1, max_length=10_000)],
    sourceLang: Annotated[str, Query(min_length=1)],
    targetLang: Annotated[str, Query(min_length=1)],
    minSimilarity: Annotated[int, Query(ge=0, le=100)] = matching.DEFAULT_MIN_SIMILARITY,
    limit: Annotated[int, Query(ge=1, le=matching.MAX_LIMIT)] = matching.DEFAULT_LIMIT,
) -> list[dict[str, Any]]:
    orgs.resolve_org_id(principal, org_id)
    found = service.search(
        session,
        principal=principal,
        source_text=sourceText,
        source_language=language_param(sourceLang, "sourceLang"),
        target_language=language_param(targetLang, "targetLang"),
        min_similarity=minSimilarity,
        limit=limit,
    )
    return [match_out(m) for m in found]


@router.delete("/organizations/{org_id}/tm/{entry_id}", status_code=204, summary="Delete an entry")
def delete_entry(org_id: str, entry_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    orgs.resolve_org_id(principal, org_id)
    service.delete_entry(session, principal=principal, entry_id=entry_id)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/tm/fill",
    response_model=FillOut,
    responses=conflict(ARCHIVED),
    dependencies=[scoped("translations")],
    summary=f"Pre-translate untranslated keys from the memory (in the request up to {fill_service.MAX_SYNC_ITEMS} "
    "pairs, else as a job)",
)
def fill(body: FillBody, project: WriteProject, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    result = fill_service.fill(
        session,
        principal=principal,
        project=project,
        languages=body.languages,
        key_ids=body.keyIds,
        min_similarity=body.minSimilarity,
    )
    return fill_out(result)
