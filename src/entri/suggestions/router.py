"""Suggestion routes: list and create on a key + language, accept, delete (docs/suggestions.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Response

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.deps import DbSession, Paging, language_param
from entri.core.pagination import envelope
from entri.core.schemas import ARCHIVED, ERROR_RESPONSES, conflict
from entri.keys import service as keys
from entri.projects import service as projects
from entri.projects.deps import ReadProject, WriteProject
from entri.suggestions import service
from entri.suggestions.schemas import SuggestionAccept, SuggestionCreate, SuggestionOut, SuggestionPage, suggestion_out
from entri.translations.schemas import TranslationOut, translation_out

router = APIRouter(
    prefix="/projects/{project_id}/keys/{key_id}/suggestions/{language}",
    tags=["Suggestions"],
    responses=ERROR_RESPONSES,
    dependencies=[scoped("translations")],
)
FAILING_CHECKS = "a reviewed or approved status while error-level quality checks fail (unless an admin forces it)"


@router.get("", response_model=SuggestionPage, summary="Suggestions for a key in one language")
def list_suggestions(
    key_id: str, language: str, project: ReadProject, session: DbSession, paging: Paging
) -> dict[str, Any]:
    lang = language_param(language)
    projects.require_language(project, lang)
    key = keys.get_key(session, project=project, key_id=key_id)
    rows, total = service.list_for(session, project=project, key=key, language=lang, params=paging)
    return envelope([suggestion_out(r) for r in rows], total, paging)


@router.post(
    "",
    status_code=201,
    response_model=SuggestionOut,
    responses=conflict(ARCHIVED, "the text is the current translation or is already suggested"),
    summary="Suggest a text",
)
def create_suggestion(
    key_id: str,
    language: str,
    body: SuggestionCreate,
    project: WriteProject,
    session: DbSession,
    principal: CurrentPrincipal,
) -> dict[str, Any]:
    lang = language_param(language)
    key = keys.get_key(session, project=project, key_id=key_id)
    text = service.text_from(body.value, body.pluralForms)
    row = service.create(session, principal=principal, project=project, key=key, language=lang, text=text)
    return suggestion_out(row)


@router.post(
    "/{suggestion_id}/accept",
    response_model=TranslationOut,
    responses=conflict(ARCHIVED, FAILING_CHECKS),
    summary="Accept a suggestion: it becomes the translation",
)
def accept_suggestion(
    key_id: str,
    language: str,
    suggestion_id: str,
    project: WriteProject,
    session: DbSession,
    principal: CurrentPrincipal,
    body: SuggestionAccept = Body(default_factory=SuggestionAccept),
) -> dict[str, Any]:
    lang = language_param(language)
    key = keys.get_key(session, project=project, key_id=key_id)
    options = body
    row = service.accept(
        session,
        principal=principal,
        project=project,
        key=key,
        language=lang,
        suggestion_id=suggestion_id,
        status=options.status,
        force=options.force,
    )
    return translation_out(key, lang, row)


@router.delete("/{suggestion_id}", status_code=204, responses=conflict(ARCHIVED), summary="Delete a suggestion")
def delete_suggestion(
    key_id: str,
    language: str,
    suggestion_id: str,
    project: WriteProject,
    session: DbSession,
    principal: CurrentPrincipal,
) -> Response:
    lang = language_param(language)
    key = keys.get_key(session, project=project, key_id=key_id)
    service.remove(session, principal=principal, project=project, key=key, language=lang, suggestion_id=suggestion_id)
    return Response(status_code=204)
