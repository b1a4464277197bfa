"""Translation routes: the per-language listing, one key's translations, upsert, status,
revert, history and overwrite by key (docs/api-decisions.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Body, Query, Response

from entri.auth.deps import CurrentPrincipal, scoped
from entri.checks.registry import all_checks
from entri.content import overwrite as overwrite_service
from entri.core.deps import DbSession, Paging, language_param
from entri.core.errors import BadRequest
from entri.core.pagination import envelope
from entri.core.schemas import ARCHIVED, ERROR_RESPONSES, conflict
from entri.core.vocabularies import Status, spelled
from entri.keys import service as keys
from entri.projects import service as projects
from entri.projects.deps import ReadProject, WriteProject
from entri.translations import editing, listing, service
from entri.translations.schemas import (
    FailingPage,
    HistoryOut,
    KeyTranslations,
    OverwriteBody,
    OverwriteItemIn,
    OverwriteOut,
    StatusChange,
    TranslationOut,
    TranslationPage,
    TranslationUpsert,
    history_out,
    listing_out,
    translation_out,
)

router = APIRouter(
    prefix="/projects/{project_id}",
    tags=["Translations"],
    responses=ERROR_RESPONSES,
    dependencies=[scoped("translations")],
)
KEY = "/keys/{key_id}/translations/{language}"
FAILING_CHECKS = "a reviewed or approved status while error-level quality checks fail (unless an admin forces it)"
STALE_VERSION = "the translation changed concurrently"


@router.post(
    "/translations/overwrite",
    response_model=OverwriteOut,
    responses=conflict(ARCHIVED),
    summary="Overwrite translations by key string",
)
def overwrite(
    project: WriteProject,
    session: DbSession,
    principal: CurrentPrincipal,
    body: OverwriteBody | list[OverwriteItemIn] = Body(),
) -> dict[str, Any]:
    items = body.translations if isinstance(body, OverwriteBody) else body
    result = overwrite_service.overwrite(
        session,
        principal=principal,
        project=project,
        items=[
            overwrite_service.OverwriteItem(key=i.key, namespace=i.namespace, language=i.language, value=i.value)
            for i in items
        ],
    )
    return {"overwritten": result.overwritten, "notFound": result.not_found}


@router.get(
    "/translations/{language}",
    response_model=TranslationPage,
    summary="All keys with their translation in one language",
)
async def list_language(
    language: str,
    project: ReadProject,
    session: DbSession,
    paging: Paging,
    status: str | None = None,
    check: Annotated[
        str | None,
        Query(description="`failing` (any check), `errors` (an error-level one), or a check id (docs/checks.md)"),
    ] = None,
) -> Response:
    """The hottest read: its JSON is written straight from the rows (orjson), not validated
    again through the response model that documents it; tests hold the two to one shape.
    Async so it runs in the event loop, like `project_for_read`: two indexed reads on a read
    session never wait on a lock, and skipping the threadpool hop saved ~0.1-0.3 ms of CPU per
    page (docs/performance.md)."""
    lang = language_param(language)
    projects.require_language(project, lang)
    if status is not None and status not in _STATUSES:
        raise BadRequest([f"status must be one of {spelled(Status)}"])
    if check is not None:
        require_check_filter(check)
    rows, total = listing.list_for_language(
        session, project=project, language=lang, offset=paging.offset, limit=paging.limit, status=status, check=check
    )
    body = envelope([listing_out(r, lang) for r in rows], total, paging)
    return Response(orjson.dumps(body), media_type="application/json")


_STATUSES = frozenset(Status)


@router.get("/checks", response_model=FailingPage, summary="Translations failing quality checks")
def failing_checks(
    project: ReadProject,
    session: DbSession,
    paging: Paging,
    language: str | None = None,
    severity: Annotated[Literal["error", "warning"] | None, Query(description="Only this worst severity")] = None,
    check: Annotated[str | None, Query(description="Only translations failing this check id")] = None,
) -> Response:
    """Paged, by language then key order; each item is a translation with its `checks`."""
    lang = None
    if language is not None:
        lang = language_param(language)
        projects.require_language(project, lang)
    if check is not None:
        require_check_filter(check)
    rows, total = listing.failing(
        session,
        project=project,
        language=lang,
        severity=severity,
        check=check,
        offset=paging.offset,
        limit=paging.limit,
    )
    body = envelope([listing_out(r[1:], r[0]) for r in rows], total, paging)
    return Response(orjson.dumps(body), media_type="application/json")


def require_check_filter(check: str) -> None:
    """`failing`, `errors` or a known check id, else a 400 listing them."""
    known = all_checks()
    if check not in (listing.FAILING, listing.ERRORS) and check not in known:
        raise BadRequest([f"check must be '{listing.FAILING}', '{listing.ERRORS}' or a check id: {', '.join(known)}"])


@router.get("/keys/{key_id}/translations", response_model=KeyTranslations, summary="A key in every project language")
def key_translations(key_id: str, project: ReadProject, session: DbSession) -> dict[str, Any]:
    key = keys.get_key(session, project=project, key_id=key_id)
    rows = service.for_key(session, key_id=key.id)
    return {
        "keyId": key.id,
        "key": key.name,
        "namespace": key.namespace,
        "translations": [translation_out(key, lang, rows.get(lang)) for lang in project.languages],
    }


@router.put(
    KEY,
    response_model=TranslationOut,
    responses=conflict(ARCHIVED, FAILING_CHECKS, STALE_VERSION),
    summary="Create or update a translation",
)
def upsert(
    key_id: str,
    language: str,
    body: TranslationUpsert,
    project: WriteProject,
    session: DbSession,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    lang = language_param(language)
    key = keys.get_key(session, project=project, key_id=key_id)
    row = editing.upsert(
        session,
        principal=principal,
        project=project,
        key=key,
        language=lang,
        value=body.value,
        plurals=body.pluralForms,
        source=body.source,
        # Only meaningful with source "ai": sent with another source it is a 400, not dropped.
        ai_confidence=body.aiConfidence,
        status=body.status,
        force=body.force,
    )
    return translation_out(key, lang, row)


@router.patch(
    KEY + "/status",
    response_model=TranslationOut,
    responses=conflict(ARCHIVED, FAILING_CHECKS, STALE_VERSION),
    summary="Change only the status",
)
def change_status(
    key_id: str,
    language: str,
    body: StatusChange,
    project: WriteProject,
    session: DbSession,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    lang = language_param(language)
    key = keys.get_key(session, project=project, key_id=key_id)
    row = editing.set_status(
        session, principal=principal, project=project, key=key, language=lang, status=body.status, force=body.force
    )
    return translation_out(key, lang, row)


@router.post(
    KEY + "/revert",
    response_model=TranslationOut,
    responses=conflict(ARCHIVED),
    summary="Revert to the most recent different value",
)
def revert(
    key_id: str, language: str, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    lang = language_param(language)
    key = keys.get_key(session, project=project, key_id=key_id)
    row = editing.revert(session, principal=principal, project=project, key=key, language=lang)
    return translation_out(key, lang, row)


@router.post(
    KEY + "/revert/{history_id}",
    response_model=TranslationOut,
    responses=conflict(ARCHIVED),
    summary="Revert to a history entry",
)
def revert_to(
    key_id: str, language: str, history_id: str, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    lang = language_param(language)
    key = keys.get_key(session, project=project, key_id=key_id)
    row = editing.revert(session, principal=principal, project=project, key=key, language=lang, history_id=history_id)
    return translation_out(key, lang, row)


@router.get(KEY + "/history", response_model=list[HistoryOut], summary="History, newest first")
def get_history(key_id: str, language: str, project: ReadProject, session: DbSession) -> list[dict[str, Any]]:
    lang = language_param(language)
    projects.require_language(project, lang)  # a removed language is hidden, its history too
    key = keys.get_key(session, project=project, key_id=key_id)
    return [history_out(e) for e in service.history(session, key_id=key.id, language=lang)]
