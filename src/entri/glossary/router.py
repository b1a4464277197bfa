"""Glossary routes (entri-api.md §4.7, decisions.md 8; docs/glossary.md). Thin: they resolve
the organization, call one service function and shape JSON. Writers that can change what
matches pass `recheck_organization`, so stored check results follow the glossary in the same
transaction (the service may not import translations; a router may orchestrate)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.clock import iso
from entri.core.deps import DbSession, Paging
from entri.core.errors import BadRequest, Forbidden
from entri.core.pagination import envelope
from entri.core.permissions import Permission
from entri.core.schemas import ERROR_RESPONSES, conflict
from entri.glossary import interchange, service
from entri.glossary.models import Glossary, GlossaryTerm
from entri.glossary.prepared import translation_for
from entri.glossary.schemas import (
    GlossaryCheckBody,
    GlossaryCheckHit,
    GlossaryCreate,
    GlossaryImportBody,
    GlossaryImportOut,
    GlossaryOut,
    GlossaryPage,
    GlossaryUpdate,
    TermCreate,
    TermOut,
    TermPage,
    TermUpdate,
)
from entri.glossary.validation import TermInput
from entri.organizations.service import resolve_org_id
from entri.projects import service as projects
from entri.translations import recheck

router = APIRouter(prefix="/organizations/{org_id}/glossaries", tags=["Glossary"], responses=ERROR_RESPONSES)


async def _read_scope(principal: CurrentPrincipal) -> None:
    """`check` is a POST that changes nothing: `glossary:read` is enough."""
    if not principal.has_scope("glossary", "read"):
        raise Forbidden("This token lacks the scope 'glossary:read'")


SCOPED = [scoped("glossary")]
DUPLICATE_NAME = "another glossary of the organization has this name"
DUPLICATE_TERM = "the glossary already has this term with this part of speech"


def recheck_organization(session: Session, organization_id: str) -> None:
    """Every translation of the organization's projects is checked again: the `glossary`
    check's results depend on the terms (docs/glossary.md, "Re-check")."""
    for project in projects.projects_of(session, organization_id=organization_id):
        recheck.recheck_project(session, project=project)


def _glossary_out(glossary: Glossary, count: int) -> dict[str, Any]:
    return {
        "_id": glossary.id,
        "name": glossary.name,
        "description": glossary.description,
        "sourceLanguage": glossary.source_language,
        "targetLanguages": list(glossary.target_languages),
        "organizationId": glossary.organization_id,
        "termCount": count,
        "created": iso(glossary.created_at),
        "updatedAt": iso(glossary.updated_at),
    }


def _term_out(term: GlossaryTerm, glossary: Glossary) -> dict[str, Any]:
    return {
        "_id": term.id,
        "glossaryId": term.glossary_id,
        "term": term.term,
        "description": term.description,
        "partOfSpeech": term.part_of_speech,
        "caseSensitive": term.case_sensitive,
        "doNotTranslate": term.do_not_translate,
        "forbidden": term.forbidden,
        "translations": service.visible_translations(term.translations, glossary.target_languages),
        "created": iso(term.created_at),
        "updatedAt": iso(term.updated_at),
    }


@router.post(
    "",
    status_code=201,
    response_model=GlossaryOut,
    dependencies=SCOPED,
    responses=conflict(DUPLICATE_NAME),
    summary="Create a glossary",
)
def create_glossary(
    org_id: str, body: GlossaryCreate, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    glossary = service.create_glossary(
        session,
        principal=principal,
        organization_id=resolve_org_id(principal, org_id),
        name=body.name,
        description=body.description,
        source_language=body.sourceLanguage,
        target_languages=body.targetLanguages,
    )
    return _glossary_out(glossary, 0)


@router.get("", response_model=GlossaryPage, dependencies=SCOPED, summary="List glossaries (paginated)")
def list_glossaries(org_id: str, session: DbSession, principal: CurrentPrincipal, page: Paging) -> dict[str, Any]:
    rows, total = service.list_glossaries(
        session, principal=principal, organization_id=resolve_org_id(principal, org_id), page=page
    )
    counts = service.term_counts(session, [g.id for g in rows])
    return envelope([_glossary_out(g, counts.get(g.id, 0)) for g in rows], total, page)


@router.post(
    "/check",
    response_model=list[GlossaryCheckHit],
    dependencies=[Depends(_read_scope)],
    summary="Find the glossary terms occurring in a text (offsets in characters, end exclusive)",
)
def check(
    org_id: str, body: GlossaryCheckBody, session: DbSession, principal: CurrentPrincipal
) -> list[dict[str, Any]]:
    found = service.check(
        session,
        principal=principal,
        organization_id=resolve_org_id(principal, org_id),
        text=body.text,
        source_language=body.sourceLanguage,
        glossary_ids=body.glossaryIds,
    )
    target = body.targetLanguage
    return [
        {
            "termId": f.term.id,
            "glossaryId": f.term.glossary_id,
            "term": f.term.term,
            "start": f.start,
            "end": f.end,
            "translation": _translation(f.term, target),
            "doNotTranslate": f.term.do_not_translate,
            "forbidden": f.term.forbidden,
        }
        for f in found
    ]


def _translation(term: Any, target: str | None) -> str | None:
    """What to write in `target`: the approved translation, or the term itself when it is
    not to be translated; None without a target language or a translation."""
    if target is None:
        return None
    if term.do_not_translate:
        return str(term.term)
    return translation_for(term, target)


@router.patch(
    "/terms/{term_id}",
    response_model=TermOut,
    dependencies=SCOPED,
    responses=conflict(DUPLICATE_TERM),
    summary="Update a term (translations merge per language; null removes one)",
)
def update_term(
    org_id: str, term_id: str, body: TermUpdate, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    sent = body.model_dump(exclude_unset=True)
    names = {"partOfSpeech": "part_of_speech", "caseSensitive": "case_sensitive", "doNotTranslate": "do_not_translate"}
    changes = {names.get(k, k): v for k, v in sent.items()}
    term, glossary = service.update_term(
        session,
        principal=principal,
        organization_id=resolve_org_id(principal, org_id),
        term_id=term_id,
        changes=changes,
        after_change=recheck_organization,
    )
    return _term_out(term, glossary)


@router.delete("/terms/{term_id}", status_code=204, dependencies=SCOPED, summary="Delete a term")
def delete_term(org_id: str, term_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    service.delete_term(
        session,
        principal=principal,
        organization_id=resolve_org_id(principal, org_id),
        term_id=term_id,
        after_change=recheck_organization,
    )
    return Response(status_code=204)


@router.get("/{glossary_id}", response_model=GlossaryOut, dependencies=SCOPED, summary="One glossary")
def get_glossary(org_id: str, glossary_id: str, session: DbSession, principal: CurrentPrincipal) -> dict[str, Any]:
    glossary, count = service.read_glossary(
        session, principal=principal, organization_id=resolve_org_id(principal, org_id), glossary_id=glossary_id
    )
    return _glossary_out(glossary, count)


@router.patch(
    "/{glossary_id}",
    response_model=GlossaryOut,
    dependencies=SCOPED,
    responses=conflict(DUPLICATE_NAME),
    summary="Update a glossary (partial)",
)
def update_glossary(
    org_id: str, glossary_id: str, body: GlossaryUpdate, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    sent = body.model_dump(exclude_unset=True)
    names = {"sourceLanguage": "source_language", "targetLanguages": "target_languages"}
    organization_id = resolve_org_id(principal, org_id)
    glossary = service.update_glossary(
        session,
        principal=principal,
        organization_id=organization_id,
        glossary_id=glossary_id,
        changes={names.get(k, k): v for k, v in sent.items()},
        after_change=recheck_organization,
    )
    return _glossary_out(glossary, service.term_counts(session, [glossary.id]).get(glossary.id, 0))


@router.delete("/{glossary_id}", status_code=204, dependencies=SCOPED, summary="Delete a glossary and its terms")
def delete_glossary(org_id: str, glossary_id: str, session: DbSession, principal: CurrentPrincipal) -> Response:
    service.delete_glossary(
        session,
        principal=principal,
        organization_id=resolve_org_id(principal, org_id),
        glossary_id=glossary_id,
        after_change=recheck_organization,
    )
    return Response(status_code=204)


def _input(body: TermCreate) -> TermInput:
    return TermInput(
        body.term,
        body.description,
        body.partOfSpeech,
        body.caseSensitive,
        body.doNotTranslate,
        body.forbidden,
        dict(body.translations),
    )


@router.post(
    "/{glossary_id}/terms",
    status_code=201,
    response_model=TermOut,
    dependencies=SCOPED,
    responses=conflict(DUPLICATE_TERM),
    summary="Add a term",
)
def add_term(
    org_id: str, glossary_id: str, body: TermCreate, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    term, glossary = service.add_term(
        session,
        principal=principal,
        organization_id=resolve_org_id(principal, org_id),
        glossary_id=glossary_id,
        item=_input(body),
        after_change=recheck_organization,
    )
    return _term_out(term, glossary)


@router.get("/{glossary_id}/terms", response_model=TermPage, dependencies=SCOPED, summary="List terms (paginated)")
def list_terms(
    org_id: str, glossary_id: str, session: DbSession, principal: CurrentPrincipal, page: Paging, q: str | None = None
) -> dict[str, Any]:
    glossary, rows, total = service.list_terms(
        session,
        principal=principal,
        organization_id=resolve_org_id(principal, org_id),
        glossary_id=glossary_id,
        page=page,
        q=q,
    )
    return envelope([_term_out(t, glossary) for t in rows], total, page)


@router.post(
    "/{glossary_id}/import",
    response_model=GlossaryImportOut,
    dependencies=SCOPED,
    summary="Import terms from CSV or TBX-Basic (all or nothing)",
)
def import_terms(
    org_id: str, glossary_id: str, body: GlossaryImportBody, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    organization_id = resolve_org_id(principal, org_id)
    principal.require(Permission.IMPORT_EXPORT)  # before reading a file the caller may not import
    glossary = service.get_glossary(session, organization_id=organization_id, glossary_id=glossary_id)
    if body.format == "csv":
        items = interchange.read_csv(body.content)
    else:
        items = interchange.read_tbx(body.content, glossary.source_language, glossary.target_languages)
    result = service.import_terms(
        session,
        principal=principal,
        organization_id=organization_id,
        glossary_id=glossary_id,
        items=items,
        replace=body.replace,
        after_change=recheck_organization,
    )
    return {
        "format": body.format,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deleted": result.deleted,
        "total": result.total,
    }


FORMATS = {"csv": "text/csv; charset=utf-8", "tbx": "application/x-tbx+xml; charset=utf-8"}


@router.get(
    "/{glossary_id}/export",
    dependencies=SCOPED,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
    summary="Export terms as CSV or TBX-Basic (?format=csv|tbx)",
)
def export_terms(
    org_id: str, glossary_id: str, session: DbSession, principal: CurrentPrincipal, format: str | None = None
) -> Response:
    if format not in FORMATS:
        raise BadRequest([f"format must be one of {', '.join(FORMATS)}"])
    glossary, terms = service.all_terms(
        session, principal=principal, organization_id=resolve_org_id(principal, org_id), glossary_id=glossary_id
    )
    body = interchange.write_csv(glossary, terms) if format == "csv" else interchange.write_tbx(glossary, terms)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in glossary.name)[:80] or "glossary"
    headers = {"Content-Disposition": f'attachment; filename="{safe}.{format}"'}
    return Response(content=body.encode("utf-8"), media_type=FORMATS[format], headers=headers)
