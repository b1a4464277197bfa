"""AI routes (entri-api.md §4.4, decisions 5): status, single translate, synchronous batch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from sse_starlette import EventSourceResponse

from entri.ai import estimate, service
from entri.ai import jobs as ai_jobs
from entri.ai.schemas import (
    AiJobOut,
    BatchBody,
    BatchOut,
    DryRunOut,
    JobStarted,
    StatusOut,
    TranslateBody,
    TranslateOut,
)
from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.deps import DbSession, get_database, language_param
from entri.core.errors import BadGateway, BadRequest
from entri.core.permissions import Permission
from entri.core.ratelimit import throttle
from entri.core.schemas import ARCHIVED, ERROR_RESPONSES, ErrorOut, Responses, conflict
from entri.jobs import events
from entri.jobs import service as jobs
from entri.jobs.router import STREAM_DOC
from entri.keys import service as keys
from entri.keys.models import Key
from entri.projects.deps import ReadProject, WriteProject
from entri.translations import listing

MAX_JOB_PAIRS = 100_000
"""Pairs in one async batch: a whole 100k-key project into one language."""

router = APIRouter(
    prefix="/projects/{project_id}/ai", tags=["AI"], responses=ERROR_RESPONSES, dependencies=[scoped("ai")]
)


async def batch_limit(request: Request) -> None:
    """The AI batch routes' own limit per token or session (docs/rate-limits.md)."""
    await throttle(request, "ai")


UPSTREAM: Responses = {
    502: {"model": ErrorOut, "description": "The AI provider failed or its answer failed the checks"}
}


@router.get("/status", response_model=StatusOut, summary="Providers and models available, and the default")
def status(project: ReadProject, session: DbSession) -> dict[str, Any]:
    """The server's providers and the organization's own (docs/settings.md), and the default."""
    return service.status(session, project=project)


@router.post(
    "/translate",
    response_model=TranslateOut,
    responses={**conflict(ARCHIVED), **UPSTREAM},
    summary="Translate one key into one language (saved only with save: true)",
)
def translate(
    body: TranslateBody, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    language = language_param(body.targetLanguage)
    key = keys.get_key(session, project=project, key_id=body.keyId)
    result = service.translate_pairs(
        session,
        principal=principal,
        project=project,
        pairs=[(key, language)],
        model=body.model,
        overwrite=body.overwrite or not body.save,
        save=body.save,
        alternatives=2,
        kind="single",
    )
    if result.skipped:
        raise BadRequest([result.skipped[0][2]])
    [outcome] = result.outcomes
    if outcome.declined:  # the memory provider has nothing: not an upstream failure
        return {
            "keyId": key.id,
            "targetLanguage": language,
            "value": None,
            "pluralForms": None,
            "confidence": None,
            "alternatives": [],
            "model": result.model,
            "saved": False,
            "checks": [],
            "reason": outcome.reason,
        }
    if outcome.state != "translated":
        raise BadGateway(f"AI translation failed: {outcome.reason}")
    return {
        "keyId": key.id,
        "targetLanguage": language,
        "value": outcome.value,
        "pluralForms": outcome.forms,
        "confidence": outcome.confidence,
        "alternatives": [{"value": v, "confidence": c} for v, c in outcome.alternatives],
        "model": result.model,
        "saved": result.saved > 0,
        "checks": [f.as_json() for f in outcome.failures],
    }


@router.post(
    "/translate/batch",
    response_model=BatchOut | DryRunOut,
    responses={**conflict(ARCHIVED), **UPSTREAM},
    summary=f"Translate up to {service.MAX_SYNC_PAIRS} key x language pairs and save them (or estimate: dryRun)",
    dependencies=[Depends(batch_limit)],
)
def translate_batch(
    body: BatchBody, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    principal.require(Permission.EDIT_TRANSLATIONS)
    languages = [language_param(lang) for lang in body.targetLanguages]
    pairs = _pairs(session, project_id=project.id, key_ids=body.keyIds, languages=languages, overwrite=body.overwrite)
    if len(pairs) > service.MAX_SYNC_PAIRS:
        raise BadRequest(
            [
                f"{len(pairs)} key x language pairs: the synchronous batch takes {service.MAX_SYNC_PAIRS}; "
                "use translate/batch/start"
            ]
        )
    if body.dryRun:
        return estimate.dry_run(session, project=project, pairs=pairs, model=body.model, overwrite=body.overwrite)
    result = service.translate_pairs(
        session,
        principal=principal,
        project=project,
        pairs=pairs,
        model=body.model,
        overwrite=body.overwrite,
        save=True,
        max_tokens=body.maxTokens,
    )
    items = [
        {
            "keyId": o.key_id,
            "language": o.language,
            "status": "skipped" if o.state == "not_sent" else o.state,
            "value": o.value if o.state == "translated" else None,
            "confidence": o.confidence,
            "reason": o.reason,
        }
        for o in result.outcomes
    ] + [{"keyId": k, "language": lang, "status": "skipped", "reason": why} for k, lang, why in result.skipped]
    translated = sum(1 for o in result.outcomes if o.state == "translated")
    not_sent = sum(1 for o in result.outcomes if o.state == "not_sent")
    return {
        "processed": len(result.outcomes) - not_sent,
        "total": len(pairs),
        "translated": translated,
        "failed": len(result.outcomes) - translated - not_sent,
        "skipped": len(result.skipped) + not_sent,
        "saved": result.saved,
        "model": result.model,
        "usage": {"inputTokens": result.usage.input_tokens, "outputTokens": result.usage.output_tokens},
        "stopped": result.stopped,
        "items": items,
    }


@router.post(
    "/translate/batch/start",
    status_code=202,
    response_model=JobStarted | DryRunOut,
    responses={**conflict(ARCHIVED), 200: {"model": DryRunOut, "description": "dryRun: the estimate, no job"}},
    summary="Start an AI batch as a background job (or estimate it: dryRun)",
    dependencies=[Depends(batch_limit)],
)
def start_batch(
    body: BatchBody, project: WriteProject, session: DbSession, principal: CurrentPrincipal, response: Response
) -> dict[str, Any]:
    """Without `keyIds`, every key untranslated in each language (all of them with `overwrite`).
    `maxTokens`: the job stops (cancelled, reason budget) once its calls used that many tokens.
    `dryRun`: 200 with the pair count and a token estimate; no job, no provider call."""
    principal.require(Permission.EDIT_TRANSLATIONS)
    service.configure(session, project=project, model=body.model)  # refuse an unusable model now, not in the worker
    languages = [language_param(lang) for lang in body.targetLanguages]
    missing = [lang for lang in languages if lang not in project.target_languages]
    if missing:
        raise BadRequest([f"'{lang}' is not a target language of this project" for lang in missing])
    pairs = _pairs(
        session,
        project_id=project.id,
        key_ids=body.keyIds,
        languages=languages,
        overwrite=body.overwrite,
        limit=MAX_JOB_PAIRS,
    )
    if len(pairs) > MAX_JOB_PAIRS:
        raise BadRequest([f"more than {MAX_JOB_PAIRS} key x language pairs in one job: split it by language"])
    if body.dryRun:
        response.status_code = 200
        return estimate.dry_run(session, project=project, pairs=pairs, model=body.model, overwrite=body.overwrite)
    job = ai_jobs.start(
        session,
        principal=principal,
        project=project,
        pairs=pairs,
        languages=languages,
        model=body.model,
        overwrite=body.overwrite,
        max_tokens=body.maxTokens,
    )
    session.commit()
    return {"jobId": job.id, "total": len(pairs)}


def _shape(state: dict[str, Any]) -> dict[str, Any]:
    """decisions 5's progress fields on top of the generic job state."""
    return {**state, "translated": state["succeeded"]}


@router.get("/jobs/{job_id}", response_model=AiJobOut, summary="An AI batch job's state")
def job_state(job_id: str, project: ReadProject, session: DbSession) -> dict[str, Any]:
    return _shape(jobs.state(jobs.get_job(session, job_id=job_id, project_id=project.id)))


@router.post("/translate/batch/cancel/{job_id}", response_model=AiJobOut, summary="Cancel an AI batch job")
def cancel_batch(job_id: str, project: ReadProject, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    job = jobs.get_job(session, job_id=job_id, project_id=project.id)
    return _shape(jobs.state(jobs.cancel(session, principal=principal, project_id=project.id, job_id=job.id)))


@router.get(
    "/translate/batch/stream/{job_id}",
    response_class=EventSourceResponse,
    responses=STREAM_DOC,
    summary="Follow an AI batch (Server-Sent Events: progress, then done | cancelled | error)",
)
def stream_batch(job_id: str, request: Request, project: ReadProject, session: DbSession) -> EventSourceResponse:
    job = jobs.get_job(session, job_id=job_id, project_id=project.id)
    session.close()
    return events.stream(get_database(request), job.id, shape=_shape)


def _pairs(
    session: DbSession,
    *,
    project_id: str,
    key_ids: list[str] | None,
    languages: list[str],
    overwrite: bool,
    limit: int = service.MAX_SYNC_PAIRS,
) -> list[tuple[Key, str]]:
    """The (key, language) pairs of a batch: the named keys, or every key untranslated in each
    language (decisions 5). Unknown key ids are a 400 naming them."""
    if key_ids is not None:
        found = {k.id: k for k in session.scalars(select(Key).where(Key.project_id == project_id, Key.id.in_(key_ids)))}
        missing = [k for k in key_ids if k not in found]
        if missing:
            raise BadRequest([f"keyIds: key '{k}' not found in this project" for k in missing[:50]])
        return [(found[k], lang) for lang in languages for k in dict.fromkeys(key_ids)]
    pairs: list[tuple[Key, str]] = []
    for language in languages:
        query = select(Key).where(Key.project_id == project_id)
        if not overwrite:
            query = query.where(Key.id.not_in(listing.translated_key_ids(project_id=project_id, language=language)))
        pairs.extend(
            (k, language)
            for k in session.scalars(query.order_by(Key.namespace, Key.sort_name, Key.id).limit(limit + 1))
        )
    return pairs
