"""The translation editor: a paged grid of keys by languages, and the actions on one cell.

Every write goes through `translations.editing` (the API's upsert, status change and revert,
with their permission checks and the one write path); the checks shown while typing are
`translations.quality.draft_failures`, the same policy the write path applies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from entri.ai import service as ai
from entri.auth.deps import CurrentPrincipal
from entri.core.deps import DbSession, language_param
from entri.core.errors import ApiError, BadRequest
from entri.core.vocabularies import Status
from entri.keys import service as keys
from entri.memory import matching
from entri.projects import service as projects
from entri.projects.models import Project
from entri.translations import editing, quality
from entri.web import grid
from entri.web.context import PREFIX, MaybePrincipal, page, refusal

router = APIRouter(prefix="/projects/{project_id}/editor")

STATUSES = [s.value for s in Status]
CHECK_FILTERS = ["failing", "errors"]


def _languages(project: Project, wanted: list[str]) -> list[str]:
    targets = [t for t in project.target_languages if t != project.source_language]
    chosen = [w for w in wanted if w in targets]
    return chosen or targets[:1] or [project.source_language]


@router.get("", response_class=HTMLResponse)
def editor(
    request: Request,
    project_id: str,
    principal: MaybePrincipal,
    session: DbSession,
    lang: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI reads the default, never mutates it)
    q: str | None = None,
    ns: str | None = None,
    status: str | None = None,
    check: str | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    if principal is None:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)
    project = projects.get_project(session, principal=principal, project_id=project_id)
    languages = _languages(project, lang)
    if status and status not in STATUSES:
        raise BadRequest([f"status must be one of {', '.join(STATUSES)}"])
    if check and check not in CHECK_FILTERS:
        raise BadRequest([f"check must be one of {', '.join(CHECK_FILTERS)}"])
    filters = grid.Filters(search=q or None, namespace=ns if ns else None, status=status, check=check)
    rows, total = grid.page_of(session, project=project, languages=languages, filters=filters, page=page_number)
    pages = max(1, (total + grid.PAGE_SIZE - 1) // grid.PAGE_SIZE)
    return page(
        request,
        "editor.html",
        principal,
        project=project,
        languages=languages,
        targets=[t for t in project.target_languages if t != project.source_language],
        rows=rows,
        total=total,
        page_number=page_number,
        pages=pages,
        filters=filters,
        statuses=STATUSES,
        check_filters=CHECK_FILTERS,
    )


def _cell_response(request: Request, principal: CurrentPrincipal, cell: grid.Cell) -> Response:
    return page(request, "_cell.html", principal, cell=cell)


def _forms(key_plural: bool, cats: list[str], texts: list[str]) -> dict[str, str] | None:
    if not key_plural:
        return None
    forms = {c: t for c, t in zip(cats, texts, strict=False) if t}
    return forms or None


@router.post("/save", response_class=HTMLResponse)
def save(
    request: Request,
    project_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    key: Annotated[str, Form(max_length=64)],
    language: Annotated[str, Form(max_length=35)],
    value: Annotated[str, Form()] = "",
    version: Annotated[int | None, Form()] = None,
    form_cat: Annotated[list[str], Form()] = [],  # noqa: B006
    form_text: Annotated[list[str], Form()] = [],  # noqa: B006
    status: Annotated[str | None, Form()] = None,
) -> Response:
    """Save the draft of one cell (optionally with a status); answers the cell re-rendered."""
    try:
        project = projects.get_project(session, principal=principal, project_id=project_id, for_write=True)
        lang = language_param(language)
        found = keys.get_key(session, project=project, key_id=key)
        plurals = _forms(found.is_plural, form_cat, form_text)
        editing.upsert(
            session,
            principal=principal,
            project=project,
            key=found,
            language=lang,
            value=None if found.is_plural else (value or None),
            plurals=plurals,
            status=status or None,
            expected_version=version,
        )
        cell = grid.one_cell(session, project=project, key=found, language=lang)
    except ApiError as exc:
        return refusal(request, exc)
    return _cell_response(request, principal, cell)


@router.post("/status", response_class=HTMLResponse)
def set_status(
    request: Request,
    project_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    key: Annotated[str, Form(max_length=64)],
    language: Annotated[str, Form(max_length=35)],
    status: Annotated[str, Form(max_length=16)],
    version: Annotated[int | None, Form()] = None,
) -> Response:
    try:
        project = projects.get_project(session, principal=principal, project_id=project_id, for_write=True)
        lang = language_param(language)
        found = keys.get_key(session, project=project, key_id=key)
        editing.set_status(
            session,
            principal=principal,
            project=project,
            key=found,
            language=lang,
            status=status,
            expected_version=version,
        )
        cell = grid.one_cell(session, project=project, key=found, language=lang)
    except ApiError as exc:
        return refusal(request, exc)
    return _cell_response(request, principal, cell)


@router.post("/revert", response_class=HTMLResponse)
def revert(
    request: Request,
    project_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    key: Annotated[str, Form(max_length=64)],
    language: Annotated[str, Form(max_length=35)],
    history: Annotated[str, Form(max_length=64)],
) -> Response:
    try:
        project = projects.get_project(session, principal=principal, project_id=project_id, for_write=True)
        lang = language_param(language)
        found = keys.get_key(session, project=project, key_id=key)
        editing.revert(session, principal=principal, project=project, key=found, language=lang, history_id=history)
        cell = grid.one_cell(session, project=project, key=found, language=lang)
    except ApiError as exc:
        return refusal(request, exc)
    return _cell_response(request, principal, cell)


@router.post("/check", response_class=HTMLResponse)
def check_draft(
    request: Request,
    project_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    key: Annotated[str, Form(max_length=64)],
    language: Annotated[str, Form(max_length=35)],
    value: Annotated[str, Form()] = "",
    form_cat: Annotated[list[str], Form()] = [],  # noqa: B006
    form_text: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    """The checks a draft would fail if saved now (a POST for the draft's size; writes nothing)."""
    try:
        project = projects.get_project(session, principal=principal, project_id=project_id)
        lang = language_param(language)
        found = keys.get_key(session, project=project, key_id=key)
        failures = quality.draft_failures(
            session,
            project=project,
            key_id=found.id,
            language=lang,
            value=None if found.is_plural else (value or None),
            plurals=_forms(found.is_plural, form_cat, form_text),
        )
    except ApiError as exc:
        return refusal(request, exc)
    return page(request, "_checks.html", principal, checks=[f.as_json() for f in failures], draft=True)


@router.get("/panel", response_class=HTMLResponse)
def panel(
    request: Request, project_id: str, principal: CurrentPrincipal, session: DbSession, key: str, language: str
) -> Response:
    """The side panel of one cell: the source with its numbered placeholders, TM candidates
    (memory.matching) and the history with one-click revert."""
    project = projects.get_project(session, principal=principal, project_id=project_id)
    lang = language_param(language)
    found = keys.get_key(session, project=project, key_id=key)
    source = grid.one_cell(session, project=project, key=found, language=project.source_language)
    text = grid.source_text(source)
    matches = (
        matching.lookup(
            session,
            organization_id=project.organization_id,
            source_language=project.source_language,
            target_language=lang,
            text=text,
            limit=5,
        )
        if text and lang != project.source_language
        else []
    )
    candidates = [{"text": m.target_text, "score": m.similarity, "origin": f"TM ({m.entry.origin})"} for m in matches]
    return page(
        request,
        "_panel.html",
        principal,
        project=project,
        key=found,
        language=lang,
        source=source,
        source_value=text,
        spans=quality.placeholder_spans(project, found.origin_format, text),
        candidates=candidates,
        history=grid.history_items(session, key_id=found.id, language=lang),
    )


@router.post("/ai", response_class=HTMLResponse)
def ai_translate(
    request: Request,
    project_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    key: Annotated[str, Form(max_length=64)],
    language: Annotated[str, Form(max_length=35)],
) -> Response:
    """AI candidates for one key (not saved: the translator takes one with Alt+n, then saves)."""
    try:
        project = projects.get_project(session, principal=principal, project_id=project_id, for_write=True)
        lang = language_param(language)
        found = keys.get_key(session, project=project, key_id=key)
        result = ai.translate_pairs(
            session,
            principal=principal,
            project=project,
            pairs=[(found, lang)],
            model=None,
            overwrite=True,
            save=False,
            alternatives=2,
            kind="single",
        )
    except ApiError as exc:
        return refusal(request, exc)
    candidates = []
    for outcome in result.outcomes:
        if outcome.state == "translated" and outcome.value is not None:
            candidates.append({"text": outcome.value, "score": outcome.confidence, "origin": f"AI ({result.model})"})
            candidates += [{"text": v, "score": c, "origin": f"AI ({result.model})"} for v, c in outcome.alternatives]
        else:
            reason = outcome.reason or "no translation"
            return page(request, "_error.html", principal, messages=[f"AI: {reason}"], status=200)
    return page(request, "_candidates.html", principal, candidates=candidates, offset=0, kind="ai")
